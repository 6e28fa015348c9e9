import PatternMatching

/// A gate for a rule that has no literal gate: patterns run once over a whole chunk, plus literals,
/// such that every line the rule can match holds a match of one of them (it may admit more lines).
///
/// A rule whose condition needs, in every branch, a `raw|re` (or keyword) pattern with no literal of
/// its own (a card number, a National Insurance number, an xferlog record) was evaluated on every line:
/// PCRE2 was entered once per line. With this gate the pattern is searched once per chunk (PCRE2's
/// start-of-match optimisations then skip most bytes), and the rule runs only on the lines where it
/// matched. The rule itself still decides on each candidate line, with its own pattern and checks.
///
/// A pattern qualifies (``chunkPattern(_:)``) only when a match within a line alone is sure to be found
/// by the same pattern in the whole chunk, compiled multi-line: no `\A`, `\G`, `\K`, conditionals or
/// verbs; `\z`/`\Z` only as the pattern's very end (read as `$`); no `(?s)` or `(?x)`; and, when the
/// pattern has a negative lookaround, an atomic group or a possessive quantifier (which can turn a match
/// down when they see past the line's end), no atom that can match a newline at all.
public struct ChunkGate: Sendable {
    /// Literals searched by the scan's literal prefilter.
    public var literals: [LiteralPrefilter.Literal]
    /// Patterns compiled for whole chunks (multi-line).
    public var patterns: [CompiledPattern]

    public init(literals: [LiteralPrefilter.Literal], patterns: [CompiledPattern]) {
        self.literals = literals
        self.patterns = patterns
    }

    /// The chunk gate of a rule without a literal gate, nil when some branch has neither. Its patterns
    /// are JIT-compiled when the rules are (`allowJIT`).
    static func gate(of condition: Condition, selections: [Selection], scope: LogSourceScope, allowJIT: Bool) -> ChunkGate? {
        guard let items = items(of: condition, selections: selections, scope: scope) else { return nil }
        var literals: [LiteralPrefilter.Literal] = []
        var patterns: [CompiledPattern] = []
        for item in items {
            switch item {
            case .literal(let literal): literals.append(literal)
            case .pattern(let source, let options):
                guard let compiled = try? CompiledPattern(bytes: source, options: options.union(.multiline), allowJIT: allowJIT) else { return nil }
                patterns.append(compiled)
            }
        }
        return patterns.isEmpty ? nil : ChunkGate(literals: literals, patterns: patterns)
    }

    enum Item: Equatable {
        case literal(LiteralPrefilter.Literal)
        case pattern([UInt8], PatternOptions)
    }

    static func items(of condition: Condition, selections: [Selection], scope: LogSourceScope) -> [Item]? {
        switch condition {
        case .selection(let index): return items(of: selections[index], scope: scope)
        case .not: return nil
        case .and(let parts): return best(parts.map { items(of: $0, selections: selections, scope: scope) })
        case .or(let parts): return union(parts.map { items(of: $0, selections: selections, scope: scope) })
        case .quantified(let isAll, let indexes):
            let gates = indexes.map { items(of: selections[$0], scope: scope) }
            return isAll ? best(gates) : union(gates)
        }
    }

    static func items(of selection: Selection, scope: LogSourceScope) -> [Item]? {
        switch selection.body {
        case .keywords(let patterns, let requiresAll):
            let gates = patterns.map { lineItems(of: $0) }
            return requiresAll ? best(gates) : union(gates)
        case .maps(let maps):
            return union(maps.map { map in best(map.map { items(of: $0, scope: scope) }) })
        }
    }

    static func items(of test: FieldTest, scope: LogSourceScope) -> [Item]? {
        if let literals = LiteralGate.gate(of: test, scope: scope) { return literals.map(Item.literal) }
        // Only the raw line is a slice of the chunk; other fields may start mid-line or be decoded.
        guard !test.negated, test.field.common == .raw else { return nil }
        let gates = test.values.map { value -> [Item]? in
            guard case .pattern(let pattern) = value else { return nil }
            return lineItems(of: pattern)
        }
        return test.requiresAll ? best(gates) : union(gates)
    }

    /// A pattern matched against the whole line: its literal gate, else itself for whole chunks.
    static func lineItems(of pattern: CompiledPattern) -> [Item]? {
        if let literals = LiteralGate.literalGate(of: pattern) { return literals.map(Item.literal) }
        guard !pattern.options.contains(.dotAll), !pattern.options.contains(.multiline),
              let source = chunkPattern(pattern.source) else { return nil }
        return [.pattern(source, pattern.options)]
    }

    /// Of alternatives that are each sufficient: literals before patterns, then the fewest items.
    static func best(_ gates: [[Item]?]) -> [Item]? {
        let present = gates.compactMap { $0 }
        return present.min { cost($0) < cost($1) }
    }

    /// All branches must be gated; any of their items admits the line.
    static func union(_ gates: [[Item]?]) -> [Item]? {
        var result: [Item] = []
        for gate in gates {
            guard let gate else { return nil }
            for item in gate where !result.contains(item) { result.append(item) }
        }
        return result.isEmpty ? nil : result
    }

    private static func cost(_ items: [Item]) -> Int {
        items.reduce(0) { total, item in
            if case .pattern = item { return total + 100 }
            return total + 1
        }
    }

