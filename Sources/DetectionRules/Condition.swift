/// A parsed Sigma condition over a rule's selections (by index into the rule's selection list).
public indirect enum Condition: Sendable, Equatable {
    case selection(Int)
    case not(Condition)
    case and([Condition])
    case or([Condition])
    /// `1 of x*` (`isAll` false) or `all of x*` over the selections named by the pattern.
    case quantified(isAll: Bool, [Int])

    /// Selections that appear under an even number of `not`s: their captures feed the event's fields.
    func positiveSelections(negated: Bool = false, into set: inout Set<Int>) {
        switch self {
        case .selection(let index): if !negated { set.insert(index) }
        case .not(let inner): inner.positiveSelections(negated: !negated, into: &set)
        case .and(let parts), .or(let parts): for part in parts { part.positiveSelections(negated: negated, into: &set) }
        case .quantified(_, let indexes): if !negated { set.formUnion(indexes) }
        }
    }
}

/// Parses Sigma condition text: `and`, `or`, `not`, parentheses, `1 of`/`any of`/`all of` with a
/// name pattern (`*` wildcard) or `them` (which skips names starting with `_`).
/// Precedence, loosest first: `or`, `and`, `not`; `x of` and parentheses bind tightest.
public struct ConditionParser {
    private var tokens: [String]
    private var position = 0
    private let names: [String]

    public init(_ text: String, selectionNames: [String]) {
        tokens = ConditionParser.tokenize(text)
        names = selectionNames
    }

    public mutating func parse() throws(ConditionError) -> Condition {
        guard !tokens.isEmpty else { throw ConditionError(message: "the condition is empty") }
        let condition = try parseOr()
        if position < tokens.count {
            if tokens[position].contains("|") {
                throw ConditionError(message: "aggregation ('|') in a condition is obsolete Sigma; use a correlation rule")
            }
            throw ConditionError(message: "unexpected '\(tokens[position])' in condition")
        }
        return condition
    }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private var peek: String? { position < tokens.count ? tokens[position] : nil }

    private mutating func parseOr() throws(ConditionError) -> Condition {
        var parts = [try parseAnd()]
        while peek?.lowercased() == "or" {
            position += 1
            parts.append(try parseAnd())
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseAnd() throws(ConditionError) -> Condition {
        var parts = [try parseNot()]
        while peek?.lowercased() == "and" {
            position += 1
            parts.append(try parseNot())
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseNot() throws(ConditionError) -> Condition {
        if peek?.lowercased() == "not" {
            position += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ConditionError) -> Condition {
        guard let token = peek else { throw ConditionError(message: "the condition ends too early") }
        position += 1
        if token == "(" {
            let inner = try parseOr()
            guard peek == ")" else { throw ConditionError(message: "missing ')' in condition") }
            position += 1
            return inner
        }
        let lowered = token.lowercased()
        if lowered == "1" || lowered == "any" || lowered == "all" {
            guard peek?.lowercased() == "of" else { throw ConditionError(message: "expected 'of' after '\(token)'") }
            position += 1
            guard let pattern = peek else { throw ConditionError(message: "expected a name pattern after '\(token) of'") }
            position += 1
            let matches = names.indices.filter { index in
                pattern == "them" ? !names[index].hasPrefix("_") : ConditionParser.wildcardMatches(pattern, names[index])
            }
            guard !matches.isEmpty else { throw ConditionError(message: "'\(token) of \(pattern)' names no selection") }
            return .quantified(isAll: lowered == "all", matches)
        }
        if ["and", "or", "not", ")", "of"].contains(lowered) {
            throw ConditionError(message: "unexpected '\(token)' in condition")
        }
        if token.contains("|") {
            throw ConditionError(message: "aggregation ('|') in a condition is obsolete Sigma; use a correlation rule")
        }
        guard let index = names.firstIndex(of: token) else {
            throw ConditionError(message: "the condition names '\(token)', which is not a selection of this rule (selections: \(names.joined(separator: ", ")))")
        }
        return .selection(index)
    }

    static func wildcardMatches(_ pattern: String, _ name: String) -> Bool {
        let pattern = Array(pattern), name = Array(name)
        var p = 0, n = 0, star = -1, mark = 0
        while n < name.count {
            if p < pattern.count && pattern[p] != "*" && pattern[p] == name[n] { p += 1; n += 1 }
            else if p < pattern.count && pattern[p] == "*" { star = p; mark = n; p += 1 }
            else if star >= 0 { p = star + 1; mark += 1; n = mark }
            else { return false }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// A malformed condition.
public struct ConditionError: Error, Sendable, Equatable {
    public var message: String
}
