import PatternMatching
import RecordParsing

/// Evaluates rules on one line at a time, reusing its buffers: one per worker thread.
///
/// Contract: a PCRE2 engine error (match limit, JIT stack, …) makes the result ``Outcome/engineError``
/// for that rule and line — never "no match". Captures are byte ranges of the line; a group that did
/// not take part is absent, not empty.
public final class RuleEvaluator {
    /// The result of one rule on one line.
    public enum Outcome: Equatable {
        case noMatch
        case matched
        case engineError(code: Int32)
    }

    /// A named capture of the last match: its name, and its range in the line, or its bytes when it
    /// was captured from a decoded value (hex, JSON or `#NNN` escapes) that is not in the line as such.
    public struct Capture: Equatable {
        public var name: String
        public var range: Range<Int>?
        public var decodedBytes: [UInt8]?

        /// The captured bytes.
        public func bytes(in line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            if let range { return Array(line[range]) }
            return decodedBytes ?? []
        }
    }

    public let scratch: MatchScratch
    /// Field values of the record being evaluated.
    public let fields = FieldResolver()
    /// Captures of the last ``Outcome/matched`` evaluation, in selection then group order; the first
    /// value of a name wins.
    public private(set) var captures: [Capture] = []
    /// Per-evaluation state, moved out of the object for the evaluation so the hot path works on a
    /// local value (no exclusivity checks or reference counting on each access).
    private struct State {
        var memo: [Int8] = []
        var selectionCaptures: [[Capture]] = []
        var pendingError: Int32?
    }
    private var reusable = State()

    public init(limits: MatchLimits = MatchLimits()) {
        scratch = MatchScratch(limits: limits)
    }

    /// Evaluates `rule` on `line`, read as `record`.
    public func evaluate(_ rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, record: LogRecord) -> Outcome {
        var state = State()
        swap(&state, &reusable)
        defer { swap(&state, &reusable) }
        return evaluate(rule, line: line, record: record, state: &state)
    }

    private func evaluate(_ rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, record: LogRecord, state: inout State) -> Outcome {
        let selectionCount = rule.selections.count
        if state.memo.count < selectionCount {
            state.memo = Array(repeating: -1, count: selectionCount)
            state.selectionCaptures = Array(repeating: [], count: selectionCount)
        }
        for index in 0..<selectionCount {
            state.memo[index] = -1
            state.selectionCaptures[index].removeAll(keepingCapacity: true)
        }
        state.pendingError = nil
        captures.removeAll(keepingCapacity: true)
        fields.reset()
        let matched = evaluate(rule.condition, rule: rule, line: line, record: record, state: &state)
        if let code = state.pendingError { return .engineError(code: code) }
        guard matched else { return .noMatch }
        // Captures come from every positive selection that matched, evaluated now if the condition
        // short-circuited past it.
        for index in rule.positiveSelections {
            if state.memo[index] == -1 { _ = selection(index, rule: rule, line: line, record: record, state: &state) }
            if let code = state.pendingError { return .engineError(code: code) }
            guard state.memo[index] == 1 else { continue }
            for capture in state.selectionCaptures[index] where !captures.contains(where: { $0.name == capture.name }) {
                captures.append(capture)
            }
        }
        // A capture with a validity check (Luhn, NI number) that fails it undoes the match.
        if !rule.captureChecks.isEmpty {
            for capture in captures {
                guard let check = rule.captureChecks[capture.name] else { continue }
                let passes = capture.range.map { check.accepts(line[$0]) } ?? check.accepts(capture.decodedBytes ?? [])
                if !passes { captures.removeAll(keepingCapacity: true); return .noMatch }
            }
        }
        return .matched
    }

