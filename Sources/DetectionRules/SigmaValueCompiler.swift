import Foundation
import PatternMatching
import RecordParsing

/// Turns a Sigma value and its modifiers into a PCRE2 pattern or a typed comparison (rule-format §3.5).
///
/// Plain values are case-insensitive, matched whole (`\A…\z`) with `*`/`?` wildcards; `contains`,
/// `startswith`, `endswith` relax the anchors; `re` takes the pattern verbatim and case-sensitive
/// (`i`, `m`, `s` add flags); `cased` makes plain values case-sensitive. Encodings (`base64`,
/// `base64offset`, `utf16le`/`utf16be`/`utf16`/`wide`) and `windash` transform the literal, in the
/// order written, before it is matched as bytes. `lt`/`lte`/`gt`/`gte`, `cidr`, the time parts and
/// `fieldref` are typed comparisons without a regex. `neq` negates the key; `expand` substitutes
/// placeholders before any of this.
struct SigmaValueCompiler {
    enum Transform: Equatable {
        case base64, base64offset, utf16le, utf16be, utf16bom, windash
    }

    struct Modifiers: Equatable {
        var contains = false
        var startsWith = false
        var endsWith = false
        var all = false
        var regex = false
        var regexCaseless = false
        var regexMultiline = false
        var regexDotAll = false
        var cased = false
        var exists = false
        var transforms: [Transform] = []
        var comparison: NumericComparison?
        var neq = false
        var cidr = false
        var fieldref = false
        var expand = false
        var timePart: TimePart?

        var isTyped: Bool { comparison != nil || cidr || timePart != nil || fieldref }
    }

    /// Every modifier name the loader knows (for "did you mean").
    static let knownModifiers: [String] = [
        "contains", "startswith", "endswith", "all", "re", "i", "ignorecase", "m", "multiline", "s", "dotall",
        "cased", "exists", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "cidr",
        "lt", "lte", "gt", "gte", "neq", "fieldref", "expand", "minute", "hour", "day", "week", "month", "year",
    ]

    static func parseModifiers(_ names: [String]) throws -> Modifiers {
        var modifiers = Modifiers()
        for name in names {
            switch name {
            case "contains": modifiers.contains = true
            case "startswith": modifiers.startsWith = true
            case "endswith": modifiers.endsWith = true
            case "all": modifiers.all = true
            case "re": modifiers.regex = true
            case "i", "ignorecase": modifiers.regexCaseless = true
            case "m", "multiline": modifiers.regexMultiline = true
            case "s", "dotall": modifiers.regexDotAll = true
            case "cased": modifiers.cased = true
            case "exists": modifiers.exists = true
            case "base64": modifiers.transforms.append(.base64)
            case "base64offset": modifiers.transforms.append(.base64offset)
            case "utf16le", "wide": modifiers.transforms.append(.utf16le)
            case "utf16be": modifiers.transforms.append(.utf16be)
            case "utf16": modifiers.transforms.append(.utf16bom)
            case "windash": modifiers.transforms.append(.windash)
            case "lt", "lte", "gt", "gte":
                if modifiers.comparison != nil { throw SigmaValueError(message: "only one of lt, lte, gt, gte may be given") }
                modifiers.comparison = NumericComparison(rawValue: name)
            case "neq": modifiers.neq = true
            case "cidr": modifiers.cidr = true
            case "fieldref": modifiers.fieldref = true
            case "expand": modifiers.expand = true
            default:
                if let part = TimePart(rawValue: name) {
                    if modifiers.timePart != nil { throw SigmaValueError(message: "only one time part (minute … year) may be given") }
                    modifiers.timePart = part
                    continue
                }
                let suggestion = Self.closest(to: name).map { "; did you mean '\($0)'?" } ?? ""
                throw SigmaValueError(message: "unknown modifier '\(name)'\(suggestion)")
            }
        }
        if (modifiers.regexCaseless || modifiers.regexMultiline || modifiers.regexDotAll) && !modifiers.regex {
            throw SigmaValueError(message: "regex flags i/m/s need the 're' modifier")
        }
        let stringKinds = [modifiers.contains, modifiers.startsWith, modifiers.endsWith, modifiers.regex].filter { $0 }.count
        if stringKinds > 1 { throw SigmaValueError(message: "contains, startswith, endswith and re exclude one another") }
        if modifiers.exists && (stringKinds > 0 || !modifiers.transforms.isEmpty || modifiers.isTyped || modifiers.neq || modifiers.all) {
            throw SigmaValueError(message: "'exists' takes no other modifier")
        }
        if modifiers.regex && (!modifiers.transforms.isEmpty || modifiers.isTyped || modifiers.cased) {
            throw SigmaValueError(message: "'re' cannot be combined with encodings, windash, cased or typed comparisons (use the i/m/s flags)")
        }
        if modifiers.comparison != nil || modifiers.timePart != nil || modifiers.cidr {
            if stringKinds > 0 || !modifiers.transforms.isEmpty || modifiers.cased || modifiers.fieldref {
                throw SigmaValueError(message: "numeric, time-part and cidr comparisons take no string modifiers")
            }
        }
        if modifiers.cidr && (modifiers.comparison != nil || modifiers.timePart != nil) {
            throw SigmaValueError(message: "'cidr' cannot be combined with numeric comparisons")
        }
        if modifiers.fieldref && (modifiers.regex || !modifiers.transforms.isEmpty || modifiers.expand) {
            throw SigmaValueError(message: "'fieldref' takes only contains, startswith, endswith, cased and neq")
        }
        if modifiers.neq && modifiers.all { throw SigmaValueError(message: "'neq' and 'all' exclude one another") }
        let base64Count = modifiers.transforms.filter { $0 == .base64 || $0 == .base64offset }.count
        if base64Count > 1 { throw SigmaValueError(message: "base64 and base64offset exclude one another") }
        return modifiers
    }

