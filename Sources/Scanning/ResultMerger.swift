import Foundation
import DetectionRules
import EvidenceInput
import ExposureReport

/// Puts chunk results back in file order then chunk order, whatever order workers finish in, and
/// builds the report's findings, evidence entries and rule statistics from them.
///
/// Deterministic by construction: the per-rule cap keeps the first findings in evidence order.
final class ResultMerger: @unchecked Sendable {
    private let condition = NSCondition()
    private let rules: RuleSet
    private let configuration: ScanConfiguration
    private var pending: [Int: [Int: ChunkResult]] = [:]
    private var summaries: [Int: FileSummary] = [:]
    private var nextFile = 0
    private var nextChunk = 0
    private(set) var mergedFileCountStorage = 0

    private var evidence: [EvidenceEntry] = []
    private var findings: [Finding] = []
    private var statistics: [RuleStatistics]
    private var currentFileFindings: [Int] = []
    private let fileCount: Int

    private let paths: [String]

    init(paths: [String], rules: RuleSet, configuration: ScanConfiguration) {
        self.paths = paths
        self.fileCount = paths.count
        self.rules = rules
        self.configuration = configuration
        statistics = rules.rules.map { RuleStatistics(id: $0.id, matches: 0, reported: 0, engineErrors: 0, firstEngineError: nil) }
    }

    var mergedFileCount: Int {
        condition.lock(); defer { condition.unlock() }
        return mergedFileCountStorage
    }

    func wait(untilMergedFiles count: Int) {
        condition.lock()
        while mergedFileCountStorage < count && mergedFileCountStorage < fileCount { condition.wait() }
        condition.unlock()
    }

    func accept(_ result: ChunkResult) {
        condition.lock()
        pending[result.fileIndex, default: [:]][result.chunkIndex] = result
        drain()
        condition.unlock()
    }

    func fileRead(_ fileIndex: Int, summary: FileSummary) {
        condition.lock()
        summaries[fileIndex] = summary
        drain()
        condition.unlock()
    }

    /// Merges everything that is next in order. Called with the lock held.
    private func drain() {
        while nextFile < fileCount {
            if let result = pending[nextFile]?.removeValue(forKey: nextChunk) {
                merge(result)
                nextChunk += 1
                continue
            }
            guard let summary = summaries[nextFile], summary.chunkCount == nextChunk else { return }
            finishFile(summary)
            summaries[nextFile] = nil
            pending[nextFile] = nil
            nextFile += 1
            nextChunk = 0
            mergedFileCountStorage = nextFile
            condition.broadcast()
        }
    }

    private func merge(_ result: ChunkResult) {
        let path = evidencePath(nextFile)
        for (index, counts) in result.counts.enumerated() where counts.matches > 0 || counts.engineErrors > 0 {
            statistics[index].matches += counts.matches
            statistics[index].engineErrors += counts.engineErrors
            if statistics[index].firstEngineError == nil, let first = counts.firstEngineError {
                statistics[index].firstEngineError = EvidenceLocation(path: path, line: first.line, offset: first.offset, text: nil, bytes: nil, isTruncated: nil, isRedacted: nil)
            }
        }
        for draft in result.findings where statistics[draft.ruleIndex].reported < configuration.findingsCapPerRule {
            statistics[draft.ruleIndex].reported += 1
            findings.append(Self.finding(from: draft, rule: rules.rules[draft.ruleIndex], path: path))
            currentFileFindings.append(findings.count - 1)
        }
    }

    private func evidencePath(_ index: Int) -> String {
        paths[index]
    }

    private func finishFile(_ summary: FileSummary) {
        if summary.hasDamagedData {
            for index in currentFileFindings { findings[index].isFromDamagedData = true }
        }
        currentFileFindings.removeAll()
        evidence.append(EvidenceEntry(
            path: summary.path, sha256: summary.sha256, bytes: summary.storedBytes, compression: summary.compression,
            decompressedBytes: summary.decompressedBytes, lines: summary.lines, status: summary.status, error: summary.error,
            warnings: summary.warnings, gzipMembers: summary.gzipMembers, truncatedLines: summary.truncatedLines,
            hasDamagedData: summary.hasDamagedData))
    }

    static func finding(from draft: FindingDraft, rule: DetectionRule, path: String) -> Finding {
        var fields: [String: String] = [:]
        for (name, value) in draft.fields where fields[name] == nil { fields[name] = TextRendering.escapedText(value) }
        var location = EvidenceLocation(path: path, line: draft.lineNumber, offset: draft.offset, text: nil, bytes: nil,
                                        isTruncated: draft.isLineTruncated ? true : nil, isRedacted: draft.isRedacted ? true : nil)
        if let text = String(validating: draft.line, as: UTF8.self) {
            location.text = text
        } else {
            location.bytes = Data(draft.line).base64EncodedString()
        }
        return Finding(rule: FindingRule(id: rule.id, name: rule.name, title: rule.title, level: rule.level.rawValue, tags: rule.tags),
                       fields: fields, time: draft.time.map { TextRendering.escapedText($0) }, evidence: [location], isFromDamagedData: nil)
    }

    func outcome(discoveryProblems: [DiscoveryProblem]) -> ScanOutcome {
        condition.lock(); defer { condition.unlock() }
        return ScanOutcome(evidence: evidence, findings: findings, statistics: statistics, problems: discoveryProblems.map { "\($0.path): \($0.reason)" })
    }
}

/// Bytes as text: valid UTF-8 as is, every invalid byte written `\xNN` (evidence is never altered
/// silently, as U+FFFD replacement would).
public enum TextRendering {
    public static func escapedText(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                result += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            } else {
                let hex = String(bytes[index], radix: 16)
                result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                index += 1
            }
        }
        return result
    }

    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7f: return 1
        case 0xc2...0xdf: length = 2
        case 0xe0...0xef: length = 3
        case 0xf0...0xf4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
    }
}
