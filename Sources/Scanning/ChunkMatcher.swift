import ExposureAnalysis
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
    /// The stamp as written.
    var timeText: [UInt8]?
    /// The stamp as read (exact, or local and perhaps year-less).
    var instant: RecordInstant?
    /// Year rollovers seen in the chunk at or before this line (the merger adds the file's count).
    var chunkRollovers: Int
    /// Values redacted in this finding and their markers (empty when not redacting).
    var secrets: [([UInt8], [UInt8])] = []
}

/// Per-rule counts of one chunk.
struct RuleCounts: Sendable {
    var matches = 0
    var engineErrors = 0
    /// Line number and offset of the first engine error.
    var firstEngineError: (line: Int, offset: Int64)?
}

/// What the chunk's lines say about time and formats, for the file's summary and year inference.
struct ChunkRecordSummary: Sendable {
    /// Lines per ``RecordFormat`` (in `RecordFormat.allCases` order).
    var formatCounts: [Int] = Array(repeating: 0, count: RecordFormat.allCases.count)
    var repeatedMessageEvents = 0
    /// The first and last year-less stamps (and the rollovers counted at them), and the chunk line
    /// indexes where the month went backwards, year-less and dated lines alike.
    var firstLocal: CivilTime?
    var firstLocalRollovers = 0
    var lastLocal: CivilTime?
    var lastLocalRollovers = 0
    var rolloverLines: [Int] = []
    /// Months of the first and last dated lines of any kind, to see rollovers between chunks.
    var firstMonth: Int?
    var lastMonth: Int?
    /// The last stamp with a year in the chunk (its civil date as written) and its line index.
    var inLineYear: (time: CivilTime, lineIndex: Int)?
    /// Earliest and latest exact instants, nanoseconds since the epoch.
    var earliestExact: Int64?
    var latestExact: Int64?

    func rollovers(atOrBefore lineIndex: Int) -> Int {
        rolloverLines.reduce(0) { $0 + ($1 <= lineIndex ? 1 : 0) }
    }
}

/// What one chunk produced.
struct ChunkResult: Sendable {
    var fileIndex: Int
    var chunkIndex: Int
    var findings: [FindingDraft]
    var counts: [RuleCounts]
    var summary: ChunkRecordSummary
    /// Logins, sessions, commands, transfers and account changes, in line order (tallies at their first line).
    var activities: [ActivityDraft] = []
    /// Per host: minutes with lines.
    var coverage: [String: ChunkCoverage] = [:]
    var nulLines: NulLineCount?
}

/// Runs the rule set over chunks: one per worker thread, reusing its buffers across chunks.
///
/// Every line is classified (format, time stamp month) for the file's summary; the prefilter finds
/// candidate lines for every gated rule at once, and only those are evaluated. No allocation happens
/// per line except for hits.
final class ChunkMatcher {
    private let rules: RuleSet
    private let configuration: ScanConfiguration
    private let evaluator = RuleEvaluator()
    private var lineStarts: [Int32] = []
    private var literalHits: [[Int32]] = []
    private var patternHits: [[Int32]] = []
    private var candidates: [Int32] = []
    private var records: [LogRecord] = []
    /// `recordStamps[i] == stamp` when `records[i]` holds line i of the current chunk.
    private var recordStamps: [UInt32] = []
    private var stamp: UInt32 = 0

    private let capBoard: FindingsCapBoard
    private var isCapFull: [Bool] = []
    private let activityCollector = ActivityCollector()
    private var tallies: [ActivityCollector.TallyKey: Int] = [:]
    /// When set (`spoor lint --cost`), where this matcher's time goes; nil in scans.
    var costs: MatchingCosts?

    init(rules: RuleSet, configuration: ScanConfiguration, capBoard: FindingsCapBoard) {
        self.rules = rules
        self.configuration = configuration
        self.capBoard = capBoard
    }