    /// The known modifier nearest to a misspelt one (edit distance ≤ 2).
    static func closest(to name: String) -> String? {
        let scored = knownModifiers.map { ($0, EditDistance.between($0, name.lowercased())) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// A typed (non-regex) value test, for `lt`…`gte`, `cidr`, time parts and `fieldref`.
    static func typedTest(_ value: String, modifiers: Modifiers, isKnownField: (String) -> Bool) throws -> ValueTest {
        if modifiers.cidr {
            guard let network = IPNetwork(value) else { throw SigmaValueError(message: "'\(value)' is not an IPv4 or IPv6 network (a.b.c.d/n, x::/n, host bits clear)") }
            return .network(network)
        }
        if let part = modifiers.timePart {
            guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else { throw SigmaValueError(message: "a time part compares with a whole number, not '\(value)'") }
            return .timePart(part, modifiers.comparison ?? .eq, number)
        }
        if let comparison = modifiers.comparison {
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                throw SigmaValueError(message: "'\(comparison.rawValue)' compares with a number, not '\(value)'")
            }
            return .number(comparison, number)
        }
        // fieldref
        guard isKnownField(value) else { throw SigmaValueError(message: "fieldref names an unknown field '\(value)'") }
        let position: FieldReferenceMatch.Position = modifiers.contains ? .contains : modifiers.startsWith ? .prefix : modifiers.endsWith ? .suffix : .whole
        return .fieldReference(FieldReference(field: FieldName(value), match: FieldReferenceMatch(position: position, caseSensitive: modifiers.cased)))
    }

    /// The compiled value. (Its gate literals are read back from the compiled source by ``LiteralGate``,
    /// the one place that decides gates.)
    static func compile(_ value: String, modifiers: Modifiers, allowJIT: Bool, utf: Bool = false) throws -> CompiledPattern {
        var source: [UInt8] = []
        var options: PatternOptions = utf ? [.utf] : []
        if modifiers.regex {
            source = Array(value.utf8)
            if modifiers.regexCaseless { options.insert(.caseless) }
            if modifiers.regexMultiline { options.insert(.multiline) }
            if modifiers.regexDotAll { options.insert(.dotAll) }
        } else {
            // base64 output is case-significant: it is matched as written.
            let encodesBase64 = modifiers.transforms.contains(.base64) || modifiers.transforms.contains(.base64offset)
            if !modifiers.cased && !encodesBase64 { options.insert(.caseless) }
            let variants = try transformed(wildcardPieces(Array(value.utf8)), by: modifiers.transforms)
            // In UTF mode `\xhh` is a code point, not a byte: non-ASCII characters are written as code
            // points instead. Bytes that are not UTF-8 (a UTF-16 byte order mark, invalid input) cannot be
            // written in UTF mode at all, so such a value is matched as bytes.
            if utf && !variants.allSatisfy({ $0.allSatisfy(isValidUTF8) }) { options.remove(.utf) }
            let escapesCharacters = options.contains(.utf)
            let escape = { (bytes: [UInt8]) -> [UInt8] in
                escapesCharacters ? escapedCharacters(bytes) : LiteralEscaping.pattern(matching: bytes)
            }
            if !(modifiers.contains || modifiers.endsWith) { source += Array("\\A".utf8) }
            if variants.count > 1 { source += Array("(?:".utf8) }
            for (index, pieces) in variants.enumerated() {
                if index > 0 { source.append(UInt8(ascii: "|")) }
                for piece in pieces {
                    switch piece {
                    case .literal(let bytes): source += escape(bytes)
                    case .anyRun: source += Array("(?s:.*)".utf8)
                    case .anyOne: source += Array("(?s:.)".utf8)
                    case .choice(let alternatives):
                        source += Array("(?:".utf8)
                        source += Array(alternatives.map(escape).joined(separator: [UInt8(ascii: "|")]))
                        source += Array(")".utf8)
                    }
                }
            }
            if variants.count > 1 { source += Array(")".utf8) }
            if !(modifiers.contains || modifiers.startsWith) { source += Array("\\z".utf8) }
        }
        do {
            return try CompiledPattern(bytes: source, options: options, allowJIT: allowJIT)
        } catch {
            throw SigmaValueError(message: "PCRE2 cannot compile '\(value)': \(error.description)")
        }
    }

    /// True when every literal byte string of the piece is well-formed UTF-8.
    private static func isValidUTF8(_ piece: Piece) -> Bool {
        func valid(_ bytes: [UInt8]) -> Bool { Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes }
        switch piece {
        case .literal(let bytes): return valid(bytes)
        case .choice(let alternatives): return alternatives.allSatisfy(valid)
        case .anyRun, .anyOne: return true
        }
    }

    /// A UTF-8 literal for a UTF-mode pattern: ASCII escaped as usual, each other character as a
    /// one-code-point class `[\x{hhhh}]`. (A class, not a bare `\x{…}`, so that ``LiteralGate`` reads
    /// no literal from it: caseless UTF matching folds characters that an ASCII-folded gate would not.)
    private static func escapedCharacters(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.isASCII {
                out += LiteralEscaping.pattern(matching: [UInt8(scalar.value)])
            } else {
                out += Array("[\\x{\(String(scalar.value, radix: 16))}]".utf8)
            }
        }
        return out
    }

