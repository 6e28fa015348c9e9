import PatternMatching

/// Finds literals of which every match of a regular expression must contain at least one, conservatively.
///
/// The pattern is read as a tree of sequences and alternations: in a sequence, any one required part
/// will do (the most selective is kept); an alternation needs a part from every branch (their union).
/// A run of plain characters (or escaped punctuation) not made optional by a quantifier is a literal;
/// groups that are optional (`?`, `*`, `{0,…}`), lookarounds, classes and escapes like `\d` contribute
/// nothing. Inline `i`, `m`, `s` flags are followed (an `i` anywhere makes the literals case-insensitive);
/// any other flag, or anything unusual, gives no literal. When in doubt the answer is "no literal": the
/// rule then runs on every line, slower but never wrong.
enum RegexLiteralExtractor {
    /// Literals shorter than this select too many lines to be worth a gate.
    static let minimumGateLength = 3
    /// More alternatives than this make a gate that admits too many lines to be worth it. (The prefilter
    /// finds all literals in one pass whatever their number, so the limit is about selectivity, not the
    /// cost of searching: 17 miner names, say, still select almost no line.)
    static let maximumAlternatives = 64

    /// The literals (any one of which every match contains), or nil.
    static func requiredLiterals(in pattern: [UInt8], isCaseless: Bool) -> [LiteralPrefilter.Literal]? {
        var caseless = isCaseless
        var start = 0
        if pattern.count >= 4 && pattern[0] == UInt8(ascii: "(") && pattern[1] == UInt8(ascii: "?") && pattern[2] == UInt8(ascii: "i") && pattern[3] == UInt8(ascii: ")") {
            caseless = true
            start = 4
        }
        var parser = Parser(pattern: pattern, position: start)
        guard let set = parser.parseAlternation(), parser.position == pattern.count, !parser.isUnsafe else { return nil }
        // A case-insensitive part anywhere makes every literal case-insensitive: a wider gate, never wrong.
        return set.map { LiteralPrefilter.Literal(bytes: $0, isCaseless: caseless || parser.sawCaseless) }
    }

    /// A set of alternatives: a line must contain one of them.
    typealias LiteralSet = [[UInt8]]

    struct Parser {
        let pattern: [UInt8]
        var position: Int
        /// Set when something was met that could change matching in ways this parser does not follow.
        var isUnsafe = false
        /// Set when an inline `i` flag was met (`(?i)`, `(?i:…)`): the literals are then searched
        /// case-insensitively.
        var sawCaseless = false

        init(pattern: [UInt8], position: Int) {
            self.pattern = pattern
            self.position = position
        }

        /// alternation := sequence ('|' sequence)*; stops at ')' or the end.
        mutating func parseAlternation() -> LiteralSet? {
            var branches: [LiteralSet?] = [parseSequence()]
            while position < pattern.count && pattern[position] == UInt8(ascii: "|") {
                position += 1
                branches.append(parseSequence())
            }
            guard branches.count > 1 else { return branches[0] }
            var union: LiteralSet = []
            for branch in branches {
                guard let branch else { return nil }
                for literal in branch where !union.contains(literal) { union.append(literal) }
            }
            return RegexLiteralExtractor.isUsable(union) ? union : nil
        }

