import Foundation
import PatternMatching
import RecordParsing

/// `spoor explain`: for one line and one rule, which parser read the line, the fields the rule looks
/// at, and for each selection whether it matched and why (like `cscli explain` or `fail2ban-regex -v`).
///
/// The verdict is the real evaluator's (``RuleEvaluator``); the per-value detail is recomputed beside
/// it for the reader, so it never changes what a scan would find.
public struct RuleExplainer {
    public let rule: DetectionRule

    public init(rule: DetectionRule) {
        self.rule = rule
    }

    public func explain(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { line in
            var out = "line: \(text)\n"
            let record = LogRecord.read(line)
            let program = record.header.program.map { String(decoding: line[$0], as: UTF8.self) }
            out += "  parser: \(record.format.rawValue), program \(program.map { "'\($0)'" } ?? "(none)"), family \(record.family)\n"
            let programBytes = record.header.program.map { UnsafeBufferPointer(rebasing: line[$0]) }
            if !rule.scope.admits(format: record.format, program: programBytes) {
                out += "  outside the rule's logsource {\(rule.logSource.described)}: the rule never sees this line\n"
            }
            if let gate = rule.gate {
                let present = gate.filter { literal in Self.contains(line, literal.bytes, caseless: literal.isCaseless) }
                out += present.isEmpty
                    ? "  prefilter: none of the rule's literals (\(gate.map { "'\(String(decoding: $0.bytes, as: UTF8.self))'" }.joined(separator: ", "))) is in the line: a scan skips it\n"
                    : "  prefilter: literal \(present.map { "'\(String(decoding: $0.bytes, as: UTF8.self))'" }.joined(separator: ", ")) present\n"
            } else if let gate = rule.chunkGate {
                let scratch = MatchScratch()
                let literalHit = gate.literals.contains { Self.contains(line, $0.bytes, caseless: $0.isCaseless) }
                let patternHit = gate.patterns.contains { $0.firstMatch(in: line, scratch: scratch) == .matched }
                out += literalHit || patternHit
                    ? "  prefilter: the rule's chunk gate (a pattern searched over whole chunks, or a literal) finds the line\n"
                    : "  prefilter: the rule's chunk gate (\(gate.patterns.count) pattern(s) searched over whole chunks, \(gate.literals.count) literal(s)) does not find the line: a scan skips it\n"
            }
            let evaluator = RuleEvaluator()
            let outcome = evaluator.evaluate(rule, line: line, record: record)
            let captures = evaluator.captures.map { ($0.name, $0.bytes(in: line)) }
            let resolver = FieldResolver()
            let scratch = MatchScratch()
            for selection in rule.selections {
                out += "  selection '\(selection.name)':\n"
                switch selection.body {
                case .keywords(let patterns, let requiresAll):
                    out += "    keywords in raw (\(requiresAll ? "all" : "any")):\n"
                    for pattern in patterns {
                        let hit = pattern.firstMatch(in: line, scratch: scratch)
                        out += "      \(Self.describe(hit)) '\(String(decoding: pattern.source, as: UTF8.self))'\n"
                    }
                case .maps(let maps):
                    for (index, map) in maps.enumerated() {
                        if maps.count > 1 { out += "    map \(index + 1) of \(maps.count) (any):\n" }
                        for test in map {
                            var value: [UInt8]?
                            if !test.capturedBy.isEmpty {
                                value = captures.first { $0.0 == test.field.text }?.1
                            } else if let found = resolver.value(of: test.field, in: record, line: line) {
                                value = resolver.bytes(of: found, line: line)
                            }
                            let shown = value.map { "'\(Self.printable($0))'" } ?? "absent"
                            out += "    \(test.key): field \(test.field) = \(shown)\(test.capturedBy.isEmpty ? "" : " (a capture of this rule)")\n"
                            for expected in test.values {
                                out += "      \(Self.detail(expected, value: value, scratch: scratch))\n"
                            }
                            if test.negated { out += "      (neq: the key holds when the field is present and no value matched)\n" }
                        }
                    }
                }
            }
            switch outcome {
            case .matched:
                out += "  verdict: MATCH\n"
                for (name, value) in captures {
                    let isSecret = rule.entities[name]?.redact == true
                    out += "    \(name) = \(isSecret ? "[redacted: \(value.count) bytes]" : "'\(Self.printable(value))'")\n"
                }
            case .noMatch: out += "  verdict: no match (condition not met)\n"
            case .engineError(let code): out += "  verdict: PCRE2 engine error: \(CompiledPattern.errorMessage(code))\n"
            }
            return out
        }
    }

    static func detail(_ expected: ValueTest, value: [UInt8]?, scratch: MatchScratch) -> String {
        switch expected {
        case .isAbsent: return "\(value == nil ? "✔" : "✘") null (absent)"
        case .exists(let flag): return "\((value != nil) == flag ? "✔" : "✘") exists: \(flag)"
        case .pattern(let pattern):
            guard let value else { return "✘ '\(String(decoding: pattern.source, as: UTF8.self))' (field absent)" }
            let hit = value.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) }
            return "\(describe(hit)) '\(String(decoding: pattern.source, as: UTF8.self))'"
        case .number(let comparison, let bound):
            let number = value.flatMap { bytes in bytes.withUnsafeBufferPointer { DecimalValue.parse($0) } }
            return "\(number.map { comparison.holds($0, bound) ? "✔" : "✘" } ?? "✘ (not a number)") \(comparison.rawValue) \(bound)"
        case .network(let network):
            let inside = value.map { bytes in bytes.withUnsafeBufferPointer { network.contains($0) } } ?? false
            return "\(inside ? "✔" : "✘") in \(network)"
        case .timePart(let part, let comparison, let bound):
            let number = value.flatMap { bytes in bytes.withUnsafeBufferPointer { part.value(of: $0) } }
            return "\(number.map { comparison.holds($0, bound) ? "✔" : "✘" } ?? "✘ (no \(part.rawValue) in the stamp)") \(part.rawValue) \(comparison.rawValue) \(bound)"
        case .fieldReference(let reference):
            return "… compared with field \(reference.field) (see the verdict)"
        }
    }

    static func describe(_ outcome: MatchOutcome) -> String {
        switch outcome {
        case .matched: return "✔"
        case .noMatch: return "✘"
        case .failed(let code): return "‼ engine error (\(CompiledPattern.errorMessage(code)))"
        }
    }

    static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += String(format: "\\x%02X", byte) }
        }
        return out
    }

    static func contains(_ line: UnsafeBufferPointer<UInt8>, _ literal: [UInt8], caseless: Bool) -> Bool {
        guard !literal.isEmpty, line.count >= literal.count else { return literal.isEmpty }
        let fold: (UInt8) -> UInt8 = caseless ? { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 } : { $0 }
        let needle = literal.map(fold)
        for start in 0...(line.count - needle.count) {
            var index = 0
            while index < needle.count && fold(line[start + index]) == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }
}
