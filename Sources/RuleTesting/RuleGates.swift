import DetectionRules
import Foundation
import PatternMatching
import RecordParsing

/// The CI gates beyond a rule's own cases (rule-format §3.9): coverage of values by positive lines, and
/// patterns that stay within the engine's limits and a time budget on hostile 64 KiB lines.
public enum RuleGates {
    /// Longest a single match on a 64 KiB adversarial line may take.
    public static let timeBudget: Duration = .milliseconds(250)
    static let adversarialLength = 64 * 1024

    // MARK: Coverage

    /// Values and top-level `|re` alternatives of the rule's positive selections that no positive line
    /// hits. A value nobody tests is a value nobody knows works.
    public static func coverageGaps(of rule: DetectionRule) -> [String] {
        guard let tests = rule.tests else { return [] }
        // Each positive line with the other lines of its case: an auditd field may be in another record
        // of the same event.
        var positiveLines: [PositiveLine] = []
        for testCase in tests.cases where testCase.inputFile == nil {
            let lines = testCase.input.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }.filter { !$0.isEmpty }
            for expectation in testCase.expectations where expectation.rule == rule.id || expectation.rule == rule.name {
                if let line = expectation.line, line <= lines.count { positiveLines.append(PositiveLine(line: lines[line - 1], siblings: lines)) }
                else if expectation.line == nil { positiveLines += lines.map { PositiveLine(line: $0, siblings: lines) } }
            }
        }
        guard !positiveLines.isEmpty else { return [] }
        let scratch = MatchScratch()
        let resolver = FieldResolver()
        var gaps: [String] = []
        for index in rule.positiveSelections {
            let selection = rule.selections[index]
            switch selection.body {
            case .keywords(let patterns, _):
                for pattern in patterns {
                    for alternative in alternatives(of: pattern) where !positiveLines.contains(where: { hits(alternative.pattern, field: nil, line: $0, resolver: resolver, scratch: scratch) }) {
                        gaps.append("selection '\(selection.name)': keyword \(alternative.label) is hit by no positive line")
                    }
                }
            case .maps(let maps):
                for test in maps.joined() where !test.negated && test.capturedBy.isEmpty {
                    for value in test.values {
                        guard case .pattern(let pattern) = value else { continue }
                        for alternative in alternatives(of: pattern) where !positiveLines.contains(where: { hits(alternative.pattern, field: test.field, line: $0, resolver: resolver, scratch: scratch) }) {
                            gaps.append("selection '\(selection.name)': \(test.key) value \(alternative.label) is hit by no positive line")
                        }
                    }
                }
            }
        }
        return gaps
    }

    struct PositiveLine {
        var line: [UInt8]
        var siblings: [[UInt8]]
    }

    struct Alternative {
        var pattern: CompiledPattern
        var label: String
    }

    /// The pattern's top-level alternatives, each compiled alone (with the leading verbs and option
    /// settings that apply to all); the pattern itself when it has one branch.
    static func alternatives(of pattern: CompiledPattern) -> [Alternative] {
        let source = pattern.source
        var prefixEnd = 0
        // Leading (*VERB) and (?flags) apply to every branch.
        while prefixEnd + 1 < source.count, source[prefixEnd] == UInt8(ascii: "("),
              source[prefixEnd + 1] == UInt8(ascii: "*") || (source[prefixEnd + 1] == UInt8(ascii: "?") && isFlagGroup(source, at: prefixEnd)) {
            guard let close = source[prefixEnd...].firstIndex(of: UInt8(ascii: ")")) else { break }
            prefixEnd = close + 1
        }
        let prefix = Array(source[..<prefixEnd])
        let branches = splitTopLevel(Array(source[prefixEnd...]))
        guard branches.count > 1 else { return [Alternative(pattern: pattern, label: "'\(String(decoding: source, as: UTF8.self))'")] }
        return branches.compactMap { branch in
            guard let compiled = try? CompiledPattern(bytes: prefix + branch, options: pattern.options) else { return nil }
            return Alternative(pattern: compiled, label: "alternative '\(String(decoding: branch, as: UTF8.self))'")
        }
    }

    static func isFlagGroup(_ source: [UInt8], at start: Int) -> Bool {
        var index = start + 2
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: ")") { return index > start + 2 }
            guard (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "^") else { return false }
            index += 1
        }
        return false
    }

    /// Splits at `|` outside groups, classes and escapes.
    static func splitTopLevel(_ source: [UInt8]) -> [[UInt8]] {
        var branches: [[UInt8]] = []
        var current: [UInt8] = []
        var depth = 0
        var index = 0
        var inClass = false
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "\\"), index + 1 < source.count {
                current += source[index...index + 1]
                index += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                current.append(byte)
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "["):
                inClass = true
                current.append(byte)
                // A `]` right after `[` or `[^` is a literal member.
                if index + 1 < source.count, source[index + 1] == UInt8(ascii: "^") { current.append(source[index + 1]); index += 1 }
                if index + 1 < source.count, source[index + 1] == UInt8(ascii: "]") { current.append(source[index + 1]); index += 1 }
            case UInt8(ascii: "("): depth += 1; current.append(byte)
            case UInt8(ascii: ")"): depth -= 1; current.append(byte)
            case UInt8(ascii: "|") where depth == 0:
                branches.append(current)
                current = []
            default: current.append(byte)
            }
            index += 1
        }
        branches.append(current)
        return branches
    }

    static func hits(_ pattern: CompiledPattern, field: FieldName?, line: PositiveLine, resolver: FieldResolver, scratch: MatchScratch) -> Bool {
        guard let field else { return line.line.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) == .matched } }
        // The positive line's own field, else (an auditd event's other records) a sibling's.
        for candidate in [line.line] + line.siblings {
            let result: Bool? = candidate.withUnsafeBufferPointer { buffer in
                resolver.reset()
                let record = LogRecord.read(buffer)
                guard let value = resolver.value(of: field, in: record, line: buffer) else { return nil }
                return resolver.withBytes(of: value, line: buffer) { pattern.firstMatch(in: $0, scratch: scratch) == .matched }
            }
            if result == true { return true }
            if result == false && candidate == line.line { return false }
        }
        return false
    }

    // MARK: Adversarial lines

    /// Patterns of the rule that hit a PCRE2 limit, or run past ``timeBudget``, on generated 64 KiB
    /// worst cases: repeats of the pattern's own words, long runs of spaces and letters, repeated sshd
    /// tails, unbalanced quotes.
    public static func adversarialFailures(of rule: DetectionRule) -> [String] {
        let scratch = MatchScratch()
        var failures: [String] = []
        var seen = Set<[UInt8]>()
        for selection in rule.selections {
            var patterns: [CompiledPattern] = []
            switch selection.body {
            case .keywords(let list, _): patterns = list
            case .maps(let maps):
                for test in maps.joined() { for case .pattern(let pattern) in test.values { patterns.append(pattern) } }
            }
            for pattern in patterns where seen.insert(pattern.source).inserted {
                for (name, subject) in adversarialSubjects(for: pattern.source) {
                    let clock = ContinuousClock()
                    var outcome = MatchOutcome.noMatch
                    let elapsed = clock.measure { outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) } }
                    let label = "selection '\(selection.name)': pattern '\(String(decoding: pattern.source.prefix(120), as: UTF8.self))' on \(name)"
                    if case .failed(let code) = outcome {
                        failures.append("\(label): \(CompiledPattern.errorMessage(code))")
                    } else if elapsed > timeBudget {
                        failures.append("\(label): took \(elapsed) (budget \(timeBudget))")
                    }
                }
            }
        }
        return failures
    }

    static func adversarialSubjects(for source: [UInt8]) -> [(String, [UInt8])] {
        func repeated(_ unit: [UInt8]) -> [UInt8] {
            guard !unit.isEmpty else { return [] }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(adversarialLength)
            while bytes.count < adversarialLength { bytes += unit }
            return Array(bytes.prefix(adversarialLength))
        }
        // The pattern's own words (runs of letters, digits, `_`, `-`, `.`, `/`, `=`), joined by spaces.
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var previous: UInt8 = 0
        for byte in source {
            let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || [UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(byte)
            if isWordByte && previous != UInt8(ascii: "\\") { word.append(byte) } else {
                if word.count >= 2 { words.append(word) }
                word = []
            }
            previous = byte
        }
        if word.count >= 2 { words.append(word) }
        var subjects: [(String, [UInt8])] = [
            ("64 KiB of spaces", repeated([0x20])),
            ("64 KiB of 'a'", repeated([UInt8(ascii: "a")])),
            ("64 KiB of ' from 1.1.1.1 port 1 ssh2'", repeated(Array(" from 1.1.1.1 port 1 ssh2".utf8))),
            ("64 KiB of unbalanced quotes", repeated(Array("a\"b'c \"".utf8))),
        ]
        if !words.isEmpty {
            subjects.append(("64 KiB of the pattern's own words", repeated(Array(words.joined(separator: [0x20])) + [0x20])))
            subjects.append(("the pattern's own words, then 64 KiB of spaces", Array(words.joined(separator: [0x20])) + repeated([0x20])))
        }
        return subjects
    }
}