        /// sequence := atom*; returns its most selective required set.
        mutating func parseSequence() -> LiteralSet? {
            var candidates: [LiteralSet] = []
            var run: [UInt8] = []
            func endRun() {
                if run.count >= RegexLiteralExtractor.minimumGateLength { candidates.append([run]) }
                run = []
            }
            while position < pattern.count && !isUnsafe {
                let byte = pattern[position]
                if byte == UInt8(ascii: "|") || byte == UInt8(ascii: ")") { break }
                switch byte {
                case UInt8(ascii: "("):
                    endRun()
                    if let group = parseGroup() { candidates.append(group) }
                case UInt8(ascii: "["):
                    endRun()
                    position = RegexLiteralExtractor.skipClass(pattern, from: position)
                    position = skipQuantifier(from: position).next
                case UInt8(ascii: "\\"):
                    guard position + 1 < pattern.count else { isUnsafe = true; break }
                    let escaped = pattern[position + 1]
                    if escaped == UInt8(ascii: "x"), position + 3 < pattern.count,
                       let high = RegexLiteralExtractor.hexValue(pattern[position + 2]), let low = RegexLiteralExtractor.hexValue(pattern[position + 3]) {
                        if take(high << 4 | low, next: position + 4, run: &run) { endRun() }
                    } else if escaped == UInt8(ascii: "Q") || escaped == UInt8(ascii: "E") {
                        isUnsafe = true
                    } else if RegexLiteralExtractor.isPunctuation(escaped) {
                        if take(escaped, next: position + 2, run: &run) { endRun() }
                    } else {
                        endRun()
                        position = skipQuantifier(from: position + 2).next
                    }
                case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                    endRun()
                    position = skipQuantifier(from: position + 1).next
                case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                    // A quantifier not after an atom this parser took: be safe.
                    endRun()
                    position += 1
                case UInt8(ascii: "{") where RegexLiteralExtractor.countedQuantifierEnd(pattern, from: position) != nil:
                    endRun()
                    position = RegexLiteralExtractor.countedQuantifierEnd(pattern, from: position)!
                default:
                    if take(byte, next: position + 1, run: &run) { endRun() }
                }
            }
            endRun()
            return candidates.max { RegexLiteralExtractor.score($0) < RegexLiteralExtractor.score($1) }
        }

        /// Takes one literal byte whose successor starts at `next`, honouring a quantifier after it.
        /// Returns true when the run must end after it (the byte was quantified).
        private mutating func take(_ byte: UInt8, next: Int, run: inout [UInt8]) -> Bool {
            let quantifier = skipQuantifier(from: next)
            position = quantifier.next
            if quantifier.next == next {
                run.append(byte)
                return false
            }
            // `x+` (or `x{1,}`) keeps x required once, but nothing after it extends the run.
            if quantifier.isRequired { run.append(byte) }
            return true
        }

        /// `( … )`: a group, a lookaround, or flags. Returns what it requires when it is not optional.
        private mutating func parseGroup() -> LiteralSet? {
            position += 1 // "("
            var contributes = true
            if position < pattern.count && pattern[position] == UInt8(ascii: "?") {
                let next = position + 1 < pattern.count ? pattern[position + 1] : 0
                switch next {
                case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                    position += 2
                case UInt8(ascii: "="), UInt8(ascii: "!"):
                    contributes = false
                    position += 2
                case UInt8(ascii: "<"):
                    let after = position + 2 < pattern.count ? pattern[position + 2] : 0
                    if after == UInt8(ascii: "=") || after == UInt8(ascii: "!") {
                        contributes = false
                        position += 3
                    } else {
                        position = skipName(from: position + 2, closing: UInt8(ascii: ">"))
                    }
                case UInt8(ascii: "P"):
                    guard position + 2 < pattern.count, pattern[position + 2] == UInt8(ascii: "<") else { isUnsafe = true; return nil }
                    position = skipName(from: position + 3, closing: UInt8(ascii: ">"))
                case UInt8(ascii: "'"):
                    position = skipName(from: position + 2, closing: UInt8(ascii: "'"))
                default:
                    // Inline flags: `i`, `m`, `s` (and their negations) change no literal's bytes, only
                    // case, which a case-insensitive gate covers. `x` (and anything else: callouts,
                    // recursion, conditionals) changes how the pattern reads: not followed here.
                    var index = position + 1
                    while index < pattern.count, [UInt8(ascii: "i"), UInt8(ascii: "m"), UInt8(ascii: "s"), UInt8(ascii: "-")].contains(pattern[index]) {
                        if pattern[index] == UInt8(ascii: "i") { sawCaseless = true }
                        index += 1
                    }
                    guard index > position + 1, index < pattern.count else { isUnsafe = true; return nil }
                    if pattern[index] == UInt8(ascii: ")") {
                        // `(?i)`: a flag setting, no content.
                        position = index + 1
                        return nil
                    }
                    guard pattern[index] == UInt8(ascii: ":") else { isUnsafe = true; return nil }
                    position = index + 1
                }
            } else if position < pattern.count && pattern[position] == UInt8(ascii: "*") {
                isUnsafe = true
                return nil
            }
            let inner = parseAlternation()
            guard position < pattern.count, pattern[position] == UInt8(ascii: ")") else { isUnsafe = true; return nil }
            position += 1
            let quantifier = skipQuantifier(from: position)
            position = quantifier.next
            guard contributes, quantifier.isRequired else { return nil }
            return inner
        }

