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

    /// A named capture of the last match: the name and its range in the line.
    public struct Capture: Equatable {
        public var name: String
        public var range: Range<Int>
    }

    public let scratch: MatchScratch
    /// Captures of the last ``Outcome/matched`` evaluation, in selection then group order; the first
    /// value of a name wins.
    public private(set) var captures: [Capture] = []
    private var memo: [Int8] = []
    private var selectionCaptures: [[Capture]] = []
    private var pendingError: Int32?

    public init(limits: MatchLimits = MatchLimits()) {
        scratch = MatchScratch(limits: limits)
    }

    /// Evaluates `rule` on `line` whose header is `header`.
    public func evaluate(_ rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, header: SyslogHeader) -> Outcome {
        let selectionCount = rule.selections.count
        if memo.count < selectionCount {
            memo = Array(repeating: -1, count: selectionCount)
            selectionCaptures = Array(repeating: [], count: selectionCount)
        }
        for index in 0..<selectionCount {
            memo[index] = -1
            selectionCaptures[index].removeAll(keepingCapacity: true)
        }
        pendingError = nil
        captures.removeAll(keepingCapacity: true)
        let matched = evaluate(rule.condition, rule: rule, line: line, header: header)
        if let code = pendingError { return .engineError(code: code) }
        guard matched else { return .noMatch }
        // Captures come from every positive selection that matched, evaluated now if the condition
        // short-circuited past it.
        for index in rule.positiveSelections {
            if memo[index] == -1 { _ = selection(index, rule: rule, line: line, header: header) }
            if let code = pendingError { return .engineError(code: code) }
            guard memo[index] == 1 else { continue }
            for capture in selectionCaptures[index] where !captures.contains(where: { $0.name == capture.name }) {
                captures.append(capture)
            }
        }
        return .matched
    }

    private func evaluate(_ condition: Condition, rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, header: SyslogHeader) -> Bool {
        switch condition {
        case .selection(let index):
            return selection(index, rule: rule, line: line, header: header)
        case .not(let inner):
            return !evaluate(inner, rule: rule, line: line, header: header)
        case .and(let parts):
            for part in parts where !evaluate(part, rule: rule, line: line, header: header) { return false }
            return true
        case .or(let parts):
            for part in parts where evaluate(part, rule: rule, line: line, header: header) { return true }
            return false
        case .quantified(let isAll, let indexes):
            if isAll {
                for index in indexes where !selection(index, rule: rule, line: line, header: header) { return false }
                return true
            }
            for index in indexes where selection(index, rule: rule, line: line, header: header) { return true }
            return false
        }
    }

    private func selection(_ index: Int, rule: DetectionRule, line: UnsafeBufferPointer<UInt8>, header: SyslogHeader) -> Bool {
        if memo[index] != -1 { return memo[index] == 1 }
        let result: Bool
        switch rule.selections[index].body {
        case .keywords(let patterns, let requiresAll):
            result = requiresAll
                ? patterns.allSatisfy { match($0, in: line, range: 0..<line.count, selection: index) }
                : patterns.contains { match($0, in: line, range: 0..<line.count, selection: index) }
        case .maps(let maps):
            // Captures of a map that fails as a whole are dropped: only a matching map feeds fields.
            result = maps.contains { map in
                let kept = selectionCaptures[index].count
                let matched = map.allSatisfy { test($0, line: line, header: header, selection: index) }
                if !matched { selectionCaptures[index].removeSubrange(kept...) }
                return matched
            }
        }
        memo[index] = result ? 1 : 0
        return result
    }

    private func test(_ test: FieldTest, line: UnsafeBufferPointer<UInt8>, header: SyslogHeader, selection: Int) -> Bool {
        let range = header.range(of: test.field, lineLength: line.count)
        let check = { (value: ValueTest) -> Bool in
            switch value {
            case .isAbsent: return range == nil
            case .exists(let flag): return (range != nil) == flag
            case .pattern(let pattern):
                guard let range else { return false }
                return self.match(pattern, in: line, range: range, selection: selection)
            }
        }
        return test.requiresAll ? test.values.allSatisfy(check) : test.values.contains(where: check)
    }

    private func match(_ pattern: CompiledPattern, in line: UnsafeBufferPointer<UInt8>, range: Range<Int>, selection: Int) -> Bool {
        let subject = UnsafeBufferPointer(rebasing: line[range])
        switch pattern.firstMatch(in: subject, scratch: scratch) {
        case .noMatch: return false
        case .failed(let code):
            if pendingError == nil { pendingError = code }
            return false
        case .matched:
            for group in pattern.namedGroups {
                if let found = scratch.range(ofGroup: group.number) {
                    selectionCaptures[selection].append(Capture(name: group.name, range: (found.lowerBound + range.lowerBound)..<(found.upperBound + range.lowerBound)))
                }
            }
            return true
        }
    }
}
