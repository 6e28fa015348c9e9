import PatternMatching

/// Derives a rule's gate: literals of which every matching line contains at least one.
///
/// An `and` needs only its best part's gate; an `or` (a value list, a list of maps, `1 of`) needs a gate
/// for every branch; `not`, `null` and `exists` give none (the rule then sees every line in scope).
enum LiteralGate {
    /// - Parameter scope: decides which fields may hold decoded bytes that are not in the line as
    ///   such (auditd hex, JSON or `#NNN` escapes): a literal from such a field is no gate.
    static func gate(of condition: Condition, selections: [Selection], scope: LogSourceScope) -> [LiteralPrefilter.Literal]? {
        switch condition {
        case .selection(let index): return gate(of: selections[index], scope: scope)
        case .not: return nil
        case .and(let parts): return best(parts.map { gate(of: $0, selections: selections, scope: scope) })
        case .or(let parts): return union(parts.map { gate(of: $0, selections: selections, scope: scope) })
        case .quantified(let isAll, let indexes):
            let gates = indexes.map { gate(of: selections[$0], scope: scope) }
            return isAll ? best(gates) : union(gates)
        }
    }

    static func gate(of selection: Selection, scope: LogSourceScope) -> [LiteralPrefilter.Literal]? {
        switch selection.body {
        case .keywords(let patterns, let requiresAll):
            let gates = patterns.map { literalGate(of: $0) }
            return requiresAll ? best(gates) : union(gates)
        case .maps(let maps):
            return union(maps.map { map in best(map.map { gate(of: $0, scope: scope) }) })
        }
    }

    static func gate(of test: FieldTest, scope: LogSourceScope) -> [LiteralPrefilter.Literal]? {
        // `neq` holds on lines without the literal.
        if test.negated { return nil }
        let admitsAudit = scope.formats?.contains(.auditd) ?? true
        let gates = test.values.map { value -> [LiteralPrefilter.Literal]? in
            guard case .pattern(let pattern) = value, let literals = literalGate(of: pattern) else { return nil }
            if test.field.common == .raw { return literals }
            // In auditd records most fields may be hex-decoded or come from another record of the event;
            // the header fields and the record's own `type` are always the line's own bytes.
            if admitsAudit && test.field.common == nil && test.field.text != "type" { return nil }
            // A decoded field (rsyslog `#NNN`, JSON escapes) may spell other bytes than the raw line: only
            // plain bytes are sure to be in it as they are, so each literal is cut to its longest plain run.
            var plain: [LiteralPrefilter.Literal] = []
            for literal in literals {
                guard let run = longestPlainRun(literal.bytes), run.count >= 3 else { return nil }
                let cut = LiteralPrefilter.Literal(bytes: run, isCaseless: literal.isCaseless)
                if !plain.contains(cut) { plain.append(cut) }
            }
            return plain
        }
        return test.requiresAll ? best(gates) : union(gates)
    }

    /// The longest run of bytes that a decoded field spells as the raw line does: printable ASCII but
    /// `\\`, `"` and `#`.
    static func longestPlainRun(_ bytes: [UInt8]) -> [UInt8]? {
        var best: ArraySlice<UInt8> = []
        var start = 0
        for index in 0...bytes.count {
            let isPlain = index < bytes.count && bytes[index] >= 0x20 && bytes[index] < 0x7f && bytes[index] != UInt8(ascii: "\\")
                && bytes[index] != UInt8(ascii: "\"") && bytes[index] != UInt8(ascii: "#")
            if !isPlain {
                if index - start > best.count { best = bytes[start..<index] }
                start = index + 1
            }
        }
        return best.isEmpty ? nil : Array(best)
    }

    /// The literal recorded when the pattern was compiled from a Sigma value.
    static func literalGate(of pattern: CompiledPattern) -> [LiteralPrefilter.Literal]? {
        // Recompute from the compiled source: plain values were escaped, so reading it as a regex finds
        // the same literal; `|re` values are read as written.
        RegexLiteralExtractor.requiredLiterals(in: pattern.source, isCaseless: pattern.options.contains(.caseless))
    }

    /// Of alternatives that are each sufficient, the most selective (fewest, longest literals).
    static func best(_ gates: [[LiteralPrefilter.Literal]?]) -> [LiteralPrefilter.Literal]? {
        let present = gates.compactMap { $0 }
        return present.max { score($0) < score($1) }
    }

    /// All branches must be gated, and any of their literals admits the line.
    static func union(_ gates: [[LiteralPrefilter.Literal]?]) -> [LiteralPrefilter.Literal]? {
        var result: [LiteralPrefilter.Literal] = []
        for gate in gates {
            guard let gate else { return nil }
            for literal in gate where !result.contains(literal) { result.append(literal) }
        }
        return result.isEmpty ? nil : result
    }

    private static func score(_ literals: [LiteralPrefilter.Literal]) -> Double {
        let shortest = literals.map(\.bytes.count).min() ?? 0
        return Double(shortest) - Double(literals.count) * 0.5
    }
}