        private func skipName(from start: Int, closing: UInt8) -> Int {
            var index = start
            while index < pattern.count && pattern[index] != closing { index += 1 }
            return index + 1
        }

        /// The quantifier at `start`, if any: where it ends, and whether its atom is still required
        /// (`+`, `{n,…}` with n ≥ 1, or no quantifier at all).
        func skipQuantifier(from start: Int) -> (next: Int, isRequired: Bool) {
            guard start < pattern.count else { return (start, true) }
            var index = start
            var isRequired = true
            let byte = pattern[index]
            if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") {
                isRequired = false
                index += 1
            } else if byte == UInt8(ascii: "+") {
                index += 1
            } else if let end = RegexLiteralExtractor.countedQuantifierEnd(pattern, from: index) {
                isRequired = pattern[index + 1] != UInt8(ascii: "0")
                index = end
            } else {
                return (start, true)
            }
            if index < pattern.count && (pattern[index] == UInt8(ascii: "?") || pattern[index] == UInt8(ascii: "+")) { index += 1 }
            return (index, isRequired)
        }
    }

    static func isUsable(_ set: LiteralSet) -> Bool {
        !set.isEmpty && set.count <= maximumAlternatives && set.allSatisfy { $0.count >= minimumGateLength && !$0.contains(0x0a) }
    }

    /// Higher is more selective: long literals, few alternatives.
    static func score(_ set: LiteralSet) -> Double {
        guard isUsable(set) else { return -.infinity }
        return Double(set.map(\.count).min() ?? 0) - Double(set.count - 1) * 0.5
    }

    static func isPunctuation(_ byte: UInt8) -> Bool {
        byte < 0x80 && !(byte >= 0x30 && byte <= 0x39) && !(byte >= 0x41 && byte <= 0x5a) && !(byte >= 0x61 && byte <= 0x7a)
    }

    /// The end of `{n}`, `{n,}` or `{n,m}` starting at `start`; nil when the brace is a literal
    /// (PCRE2 10.42 reads any other `{` as an ordinary character).
    static func countedQuantifierEnd(_ pattern: [UInt8], from start: Int) -> Int? {
        guard start < pattern.count, pattern[start] == UInt8(ascii: "{") else { return nil }
        var index = start + 1
        let firstDigits = index
        while index < pattern.count && isDigit(pattern[index]) { index += 1 }
        guard index > firstDigits, index < pattern.count else { return nil }
        if pattern[index] == UInt8(ascii: ",") {
            index += 1
            while index < pattern.count && isDigit(pattern[index]) { index += 1 }
        }
        guard index < pattern.count, pattern[index] == UInt8(ascii: "}") else { return nil }
        return index + 1
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    static func skipClass(_ pattern: [UInt8], from start: Int) -> Int {
        var index = start + 1
        if index < pattern.count && pattern[index] == UInt8(ascii: "^") { index += 1 }
        if index < pattern.count && pattern[index] == UInt8(ascii: "]") { index += 1 }
        while index < pattern.count {
            if pattern[index] == UInt8(ascii: "\\") { index += 2; continue }
            if pattern[index] == UInt8(ascii: "[") && index + 1 < pattern.count && pattern[index + 1] == UInt8(ascii: ":") {
                if let close = pattern[(index + 2)...].firstIndex(of: UInt8(ascii: "]")) { index = close + 1; continue }
            }
            if pattern[index] == UInt8(ascii: "]") { return index + 1 }
            index += 1
        }
        return index
    }
}
