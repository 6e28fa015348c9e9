import Crypto
import DetectionRules
import LineChunking
import PatternMatching
import RecordParsing

/// A rule hit as a worker found it, before the report model: everything is copied out of the chunk.
struct FindingDraft: Sendable {
    var ruleIndex: Int
    var lineNumber: Int
    var offset: Int64
    /// The line as reported (secrets replaced when redacting).
    var line: [UInt8]
    var isLineTruncated: Bool
    var isRedacted: Bool
    /// Field name and value bytes, header fields first, then captures.
    var fields: [(String, [UInt8])]
    var time: [UInt8]?
}

/// Per-rule counts of one chunk.
struct RuleCounts: Sendable {
    var matches = 0
    var engineErrors = 0
    /// Line number and offset of the first engine error.
    var firstEngineError: (line: Int, offset: Int64)?
}

/// What one chunk produced.
struct ChunkResult: Sendable {
    var fileIndex: Int
    var chunkIndex: Int
    var findings: [FindingDraft]
    var counts: [RuleCounts]
}

/// Runs the rule set over chunks: one per worker thread, reusing its buffers across chunks.
///
/// The prefilter finds candidate lines for every gated rule at once; only those lines are parsed and
/// evaluated. No allocation happens per line except for hits.
final class ChunkMatcher {
    private let rules: RuleSet
    private let configuration: ScanConfiguration
    private let evaluator = RuleEvaluator()
    private var lineStarts: [Int32] = []
    private var literalHits: [[Int32]] = []
    private var candidates: [Int32] = []
    private var headers: [SyslogHeader] = []
    private var headerStamps: [Int32] = []
    private var stamp: Int32 = 0

    init(rules: RuleSet, configuration: ScanConfiguration) {
        self.rules = rules
        self.configuration = configuration
    }

    func match(_ chunk: Chunk, fileIndex: Int) -> ChunkResult {
        var result = ChunkResult(fileIndex: fileIndex, chunkIndex: chunk.index, findings: [], counts: Array(repeating: RuleCounts(), count: rules.rules.count))
        chunk.lineStarts(into: &lineStarts)
        let lineCount = lineStarts.count
        guard lineCount > 0 else { return result }
        stamp &+= 1
        if headers.count < lineCount {
            headers.append(contentsOf: Array(repeating: SyslogHeader(message: 0..<0), count: lineCount - headers.count))
            headerStamps.append(contentsOf: Array(repeating: 0, count: lineCount - headerStamps.count))
        }
        chunk.bytes.withUnsafeBufferPointer { buffer in
            _ = lineStarts.withUnsafeBufferPointer { starts in
                rules.prefilter.scan(buffer, lineStarts: starts, scratch: evaluator.scratch, into: &literalHits)
            }
            for (ruleIndex, rule) in rules.rules.enumerated() {
                var kept = 0
                let visit = { (lineIndex: Int) in
                    let range = chunk.contentRange(ofLine: lineIndex, lineStarts: self.lineStarts)
                    let line = UnsafeBufferPointer(rebasing: buffer[range])
                    if self.headerStamps[lineIndex] != self.stamp {
                        self.headers[lineIndex] = SyslogHeader.parse(line)
                        self.headerStamps[lineIndex] = self.stamp
                    }
                    let header = self.headers[lineIndex]
                    let program = header.program.map { UnsafeBufferPointer(rebasing: line[$0]) }
                    guard rule.scope.admits(program: program) else { return }
                    switch self.evaluator.evaluate(rule, line: line, header: header) {
                    case .noMatch: return
                    case .engineError:
                        result.counts[ruleIndex].engineErrors += 1
                        if result.counts[ruleIndex].firstEngineError == nil {
                            result.counts[ruleIndex].firstEngineError = (chunk.firstLineNumber + lineIndex, chunk.startOffset + Int64(range.lowerBound))
                        }
                    case .matched:
                        result.counts[ruleIndex].matches += 1
                        guard kept < self.configuration.findingsCapPerRule else { return }
                        kept += 1
                        let isTruncated = chunk.truncatedLine != nil && lineIndex == lineCount - 1
                        result.findings.append(self.draft(rule: rule, ruleIndex: ruleIndex, line: line, header: header,
                                                          lineNumber: chunk.firstLineNumber + lineIndex,
                                                          offset: chunk.startOffset + Int64(range.lowerBound), isTruncated: isTruncated))
                    }
                }
                if let literalIndexes = rules.gateLiterals[ruleIndex] {
                    candidates.removeAll(keepingCapacity: true)
                    for literal in literalIndexes { candidates.append(contentsOf: literalHits[literal]) }
                    if literalIndexes.count > 1 { candidates.sort() }
                    var previous: Int32 = -1
                    for lineIndex in candidates where lineIndex != previous {
                        previous = lineIndex
                        visit(Int(lineIndex))
                    }
                } else {
                    for lineIndex in 0..<lineCount { visit(lineIndex) }
                }
            }
        }
        result.findings.sort { ($0.lineNumber, $0.ruleIndex) < ($1.lineNumber, $1.ruleIndex) }
        return result
    }

    private func draft(rule: DetectionRule, ruleIndex: Int, line: UnsafeBufferPointer<UInt8>, header: SyslogHeader, lineNumber: Int, offset: Int64, isTruncated: Bool) -> FindingDraft {
        var fields: [(String, [UInt8])] = []
        for field in [RecordField.host, .program, .pid] {
            if let range = header.range(of: field, lineLength: line.count) { fields.append((field.name, Array(line[range]))) }
        }
        var redactions: [(Range<Int>, [UInt8])] = []
        for capture in evaluator.captures {
            var value = Array(line[capture.range])
            if configuration.isRedacting, let entity = rule.entities[capture.name], entity.redact {
                value = Redaction.marker(for: value, type: entity.type, key: configuration.redactionKey)
                redactions.append((capture.range, value))
            }
            if let existing = fields.firstIndex(where: { $0.0 == capture.name }) { fields[existing].1 = value } else { fields.append((capture.name, value)) }
        }
        var reported = Array(line)
        // Replace redacted ranges from the end so earlier ranges stay valid; overlapping ranges merge.
        for (range, marker) in redactions.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) where range.upperBound <= reported.count {
            reported.replaceSubrange(range, with: marker)
        }
        return FindingDraft(ruleIndex: ruleIndex, lineNumber: lineNumber, offset: offset, line: reported, isLineTruncated: isTruncated,
                            isRedacted: !redactions.isEmpty, fields: fields, time: header.timestamp.map { Array(line[$0]) })
    }
}

/// Stand-ins for secrets: the entity type, the length, and a keyed hash, so that the same secret can be
/// recognised across findings without being shown.
enum Redaction {
    static func marker(for value: [UInt8], type: String, key: [UInt8]) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: value, using: SymmetricKey(data: key))
        let hex = code.prefix(8).map { byte -> String in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        return Array("[redacted \(type) length=\(value.count) hmac=\(hex)]".utf8)
    }
}