    func match(_ chunk: Chunk, fileIndex: Int) -> ChunkResult {
        var result = ChunkResult(fileIndex: fileIndex, chunkIndex: chunk.index, findings: [], counts: Array(repeating: RuleCounts(), count: rules.rules.count), summary: ChunkRecordSummary())
        chunk.lineStarts(into: &lineStarts)
        let lineCount = lineStarts.count
        guard lineCount > 0 else { return result }
        stamp &+= 1
        capBoard.snapshot(into: &isCapFull)
        if records.count < lineCount {
            let empty = LogRecord(format: .unrecognised, header: SyslogHeader(message: 0..<0), family: .other, repeatCount: 1)
            records.append(contentsOf: repeatElement(empty, count: lineCount - records.count))
            recordStamps.append(contentsOf: repeatElement(0, count: lineCount - recordStamps.count))
        }
        chunk.bytes.withUnsafeBufferPointer { buffer in
            var clock = costs.map { _ in MatchingCosts.now() } ?? 0
            classify(chunk, buffer: buffer, summary: &result.summary)
            if configuration.collectsActivities { collectActivities(chunk, buffer: buffer, result: &result) }
            if let costs { costs.records += costs.lap(&clock) }
            _ = lineStarts.withUnsafeBufferPointer { starts in
                rules.prefilter.scan(buffer, lineStarts: starts, scratch: evaluator.scratch, into: &literalHits)
            }
            if !rules.chunkPatterns.isEmpty { findChunkPatterns(buffer) }
            if let costs { costs.prefilter += costs.lap(&clock) }
            for (ruleIndex, rule) in rules.rules.enumerated() {
                var kept = 0
                var visited = 0
                let visit = { (lineIndex: Int) in
                    visited += 1
                    let range = chunk.contentRange(ofLine: lineIndex, lineStarts: self.lineStarts)
                    let line = UnsafeBufferPointer(rebasing: buffer[range])
                    let record = self.record(lineIndex, line: line)
                    let program = record.header.program.map { UnsafeBufferPointer(rebasing: line[$0]) }
                    guard rule.scope.admits(format: record.format, program: program) else { return }
                    if record.format == .auditd {
                        self.collectAuditEvent(around: lineIndex, chunk: chunk, buffer: buffer)
                    } else if !self.evaluator.fields.auditEventSiblings.isEmpty {
                        self.evaluator.fields.auditEventSiblings.removeAll(keepingCapacity: true)
                    }
                    switch self.evaluator.evaluate(rule, line: line, record: record) {
                    case .noMatch: return
                    case .engineError:
                        result.counts[ruleIndex].engineErrors += 1
                        if result.counts[ruleIndex].firstEngineError == nil {
                            result.counts[ruleIndex].firstEngineError = (chunk.firstLineNumber + lineIndex, chunk.evidenceOffset(ofLine: lineIndex, at: range.lowerBound))
                        }
                    case .matched:
                        result.counts[ruleIndex].matches += record.repeatCount
                        // A rule a correlation reads keeps every event: the cap is on findings, not events.
                        guard rule.feedsCorrelation || (kept < self.configuration.findingsCapPerRule && !self.isCapFull[ruleIndex]) else { return }
                        kept += 1
                        let isTruncated = chunk.truncatedLine != nil && lineIndex == lineCount - 1
                        var draft = self.draft(rule: rule, ruleIndex: ruleIndex, line: line, record: record,
                                               lineNumber: chunk.firstLineNumber + lineIndex,
                                               offset: chunk.evidenceOffset(ofLine: lineIndex, at: range.lowerBound), isTruncated: isTruncated)
                        draft.chunkRollovers = result.summary.rollovers(atOrBefore: lineIndex)
                        result.findings.append(draft)
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
                } else if let gate = rules.chunkGates[ruleIndex] {
                    candidates.removeAll(keepingCapacity: true)
                    for literal in gate.literals { candidates.append(contentsOf: literalHits[literal]) }
                    for pattern in gate.patterns { candidates.append(contentsOf: patternHits[pattern]) }
                    candidates.sort()
                    var previous: Int32 = -1
                    for lineIndex in candidates where lineIndex != previous {
                        previous = lineIndex
                        visit(Int(lineIndex))
                    }
                } else {
                    for lineIndex in 0..<lineCount { visit(lineIndex) }
                }
                if let costs {
                    costs.rules[ruleIndex] += costs.lap(&clock)
                    costs.candidateLines[ruleIndex] += visited
                }
            }
        }
        // The sibling buffers point into this chunk: never let them outlive it.
        evaluator.fields.auditEventSiblings.removeAll(keepingCapacity: true)
        result.findings.sort { ($0.lineNumber, $0.ruleIndex) < ($1.lineNumber, $1.ruleIndex) }
        return result
    }

    /// For each chunk pattern (``RuleSet/chunkPatterns``), the lines where it matches: one search over
    /// the whole chunk, resumed at the line after each hit. An engine error (a resource limit) makes
    /// every line from there on a candidate, so the rules decide on them one by one.
    private func findChunkPatterns(_ buffer: UnsafeBufferPointer<UInt8>) {
        let lineCount = lineStarts.count
        if patternHits.count < rules.chunkPatterns.count { patternHits = Array(repeating: [], count: rules.chunkPatterns.count) }
        for (index, pattern) in rules.chunkPatterns.enumerated() {
            patternHits[index].removeAll(keepingCapacity: true)
            var line = 0
            while line < lineCount {
                switch pattern.firstMatch(in: buffer, from: Int(lineStarts[line]), scratch: evaluator.scratch) {
                case .noMatch:
                    line = lineCount
                case .failed:
                    for rest in line..<lineCount { patternHits[index].append(Int32(rest)) }
                    line = lineCount
                case .matched:
                    guard let range = evaluator.scratch.range(ofGroup: 0) else { line = lineCount; break }
                    let hit = Self.lineIndex(containing: range.lowerBound, lineStarts: lineStarts)
                    patternHits[index].append(Int32(hit))
                    line = hit + 1
                }
            }
        }
    }

    /// The line whose start is the last one at or before `offset`.
    static func lineIndex(containing offset: Int, lineStarts: [Int32]) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if Int(lineStarts[middle]) <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Reads every line for the report's sessions, entities and coverage.
    private func collectActivities(_ chunk: Chunk, buffer: UnsafeBufferPointer<UInt8>, result: inout ChunkResult) {
        tallies.removeAll(keepingCapacity: true)
        activityCollector.reset()
        var rolloverIndex = 0
        let rolloverLines = result.summary.rolloverLines
        for lineIndex in 0..<lineStarts.count {
            while rolloverIndex < rolloverLines.count && rolloverLines[rolloverIndex] <= lineIndex { rolloverIndex += 1 }
            let range = chunk.contentRange(ofLine: lineIndex, lineStarts: lineStarts)
            let line = UnsafeBufferPointer(rebasing: buffer[range])
            guard !line.isEmpty else { continue }
            let lineRecord = record(lineIndex, line: line)
            if ActivityExtractor.isExecveRecord(lineRecord, line: line) {
                collectAuditEvent(around: lineIndex, chunk: chunk, buffer: buffer)
                activityCollector.auditEventSiblings = evaluator.fields.auditEventSiblings
            }
            defer { activityCollector.auditEventSiblings = [] }
            activityCollector.collect(record: lineRecord, line: line, lineNumber: chunk.firstLineNumber + lineIndex,
                                      offset: chunk.evidenceOffset(ofLine: lineIndex, at: range.lowerBound), rollovers: rolloverIndex,
                                      activities: &result.activities, tallies: &tallies, coverage: &result.coverage, nulLines: &result.nulLines)
        }
        evaluator.fields.auditEventSiblings.removeAll(keepingCapacity: true)
    }

    /// Sets the evaluator's audit event to the other records around line `index` that share its
    /// `msg=audit(epoch:serial)` (auditd writes an event's records together; an event cut by a chunk
    /// boundary is seen in parts).
    private func collectAuditEvent(around index: Int, chunk: Chunk, buffer: UnsafeBufferPointer<UInt8>) {
        evaluator.fields.auditEventSiblings.removeAll(keepingCapacity: true)
        let lineCount = lineStarts.count
        let ownRange = chunk.contentRange(ofLine: index, lineStarts: lineStarts)
        let own = UnsafeBufferPointer(rebasing: buffer[ownRange])
        guard let ownStamp = records[index].header.timestamp else { return }
        let stamp = UnsafeBufferPointer(rebasing: own[ownStamp])
        func sibling(_ other: Int) -> UnsafeBufferPointer<UInt8>? {
            let range = chunk.contentRange(ofLine: other, lineStarts: lineStarts)
            let line = UnsafeBufferPointer(rebasing: buffer[range])
            let record = self.record(other, line: line)
            guard record.format == .auditd, let otherStamp = record.header.timestamp,
                  UnsafeBufferPointer(rebasing: line[otherStamp]).elementsEqual(stamp) else { return nil }
            return line
        }
        var other = index - 1
        while other >= 0, let line = sibling(other) { evaluator.fields.auditEventSiblings.append(line); other -= 1 }
        other = index + 1
        while other < lineCount, let line = sibling(other) { evaluator.fields.auditEventSiblings.append(line); other += 1 }
    }

    /// True when `: message repeated ` appears in the header's reach after the stamp.
    @inline(__always)
    static func mayBeRepeatedMessage(_ line: UnsafeBufferPointer<UInt8>, after stampEnd: Int) -> Bool {
        let marker: StaticString = ": message repeated "
        let length = marker.utf8CodeUnitCount
        let end = min(line.count, stampEnd + 160) - length
        guard end > stampEnd else { return false }
        let bytes = marker.utf8Start
        var index = stampEnd
        while index <= end {
            if line[index] == 0x3a && line[index + 2] == 0x6d {
                var isMatch = true
                for offset in 0..<length where line[index + offset] != bytes[offset] { isMatch = false; break }
                if isMatch { return true }
            }
            index += 1
        }
        return false
    }

    /// Line `index` as a record, read once per chunk.
    @inline(__always)
    private func record(_ index: Int, line: UnsafeBufferPointer<UInt8>) -> LogRecord {
        if recordStamps[index] != stamp {
            records[index] = LogRecord.read(line)
            recordStamps[index] = stamp
        }
        return records[index]
    }

    /// Summarises every line's format and time stamp. RFC 3164 lines, the bulk of Linux logs, are
    /// recognised from their stamp alone; other lines are read fully. Every dated line's month feeds
    /// rollover detection, so a year-less line can take its year from a dated neighbour.
    private func classify(_ chunk: Chunk, buffer: UnsafeBufferPointer<UInt8>, summary: inout ChunkRecordSummary) {
        var previousMonth = 0
        var lastLocalLine = -1
        let rfc3164Index = RecordFormat.syslogRFC3164.index
        func noteMonth(_ month: Int, at lineIndex: Int) {
            if summary.firstMonth == nil {
                summary.firstMonth = month
            } else if YearInference.isRollover(previousMonth: previousMonth, nextMonth: month) {
                summary.rolloverLines.append(lineIndex)
            }
            previousMonth = month
            summary.lastMonth = month
        }
        for lineIndex in 0..<lineStarts.count {
            let range = chunk.contentRange(ofLine: lineIndex, lineStarts: lineStarts)
            let line = UnsafeBufferPointer(rebasing: buffer[range])
            var localStampEnd: Int?
            if line.count >= 17, let stampEnd = SyslogHeader.rfc3164StampEnd(line), stampEnd + 1 < line.count, line[stampEnd] == 0x20, line[stampEnd + 1] != 0x20 {
                summary.formatCounts[rfc3164Index] += 1
                localStampEnd = stampEnd
                // rsyslog's repeated-message lines stand for several events (read fully only then).
                if Self.mayBeRepeatedMessage(line, after: stampEnd), self.record(lineIndex, line: line).repeatCount > 1 {
                    summary.repeatedMessageEvents += self.record(lineIndex, line: line).repeatCount
                }
            } else {
                let record = self.record(lineIndex, line: line)
                summary.formatCounts[record.format.index] += 1
                if record.repeatCount > 1 { summary.repeatedMessageEvents += record.repeatCount }
                guard let stamp = record.header.timestamp, record.format != .unrecognised else { continue }
                if record.format == .syslogRFC3164 {
                    // A stamp the fast path did not take (a missing host, say): same bookkeeping.
                    localStampEnd = stamp.upperBound
                } else {
                    switch RecordTime.instant(of: record, line: line) {
                    case .exact(let nanoseconds)?:
                        summary.earliestExact = min(summary.earliestExact ?? .max, nanoseconds)
                        summary.latestExact = max(summary.latestExact ?? .min, nanoseconds)
                        if record.format == .syslogRFC3339 || record.format == .syslogRFC5424,
                           let civil = TimestampParser.parseRFC3339(UnsafeBufferPointer(rebasing: line[stamp])) {
                            noteMonth(civil.month, at: lineIndex)
                            summary.inLineYear = (civil, lineIndex)
                        }
                    case .local(let civil)?:
                        if civil.year != nil {
                            noteMonth(civil.month, at: lineIndex)
                            summary.inLineYear = (civil, lineIndex)
                        }
                    case nil:
                        break
                    }
                    continue
                }
            }
            guard let stampEnd = localStampEnd else { continue }
            let month = TimestampParser.monthIndex(line[0], line[1], line[2]) ?? 0
            noteMonth(month, at: lineIndex)
            if summary.firstLocal == nil {
                summary.firstLocal = TimestampParser.parseRFC3164(UnsafeBufferPointer(rebasing: line[0..<stampEnd]))
                summary.firstLocalRollovers = summary.rolloverLines.count
            }
            lastLocalLine = lineIndex
            summary.lastLocalRollovers = summary.rolloverLines.count
        }
        if lastLocalLine >= 0 {
            let range = chunk.contentRange(ofLine: lastLocalLine, lineStarts: lineStarts)
            let line = UnsafeBufferPointer(rebasing: buffer[range])
            if let stampEnd = SyslogHeader.rfc3164StampEnd(line) {
                summary.lastLocal = TimestampParser.parseRFC3164(UnsafeBufferPointer(rebasing: line[0..<stampEnd]))
            }
        }
    }

    private func draft(rule: DetectionRule, ruleIndex: Int, line: UnsafeBufferPointer<UInt8>, record: LogRecord, lineNumber: Int, offset: Int64, isTruncated: Bool) -> FindingDraft {
        var fields: [(String, [UInt8])] = []
        for field in [RecordField.host, .program, .pid] {
            if let range = record.header.range(of: field, lineLength: line.count) { fields.append((field.name, Array(line[range]))) }
        }
        var redactions: [[UInt8]] = []
        var redactedRanges: [(Range<Int>, [UInt8])] = []
        var secrets: [([UInt8], [UInt8])] = []
        for capture in evaluator.captures {
            let original = capture.bytes(in: line)
            var value = original
            if configuration.isRedacting, let entity = rule.entities[capture.name], entity.redact {
                value = Redaction.marker(for: original, type: entity.type, key: configuration.redactionKey)
                secrets.append((original, value))
                if let range = capture.range { redactedRanges.append((range, value)) } else { redactions.append(original) }
            }
            if let existing = fields.firstIndex(where: { $0.0 == capture.name }) { fields[existing].1 = value } else { fields.append((capture.name, value)) }
        }
        var reported = Array(line)
        // Replace redacted ranges from the end so earlier ranges stay valid.
        for (range, marker) in redactedRanges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) where range.upperBound <= reported.count {
            reported.replaceSubrange(range, with: marker)
        }
        // A secret captured from a decoded value: hide every occurrence of its bytes in the line.
        for secret in redactions where !secret.isEmpty {
            reported = Redaction.replacingOccurrences(of: secret, in: reported, with: Redaction.marker(for: secret, type: "secret", key: configuration.redactionKey))
        }
        return FindingDraft(ruleIndex: ruleIndex, lineNumber: lineNumber, offset: offset, line: reported, isLineTruncated: isTruncated,
                            isRedacted: !redactedRanges.isEmpty || !redactions.isEmpty, fields: fields,
                            timeText: record.header.timestamp.map { Array(line[$0]) },
                            instant: RecordTime.instant(of: record, line: line), chunkRollovers: 0, secrets: secrets)
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

    static func replacingOccurrences(of needle: [UInt8], in haystack: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < haystack.count {
            if index + needle.count <= haystack.count && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                result += replacement
                index += needle.count
            } else {
                result.append(haystack[index])
                index += 1
            }
        }
        return result
    }
}
