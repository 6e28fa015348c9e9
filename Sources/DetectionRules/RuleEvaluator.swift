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
                let matched = map.allSatisfy { test($0, line: line, record: record, selection: index, state: &state) }
                if !matched && state.selectionCaptures[index].count > kept { state.selectionCaptures[index].removeSubrange(kept...) }
                return matched
            }
        }
        state.memo[index] = result ? 1 : 0
        return result
    }

    private func test(_ test: FieldTest, line: UnsafeBufferPointer<UInt8>, record: LogRecord, selection: Int, state: inout State) -> Bool {
        let value = fields.value(of: test.field, in: record, line: line)
        let check = { (expected: ValueTest) -> Bool in
            switch expected {
            case .isAbsent: return value == nil
            case .exists(let flag): return (value != nil) == flag
            case .pattern(let pattern):
                switch value {
                case nil: return false
                case .inLine(let range)?: return self.match(pattern, in: line, range: range, isLine: true, selection: selection, state: &state)
                case .decoded(let range)?:
                    let bytes = self.fields.decoded
                    return bytes.withUnsafeBufferPointer { self.match(pattern, in: $0, range: range, isLine: false, selection: selection, state: &state) }
                }
            }
        }
        return test.requiresAll ? test.values.allSatisfy(check) : test.values.contains(where: check)
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
