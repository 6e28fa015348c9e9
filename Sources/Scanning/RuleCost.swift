import DetectionRules
import EvidenceInput
import Foundation
import LineChunking

/// Where a matcher's time goes, rule by rule (`spoor lint --cost`): filled by ``ChunkMatcher`` when set.
final class MatchingCosts {
    var records: UInt64 = 0
    var prefilter: UInt64 = 0
    var rules: [UInt64]
    var candidateLines: [Int]

    init(ruleCount: Int) {
        rules = Array(repeating: 0, count: ruleCount)
        candidateLines = Array(repeating: 0, count: ruleCount)
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Nanoseconds since `clock`, which moves to now.
    func lap(_ clock: inout UInt64) -> UInt64 {
        let now = Self.now()
        defer { clock = now }
        return now &- clock
    }
}

/// Each rule's share of matching time on given evidence, so that rule authors see the expensive ones.
///
/// The evidence is read as a scan reads it, on one thread, and every chunk goes through the scan's own
/// matcher with a clock around the prefilter and around each rule's evaluation of its candidate lines.
/// Times vary from run to run and machine to machine; the ranking and the candidate line counts are
/// what to read. Archives are not walked.
public enum RuleCostProfile {
    public struct RuleCost: Sendable {
        public var ruleIndex: Int
        public var nanoseconds: UInt64
        /// Lines the rule was evaluated on (after the prefilter), and how many it matched.
        public var candidateLines: Int
        public var matches: Int
        /// False when the rule has no literal for the prefilter (it sees every line in its scope).
        public var isGated: Bool
        /// Gated by patterns searched over whole chunks (``ChunkGate``) rather than by literals alone.
        public var hasChunkGate = false
    }

    public struct Report: Sendable {
        public var files = 0
        public var bytes: Int64 = 0
        public var lines = 0
        /// Reading each line's format and time, and the report's activities (not rule work).
        public var recordNanoseconds: UInt64 = 0
        /// The multi-literal prefilter over every chunk.
        public var prefilterNanoseconds: UInt64 = 0
        /// Every rule, most expensive first (ties in rule order).
        public var rules: [RuleCost] = []
        public var errors: [String] = []

        public var matchingNanoseconds: UInt64 { prefilterNanoseconds + rules.reduce(0) { $0 + $1.nanoseconds } }
    }

    public static func measure(rules: RuleSet, configuration: ScanConfiguration) -> Report {
        var report = Report()
        let costs = MatchingCosts(ruleCount: rules.rules.count)
        let matcher = ChunkMatcher(rules: rules, configuration: configuration, capBoard: FindingsCapBoard(ruleCount: rules.rules.count))
        matcher.costs = costs
        var matches = Array(repeating: 0, count: rules.rules.count)
        let files = EvidenceDiscovery.discover(configuration.evidencePaths, archivePasswords: []).files
        for (index, file) in files.enumerated() where !file.isArchive && file.member == nil {
            let reader: EvidenceReader
            do { reader = try EvidenceReader(file: file) } catch {
                report.errors.append("\(file.displayPath): \(error.description)")
                continue
            }
            var chunker = LineChunker(targetChunkBytes: configuration.chunkBytes, maximumLineBytes: configuration.maximumLineBytes)
            do {
                while let chunk = try chunker.next(from: reader) {
                    let result = matcher.match(chunk, fileIndex: index)
                    for (rule, counts) in result.counts.enumerated() { matches[rule] += counts.matches }
                }
            } catch {
                report.errors.append("\(file.displayPath): \(error.description)")
            }
            _ = reader.finish()
            report.files += 1
            report.bytes += reader.decompressedBytes
            report.lines += chunker.lineCount
        }
        report.recordNanoseconds = costs.records
        report.prefilterNanoseconds = costs.prefilter
        report.rules = rules.rules.indices.map { index in
            RuleCost(ruleIndex: index, nanoseconds: costs.rules[index], candidateLines: costs.candidateLines[index],
                     matches: matches[index], isGated: rules.gateLiterals[index] != nil,
                     hasChunkGate: rules.chunkGates[index] != nil)
        }.sorted { ($0.nanoseconds, $1.ruleIndex) > ($1.nanoseconds, $0.ruleIndex) }
        return report
    }
}