    private func evaluate(_ condition: Condition, rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, record: LogRecord, state: inout State) -> Bool {
        switch condition {
        case .selection(let index):
            return selection(index, rule: rule, line: line, record: record, state: &state)
        case .not(let inner):
            return !evaluate(inner, rule: rule, line: line, record: record, state: &state)
        case .and(let parts):
            for part in parts where !evaluate(part, rule: rule, line: line, record: record, state: &state) { return false }
            return true
        case .or(let parts):
            for part in parts where evaluate(part, rule: rule, line: line, record: record, state: &state) { return true }
            return false
        case .quantified(let isAll, let indexes):
            if isAll {
                for index in indexes where !selection(index, rule: rule, line: line, record: record, state: &state) { return false }
                return true
            }
            for index in indexes where selection(index, rule: rule, line: line, record: record, state: &state) { return true }
            return false
        }
    }

    private func selection(_ index: Int, rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, record: LogRecord, state: inout State) -> Bool {
        if state.memo[index] != -1 { return state.memo[index] == 1 }
        let result: Bool
        switch rule.selections[index].body {
        case .keywords(let patterns, let requiresAll):
            result = requiresAll
                ? patterns.allSatisfy { match($0, in: line, range: 0..<line.count, isLine: true, selection: index, state: &state) }
                : patterns.contains { match($0, in: line, range: 0..<line.count, isLine: true, selection: index, state: &state) }
        case .maps(let maps):
            // Captures of a map that fails as a whole are dropped: only a matching map feeds fields.
            result = maps.contains { map in
                let kept = state.selectionCaptures[index].count
                let matched = map.allSatisfy { test($0, rule: rule, line: line, record: record, selection: index, state: &state) }
                if !matched && state.selectionCaptures[index].count > kept { state.selectionCaptures[index].removeSubrange(kept...) }
                return matched
            }
        }
        state.memo[index] = result ? 1 : 0
        return result
    }

    /// Where a tested value is: absent, a range of the line, a range of the decoded buffer, or bytes
    /// copied from a capture of another selection.
    private enum Subject {
        case absent
        case inLine(Range<Int>)
        case decoded(Range<Int>)
        case bytes([UInt8])
    }

    private func subject(of test: FieldTest, line: UnsafeBufferPointer<UInt8>, record: LogRecord, rule: DetectionRule, state: inout State) -> Subject {
        // The parser's field first: in open-key formats (auditd) a capture name such as `auid` may also be
        // a field of the record, and the record's own value must win over another selection's capture.
        switch fields.value(of: test.field, in: record, line: line) {
        case .inLine(let range)?: return .inLine(range)
        case .decoded(let range)?: return .decoded(range)
        case nil: if test.capturedBy.isEmpty { return .absent }
        }
        // Else a capture of this rule: the capturing selections run first (rule-format §3.6).
        for source in test.capturedBy {
            if state.memo[source] == -1 { _ = selection(source, rule: rule, line: line, record: record, state: &state) }
            guard state.memo[source] == 1, let capture = state.selectionCaptures[source].first(where: { $0.name == test.field.text }) else { continue }
            if let range = capture.range { return .inLine(range) }
            return .bytes(capture.decodedBytes ?? [])
        }
        return .absent
    }

    private func test(_ test: FieldTest, rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, record: LogRecord, selection: Int, state: inout State) -> Bool {
        let subject = self.subject(of: test, line: line, record: record, rule: rule, state: &state)
        if case .absent = subject {
            // Only `null` and `exists: false` hold for an absent field; `neq` needs a value to differ.
            if test.negated { return false }
            let check = { (expected: ValueTest) -> Bool in
                switch expected {
                case .isAbsent: return true
                case .exists(let flag): return !flag
                default: return false
                }
            }
            return test.requiresAll ? test.values.allSatisfy(check) : test.values.contains(where: check)
        }
        let check = { (expected: ValueTest) -> Bool in
            switch expected {
            case .isAbsent: return false
            case .exists(let flag): return flag
            case .pattern(let pattern):
                switch subject {
                case .absent: return false
                case .inLine(let range): return self.match(pattern, in: line, range: range, isLine: true, selection: selection, state: &state)
                case .decoded(let range):
                    let bytes = self.fields.decoded
                    return bytes.withUnsafeBufferPointer { self.match(pattern, in: $0, range: range, isLine: false, selection: selection, state: &state) }
                case .bytes(let bytes):
                    return bytes.withUnsafeBufferPointer { self.match(pattern, in: $0, range: 0..<$0.count, isLine: false, selection: selection, state: &state) }
                }
            case .fieldReference(let reference):
                // A copy: resolving the other field may grow the decoded buffer the value sits in.
                let bytes = self.bytes(of: subject, line: line)
                return self.compare(bytes, with: reference, line: line, record: record)
            case .number, .network, .timePart:
                return self.withBytes(of: subject, line: line) { Self.typedCheck(expected, value: $0) }
            }
        }
        if test.negated { return !test.values.contains(where: check) }
        return test.requiresAll ? test.values.allSatisfy(check) : test.values.contains(where: check)
    }