    enum Piece: Equatable {
        case literal([UInt8])
        case anyRun
        case anyOne
        /// One of several byte strings (`windash`).
        case choice([[UInt8]])
    }

    /// Applies the encodings in order. Each result is a sequence of pieces; base64offset gives three.
    static func transformed(_ pieces: [Piece], by transforms: [Transform]) throws -> [[Piece]] {
        var variants = [pieces]
        for transform in transforms {
            switch transform {
            case .windash:
                variants = variants.map { $0.flatMap(windash) }
            case .utf16le, .utf16be, .utf16bom:
                variants = variants.map { pieces in
                    var result: [Piece] = transform == .utf16bom ? [.literal([0xFF, 0xFE])] : []
                    for piece in pieces {
                        switch piece {
                        case .literal(let bytes): result.append(.literal(utf16(bytes, bigEndian: transform == .utf16be)))
                        case .choice(let options): result.append(.choice(options.map { utf16($0, bigEndian: transform == .utf16be) }))
                        case .anyRun, .anyOne: result.append(piece)
                        }
                    }
                    return result
                }
            case .base64, .base64offset:
                variants = try variants.flatMap { pieces -> [[Piece]] in
                    guard let bytes = plainBytes(pieces) else {
                        throw SigmaValueError(message: "base64 encodings take a plain value: no wildcards or windash before them")
                    }
                    return (transform == .base64 ? [Data(bytes).base64EncodedString()] : base64OffsetVariants(bytes)).map { [.literal(Array($0.utf8))] }
                }
            }
        }
        return variants
    }

