import PatternMatching

/// Finds a literal that every match of a regular expression must contain, conservatively.
///
/// Only the top level of the pattern is read: a run of plain characters (or escaped punctuation) that is
/// not made optional by a following quantifier. Groups, classes and anything unusual end a run; a
/// top-level alternation, or inline flags other than a leading `(?i)`, give no literal. When in doubt
/// the answer is "no literal": the rule then runs on every line, which is slower but never wrong.
enum RegexLiteralExtractor {
    /// Literals shorter than this select too many lines to be worth a gate.
    static let minimumGateLength = 3

    static func requiredLiteral(in pattern: [UInt8], isCaseless: Bool) -> LiteralPrefilter.Literal? {
        var caseless = isCaseless
        var index = 0
        let count = pattern.count
        if count >= 4 && pattern[0] == UInt8(ascii: "(") && pattern[1] == UInt8(ascii: "?") && pattern[2] == UInt8(ascii: "i") && pattern[3] == UInt8(ascii: ")") {
            caseless = true
            index = 4
        }
        var best: [UInt8] = []
        var run: [UInt8] = []
        func endRun() {
            if run.count > best.count { best = run }
            run = []
        }
        func isQuantifier(_ position: Int) -> Bool {
            guard position < count else { return false }
            let byte = pattern[position]
            return byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "+") || countedQuantifierEnd(pattern, from: position) != nil
        }
        /// Takes one literal byte whose successor starts at `next`; returns where to go on.
        func take(_ byte: UInt8, next: Int) -> Int {
            guard next < count, isQuantifier(next) else { run.append(byte); return next }
            // `x+` keeps x required once, but nothing after it extends the run; `x?`, `x*`, `x{…}` drop x.
            if pattern[next] == UInt8(ascii: "+") { run.append(byte) }
            endRun()
            return skipQuantifier(pattern, from: next)
        }
        var depth = 0
        while index < count {
            let byte = pattern[index]
            if depth > 0 {
                // Skip groups; a top-level alternation is all that matters, and that is depth 0.
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "[") { index = skipClass(pattern, from: index); continue }
                if byte == UInt8(ascii: "(") { depth += 1 }
                if byte == UInt8(ascii: ")") { depth -= 1; if depth == 0 { index = skipQuantifier(pattern, from: index + 1); continue } }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "|"):
                return nil
            case UInt8(ascii: "("):
                // Inline flags in the middle change matching; be safe.
                if index + 2 < count && pattern[index + 1] == UInt8(ascii: "?") && pattern[index + 2] != UInt8(ascii: ":")
                    && pattern[index + 2] != UInt8(ascii: "<") && pattern[index + 2] != UInt8(ascii: "P") && pattern[index + 2] != UInt8(ascii: ">") {
                    return finish(best, run, caseless)
                }
                endRun()
                depth = 1
                index += 1
            case UInt8(ascii: "["):
                endRun()
                index = skipClass(pattern, from: index)
                index = skipQuantifier(pattern, from: index)
            case UInt8(ascii: "\\"):
                guard index + 1 < count else { return finish(best, run, caseless) }
                let escaped = pattern[index + 1]
                if escaped == UInt8(ascii: "x"), index + 3 < count, let high = hexValue(pattern[index + 2]), let low = hexValue(pattern[index + 3]) {
                    index = take(high << 4 | low, next: index + 4)
                    continue
                }
                let isPunctuation = !(escaped >= 0x30 && escaped <= 0x39) && !(escaped >= 0x41 && escaped <= 0x5a) && !(escaped >= 0x61 && escaped <= 0x7a) && escaped < 0x80
                if isPunctuation {
                    index = take(escaped, next: index + 2)
                } else {
                    endRun()
                    index = skipQuantifier(pattern, from: index + 2)
                }
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                endRun()
                index = skipQuantifier(pattern, from: index + 1)
            case UInt8(ascii: "{") where countedQuantifierEnd(pattern, from: index) != nil:
                // A counted quantifier with nothing we took before it: skip it.
                endRun()
                index = countedQuantifierEnd(pattern, from: index)!
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "+"), UInt8(ascii: ")"):
                endRun()
                index += 1
            default:
                index = take(byte, next: index + 1)
            }
        }
        return finish(best, run, caseless)
    }

    private static func finish(_ best: [UInt8], _ run: [UInt8], _ caseless: Bool) -> LiteralPrefilter.Literal? {
        let longest = run.count > best.count ? run : best
        guard longest.count >= minimumGateLength, !longest.contains(0x0a) else { return nil }
        return LiteralPrefilter.Literal(bytes: longest, isCaseless: caseless)
    }

    /// The end of `{n}`, `{n,}` or `{n,m}` starting at `start`; nil when the brace is a literal
    /// (PCRE2 10.42 reads any other `{` as an ordinary character).
    static func countedQuantifierEnd(_ pattern: [UInt8], from start: Int) -> Int? {
        guard start < pattern.count, pattern[start] == UInt8(ascii: "{") else { return nil }
        var index = start + 1
        let firstDigits = index
        while index < pattern.count && SyslogDigits.isDigit(pattern[index]) { index += 1 }
        guard index > firstDigits, index < pattern.count else { return nil }
        if pattern[index] == UInt8(ascii: ",") {
            index += 1
            while index < pattern.count && SyslogDigits.isDigit(pattern[index]) { index += 1 }
        }
        guard index < pattern.count, pattern[index] == UInt8(ascii: "}") else { return nil }
        return index + 1
    }

    private enum SyslogDigits {
        static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    private static func skipClass(_ pattern: [UInt8], from start: Int) -> Int {
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

    private static func skipQuantifier(_ pattern: [UInt8], from start: Int) -> Int {
        var index = start
        guard index < pattern.count else { return index }
        let byte = pattern[index]
        if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "?") {
            index += 1
        } else if let end = countedQuantifierEnd(pattern, from: index) {
            index = end
        }
        if index < pattern.count && (pattern[index] == UInt8(ascii: "?") || pattern[index] == UInt8(ascii: "+")) { index += 1 }
        return index
    }
}