    private func bytes(of subject: Subject, line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        switch subject {
        case .absent: return []
        case .inLine(let range): return Array(line[range])
        case .decoded(let range): return Array(fields.decoded[range])
        case .bytes(let bytes): return bytes
        }
    }

    /// The subject's bytes, without copying them.
    private func withBytes(of subject: Subject, line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        switch subject {
        case .absent: return false
        case .inLine(let range): return body(UnsafeBufferPointer(rebasing: line[range]))
        case .decoded(let range): return fields.decoded.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        case .bytes(let bytes): return bytes.withUnsafeBufferPointer(body)
        }
    }

    /// Numeric, network and time-part comparisons on a present value.
    static func typedCheck(_ expected: ValueTest, value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch expected {
        case .number(let comparison, let bound):
            guard let number = DecimalValue.parse(value) else { return false }
            return comparison.holds(number, bound)
        case .network(let network):
            return network.contains(value)
        case .timePart(let part, let comparison, let bound):
            guard let number = part.value(of: value) else { return false }
            return comparison.holds(number, bound)
        case .pattern, .isAbsent, .exists, .fieldReference:
            return false
        }
    }

    /// `|fieldref`: the value against the other field of the same record.
    private func compare(_ value: [UInt8], with reference: FieldReference, line: UnsafeBufferPointer<UInt8>, record: LogRecord) -> Bool {
        guard let otherValue = fields.value(of: reference.field, in: record, line: line) else { return false }
        return Self.compare(value, fields.bytes(of: otherValue, line: line), reference.match)
    }

    static func compare(_ value: [UInt8], _ reference: [UInt8], _ how: FieldReferenceMatch) -> Bool {
        let fold: (UInt8) -> UInt8 = how.caseSensitive ? { $0 } : { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let a = value.map(fold), b = reference.map(fold)
        switch how.position {
        case .whole: return a == b
        case .prefix: return a.starts(with: b)
        case .suffix: return a.reversed().starts(with: b.reversed())
        case .contains:
            guard !b.isEmpty else { return true }
            guard a.count >= b.count else { return false }
            for start in 0...(a.count - b.count) where a[start..<start + b.count].elementsEqual(b) { return true }
            return false
        }
    }

    /// Matches `buffer[range]`. When `isLine` the captures are kept as ranges of the line; otherwise
    /// (a decoded value, not in the line as such) their bytes are copied out.
    private func match(_ pattern: CompiledPattern, in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, isLine: Bool, selection: Int, state: inout State) -> Bool {
        let subject = UnsafeBufferPointer(rebasing: buffer[range])
        switch pattern.firstMatch(in: subject, scratch: scratch) {
        case .noMatch: return false
        case .failed(let code):
            if state.pendingError == nil { state.pendingError = code }
            return false
        case .matched:
            for group in pattern.namedGroups {
                guard let found = scratch.range(ofGroup: group.number) else { continue }
                let capture = isLine
                    ? Capture(name: group.name, range: (found.lowerBound + range.lowerBound)..<(found.upperBound + range.lowerBound), decodedBytes: nil)
                    : Capture(name: group.name, range: nil, decodedBytes: Array(subject[found]))
                state.selectionCaptures[selection].append(capture)
            }
            return true
        }
    }
}