    /// `source` rewritten for whole chunks, or nil when the pattern could miss in a chunk a match it
    /// finds in a line alone (see ``ChunkGate``). A line is matched without its `\r\n` or `\n`: in the
    /// chunk, the end of a line is `(?=\r?$)` (multi-line `$`), which replaces every `$` and a final
    /// `\z` or `\Z`.
    public static func chunkPattern(_ source: [UInt8]) -> [UInt8]? {
        let endOfLine = Array("(?=\\r?$)".utf8)
        var bytes = source
        // A final `\z` / `\Z` (its backslash not itself escaped) is the end of the line.
        var endsWithEndAnchor = false
        if bytes.count >= 2, bytes.last == UInt8(ascii: "z") || bytes.last == UInt8(ascii: "Z") {
            var backslashes = 0
            var index = bytes.count - 2
            while index >= 0 && bytes[index] == UInt8(ascii: "\\") { backslashes += 1; index -= 1 }
            if backslashes % 2 == 1 { bytes.removeLast(2); endsWithEndAnchor = true }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        // Whether the pattern has a construct that can turn a match down on what follows or precedes
        // (negative lookaround, atomic group, possessive quantifier), and one that can match a line end.
        var seesPastLine = false
        var matchesLineEnd = false
        var inClass = false
        var classIsNegated = false
        var classExcludesNewline = false
        var index = 0
        func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        while index < bytes.count {
            let current = bytes[index]
            if current == 0x0a || current == 0x0d { matchesLineEnd = true }
            if current == UInt8(ascii: "\\") {
                guard let next = byte(index + 1) else { return nil }
                switch next {
                case UInt8(ascii: "A"), UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "Q"), UInt8(ascii: "E"):
                    return nil
                case UInt8(ascii: "s"), UInt8(ascii: "v"), UInt8(ascii: "n"), UInt8(ascii: "r"):
                    // A negated class with these excludes the line end; anywhere else they match it.
                    if inClass && classIsNegated { classExcludesNewline = classExcludesNewline || next != UInt8(ascii: "r") } else { matchesLineEnd = true }
                case UInt8(ascii: "R"), UInt8(ascii: "W"), UInt8(ascii: "D"), UInt8(ascii: "x"), UInt8(ascii: "c"), UInt8(ascii: "N"),
                     UInt8(ascii: "0"), UInt8(ascii: "p"), UInt8(ascii: "P"), UInt8(ascii: "C"), UInt8(ascii: "X"), UInt8(ascii: "o"):
                    // May spell or include a line end (hex, control, octal escapes, property classes,
                    // complements); in a negated class the class's own rule below decides.
                    if !(inClass && classIsNegated) { matchesLineEnd = true }
                default:
                    break
                }
                output.append(current)
                output.append(next)
                index += 2
                continue
            }
            if inClass {
                if current == UInt8(ascii: "]") {
                    inClass = false
                    if classIsNegated && !classExcludesNewline { matchesLineEnd = true }
                } else if current == UInt8(ascii: "[") && byte(index + 1) == UInt8(ascii: ":") {
                    // A POSIX class such as [:space:]: may include the line end.
                    matchesLineEnd = true
                }
                output.append(current)
                index += 1
                continue
            }
            switch current {
            case UInt8(ascii: "["):
                inClass = true
                classExcludesNewline = false
                output.append(current)
                index += 1
                classIsNegated = byte(index) == UInt8(ascii: "^")
                // A `]` first (or after `^`) is a literal member.
                if classIsNegated { output.append(bytes[index]); index += 1 }
                if byte(index) == UInt8(ascii: "]") { output.append(bytes[index]); index += 1 }
                continue
            case UInt8(ascii: "$"):
                output.append(contentsOf: endOfLine)
                index += 1
                continue
            case UInt8(ascii: "."):
                // Not a newline, but the `\r` of a CRLF line end, which the line alone does not have.
                matchesLineEnd = true
            case UInt8(ascii: "("):
                if byte(index + 1) == UInt8(ascii: "*") { return nil }
                if byte(index + 1) == UInt8(ascii: "?") {
                    let kind = byte(index + 2)
                    if kind == UInt8(ascii: "(") { return nil }
                    if kind == UInt8(ascii: "!") || kind == UInt8(ascii: ">") { seesPastLine = true }
                    if kind == UInt8(ascii: "<") && byte(index + 3) == UInt8(ascii: "!") { seesPastLine = true }
                    // Inline options: `(?i)` is harmless; `s` lets `.` match newlines, `x` changes
                    // parsing, `m` changes the anchors.
                    var option = index + 2
                    while let letter = byte(option), (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z")) || (letter >= UInt8(ascii: "A") && letter <= UInt8(ascii: "Z")) || letter == UInt8(ascii: "-") || letter == UInt8(ascii: "^") {
                        if letter == UInt8(ascii: "s") || letter == UInt8(ascii: "x") || letter == UInt8(ascii: "m") { return nil }
                        option += 1
                    }
                }
            case UInt8(ascii: "+"):
                // A possessive quantifier (`a++`, `a*+`, `a?+`, `a{2}+`) never gives back what it took.
                if index > 0, [UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "}")].contains(bytes[index - 1]) {
                    seesPastLine = true
                }
            default:
                break
            }
            output.append(current)
            index += 1
        }
        if inClass { return nil }
        if seesPastLine && matchesLineEnd { return nil }
        if endsWithEndAnchor { output.append(contentsOf: endOfLine) }
        return output
    }
}