    private static func plainBytes(_ pieces: [Piece]) -> [UInt8]? {
        var bytes: [UInt8] = []
        for piece in pieces {
            guard case .literal(let literal) = piece else { return nil }
            bytes += literal
        }
        return bytes
    }

    /// The three shifted base64 forms of `value` inside a longer encoded string, without the edge
    /// characters that depend on the neighbouring bytes (pySigma's `base64offset`).
    static func base64OffsetVariants(_ value: [UInt8]) -> [String] {
        let starts = [0, 2, 3]
        let ends = [0, -3, -2]
        return (0..<3).map { shift in
            let encoded = Array(Data(Array(repeating: UInt8(ascii: " "), count: shift) + value).base64EncodedString().utf8)
            let end = ends[(value.count + shift) % 3]
            let upper = encoded.count + end
            guard starts[shift] < upper else { return "" }
            return String(decoding: encoded[starts[shift]..<upper], as: UTF8.self)
        }.filter { !$0.isEmpty }
    }

    static let dashes: [[UInt8]] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"].map { Array($0.utf8) }

    /// Splits literals at each dash-like character into a choice of all five.
    private static func windash(_ piece: Piece) -> [Piece] {
        guard case .literal(let bytes) = piece else { return [piece] }
        var result: [Piece] = []
        var run: [UInt8] = []
        var index = 0
        outer: while index < bytes.count {
            for dash in dashes where bytes.count - index >= dash.count && Array(bytes[index..<index + dash.count]) == dash {
                if !run.isEmpty { result.append(.literal(run)); run = [] }
                result.append(.choice(dashes))
                index += dash.count
                continue outer
            }
            run.append(bytes[index])
            index += 1
        }
        if !run.isEmpty { result.append(.literal(run)) }
        return result
    }

    /// UTF-8 bytes as UTF-16 (invalid UTF-8 is replaced, as any encoder would).
    private static func utf16(_ bytes: [UInt8], bigEndian: Bool) -> [UInt8] {
        String(decoding: bytes, as: UTF8.self).utf16.flatMap { unit -> [UInt8] in
            bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
    }

    /// Splits a Sigma value at its wildcards. `\*`, `\?` and `\\` are literals; a backslash before any
    /// other character is itself literal (Sigma's escaping rules).
    static func wildcardPieces(_ value: [UInt8]) -> [Piece] {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
        }
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "\\"), index + 1 < value.count,
               [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "\\")].contains(value[index + 1]) {
                literal.append(value[index + 1])
                index += 2
                continue
            }
            if byte == UInt8(ascii: "*") { flush(); if pieces.last != .anyRun { pieces.append(.anyRun) } }
            else if byte == UInt8(ascii: "?") { flush(); pieces.append(.anyOne) }
            else { literal.append(byte) }
            index += 1
        }
        flush()
        return pieces
    }

    /// Replaces `%Name%` placeholders (`|expand`) by each of their values: one value per combination.
    /// Throws when a placeholder has no values.
    static func expand(_ value: String, placeholders: [String: [String]]) throws -> [String] {
        var results = [""]
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "%") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "%") else { break }
            let name = String(rest[afterOpen..<close])
            let prefix = String(rest[..<open])
            guard !name.isEmpty else {
                results = results.map { $0 + prefix + "%" }
                rest = rest[afterOpen...]
                continue
            }
            guard let values = placeholders[name], !values.isEmpty else {
                throw PlaceholderError(name: name)
            }
            results = results.flatMap { head in values.map { head + prefix + $0 } }
            rest = rest[rest.index(after: close)...]
        }
        return results.map { $0 + rest }
    }
}

/// A value that cannot be compiled, with the reason.
struct SigmaValueError: Error {
    var message: String
}

/// `|expand` met a placeholder without values.
struct PlaceholderError: Error {
    var name: String
}

/// Levenshtein distance, for "did you mean" suggestions.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
