import PatternMatching

/// Turns a Sigma value and its modifiers into a PCRE2 pattern (rule-format §3.5).
///
/// Plain values are case-insensitive, matched whole (`\A…\z`) with `*`/`?` wildcards; `contains`,
/// `startswith`, `endswith` relax the anchors; `re` takes the pattern verbatim and case-sensitive
/// (`i`, `m`, `s` add flags); `cased` makes plain values case-sensitive.
struct SigmaValueCompiler {
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
    }

    /// Modifiers defined by Sigma but not yet implemented: reported by name rather than ignored.
    static let plannedModifiers: Set<String> = [
        "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "cidr",
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
            default:
                if plannedModifiers.contains(name) {
                    throw SigmaValueError(message: "modifier '\(name)' is part of Sigma but not supported by this version of spoor")
                }
                throw SigmaValueError(message: "unknown modifier '\(name)'")
            }
        }
        if (modifiers.regexCaseless || modifiers.regexMultiline || modifiers.regexDotAll) && !modifiers.regex {
            throw SigmaValueError(message: "regex flags i/m/s need the 're' modifier")
        }
        let stringKinds = [modifiers.contains, modifiers.startsWith, modifiers.endsWith, modifiers.regex].filter { $0 }.count
        if stringKinds > 1 { throw SigmaValueError(message: "contains, startswith, endswith and re exclude one another") }
        if modifiers.exists && stringKinds > 0 { throw SigmaValueError(message: "'exists' takes no other modifier") }
        return modifiers
    }

    /// The compiled value. (Its gate literals are read back from the compiled source by ``LiteralGate``,
    /// the one place that decides gates.)
    static func compile(_ value: String, modifiers: Modifiers, allowJIT: Bool) throws -> CompiledPattern {
        let source: [UInt8]
        var options: PatternOptions = []
        if modifiers.regex {
            source = Array(value.utf8)
            if modifiers.regexCaseless { options.insert(.caseless) }
            if modifiers.regexMultiline { options.insert(.multiline) }
            if modifiers.regexDotAll { options.insert(.dotAll) }
        } else {
            if !modifiers.cased { options.insert(.caseless) }
            let pieces = wildcardPieces(Array(value.utf8))
            var pattern: [UInt8] = []
            if !(modifiers.contains || modifiers.endsWith) { pattern += Array("\\A".utf8) }
            for piece in pieces {
                switch piece {
                case .literal(let bytes): pattern += LiteralEscaping.pattern(matching: bytes)
                case .anyRun: pattern += Array("(?s:.*)".utf8)
                case .anyOne: pattern += Array("(?s:.)".utf8)
                }
            }
            if !(modifiers.contains || modifiers.startsWith) { pattern += Array("\\z".utf8) }
            source = pattern
        }
        do {
            return try CompiledPattern(bytes: source, options: options, allowJIT: allowJIT)
        } catch {
            throw SigmaValueError(message: "PCRE2 cannot compile '\(value)': \(error.description)")
        }
    }

    enum Piece: Equatable {
        case literal([UInt8])
        case anyRun
        case anyOne
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
}

/// A value that cannot be compiled, with the reason.
struct SigmaValueError: Error {
    var message: String
}
