import PatternMatching

/// Every PCRE2 pattern of a rule set, one per line, for raw search tools (`spoor rules
/// export-patterns`): the benchmark runs ripgrep over the same evidence with them, to compare Spoor
/// with a search that does no detection work.
///
/// A pattern is written as compiled (Sigma values escaped, `|re` values as written), caseless ones led
/// by `(?i)`, named groups as plain groups and escaped punctuation as `\xHH` (see ``portable(_:)``), each once, in
/// rule order. Patterns a line-oriented tool cannot take are left out and counted: those holding a
/// newline, a NUL or bytes that are not UTF-8. What they match is not the scan's semantics (a
/// pattern meant for one field is searched in the whole line); only the cost is comparable.
public enum PatternExport {
    public struct Export: Sendable {
        /// One pattern per element, without newline.
        public var patterns: [String]
        /// Patterns that could not be written as one line, with the rule that holds them.
        public var omitted: [(rule: String, reason: String)]
    }

    public static func export(_ rules: RuleSet) -> Export {
        var export = Export(patterns: [], omitted: [])
        var seen = Set<String>()
        for rule in rules.rules {
            for selection in rule.selections {
                var patterns: [CompiledPattern] = []
                switch selection.body {
                case .keywords(let list, _): patterns = list
                case .maps(let maps):
                    for map in maps {
                        for test in map {
                            for case .pattern(let pattern) in test.values { patterns.append(pattern) }
                        }
                    }
                }
                for pattern in patterns {
                    let name = rule.name ?? rule.id
                    guard !pattern.source.contains(0x0a), !pattern.source.contains(0x0d), !pattern.source.contains(0),
                          let text = String(validating: pattern.source, as: UTF8.self) else {
                        export.omitted.append((name, "pattern holds a newline, NUL or non-UTF-8 byte"))
                        continue
                    }
                    let line = (pattern.options.contains(.caseless) ? "(?i)" : "") + portable(text)
                    if seen.insert(line).inserted { export.patterns.append(line) }
                }
            }
        }
        return export
    }

    /// Named groups `(?<name>…)` and `(?P<name>…)` as non-capturing `(?:…)` (a pattern list joined by a
    /// tool may repeat a name; captures mean nothing to a raw search), and an escaped punctuation
    /// character `\/` as `\x2f` (engines disagree on which punctuation may be escaped, all read `\xHH`).
    /// Lookbehinds `(?<=` and `(?<!` stay, and so do names in a pattern that refers to a group by name.
    public static func portable(_ text: String) -> String {
        let bytes = Array(text.utf8)
        // A backreference or subroutine call by name needs its group's name: keep names then.
        let keepsNames = ["\\k", "\\g{", "(?P=", "(?P>", "(?&"].contains { text.contains($0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        let hex = Array("0123456789abcdef".utf8)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let next = bytes[index + 1]
                let isPunctuation = next >= 0x21 && next < 0x7f && !(next >= 0x30 && next <= 0x39) && !((next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a)
                if isPunctuation {
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(next >> 4)], hex[Int(next & 0xf)]]
                } else {
                    out += [byte, next]
                }
                index += 2
                continue
            }
            if !keepsNames, byte == UInt8(ascii: "("), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "?") {
                var nameStart = index + 2
                if bytes[nameStart] == UInt8(ascii: "P") && nameStart + 1 < bytes.count && bytes[nameStart + 1] == UInt8(ascii: "<") { nameStart += 1 }
                if bytes[nameStart] == UInt8(ascii: "<"), nameStart + 1 < bytes.count, bytes[nameStart + 1] != UInt8(ascii: "="),
                   bytes[nameStart + 1] != UInt8(ascii: "!"), let close = bytes[(nameStart + 1)...].firstIndex(of: UInt8(ascii: ">")) {
                    out += Array("(?:".utf8)
                    index = close + 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
