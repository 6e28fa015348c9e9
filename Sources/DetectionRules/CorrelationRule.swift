import Foundation
import Yams

/// A Sigma correlation document (rule-format §1.5, semantics §3.7): a condition over the events of
/// other rules (or correlations) in sliding time windows, per group.
public struct CorrelationRule: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
    }

    /// A comparison of a count with a bound (`gte: 5`); several are ANDed (a range).
    public struct Bound: Sendable, Equatable {
        public enum Operator: String, Sendable, CaseIterable { case gt, gte, lt, lte, eq, neq }
        public var op: Operator
        public var value: Int

        public init(op: Operator, value: Int) {
            self.op = op
            self.value = value
        }

        public func holds(_ count: Int) -> Bool {
            switch op {
            case .gt: return count > value
            case .gte: return count >= value
            case .lt: return count < value
            case .lte: return count <= value
            case .eq: return count == value
            case .neq: return count != value
            }
        }
    }

    /// What a correlation reads: a base rule (index into ``RuleSet/rules``) or another correlation.
    public enum Input: Sendable, Equatable, Hashable {
        case rule(Int)
        case correlation(Int)
    }

    public var sourcePath: String
    public var documentIndex: Int
    public var sourceLine: Int?
    public var id: String
    public var name: String?
    public var title: String
    public var description: String?
    public var status: String?
    public var author: String?
    public var level: RuleLevel
    public var tags: [String]
    public var falsePositives: [String]
    public var exposure: ExposureSpec?
    public var tests: RuleTests?

    public var kind: Kind
    /// The `rules:` references as written (ids or names), in order.
    public var references: [String]
    /// The references resolved, in the same order (set when the rule set is built).
    public var inputs: [Input] = []
    public var groupBy: [String]
    /// `aliases:` group-by name → reference → the field that reference's events hold it in.
    public var aliases: [String: [String: String]]
    public var timespanSeconds: Int64
    public var bounds: [Bound]
    /// `value_count`: the field whose distinct values are counted.
    public var valueField: String?
    /// Sigma `generate`: the referenced rules report on their own as well.
    public var generate: Bool
    /// Sigma-LF `emit`: an intermediate correlation reports on its own as well.
    public var emit: Bool
    /// Set when the rule set is built: whether the correlation reports findings (an outer correlation,
    /// or one with `emit: true`).
    public var emitsFindings = true

    /// The field holding a group-by name for the events of input `position`.
    public func field(for groupName: String, input position: Int) -> String {
        guard let alias = aliases[groupName], position < references.count, let field = alias[references[position]] else { return groupName }
        return field
    }

    static let keys: Set<String> = [
        "title", "id", "name", "status", "description", "author", "date", "modified", "references", "falsepositives",
        "level", "tags", "correlation", "generate", "exposure", "tests", "emit", "license", "related", "taxonomy",
    ]
    static let correlationKeys: Set<String> = ["type", "rules", "group-by", "timespan", "condition", "aliases", "generate"]

    /// Parses a correlation document.
    static func parse(_ mapping: Node.Mapping, path: String, index: Int, line: Int?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> CorrelationRule {
        try TestBlockParser.checkKeys(mapping, allowed: keys, where: "correlation rule", fail: fail)
        guard let title = mapping["title"]?.string, !title.isEmpty else { throw fail("the correlation has no title", nil) }
        guard let node = mapping["correlation"], let body = node.mapping else { throw fail("correlation must be a mapping", mapping["correlation"]) }
        try TestBlockParser.checkKeys(body, allowed: correlationKeys, where: "correlation", fail: fail)
        guard let typeText = body["type"]?.string else { throw fail("correlation needs a type", node) }
        guard let kind = Kind(rawValue: typeText) else {
            let planned = ["value_sum", "value_avg", "value_percentile", "value_median", "first_seen", "temporal_extended", "temporal_ordered_extended"]
            if planned.contains(typeText) { throw fail("correlation type '\(typeText)' is not supported by this version of spoor yet", body["type"]) }
            throw fail("unknown correlation type '\(typeText)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))", body["type"])
        }
        let references = body["rules"]?.sequence?.compactMap(\.string) ?? body["rules"]?.string.map { [$0] } ?? []
        guard !references.isEmpty else { throw fail("correlation needs rules (ids or names)", node) }
        if (kind == .temporal || kind == .temporalOrdered) && references.count < 2 {
            throw fail("\(kind.rawValue) needs at least two rules", body["rules"])
        }
        let groupBy = body["group-by"]?.sequence?.compactMap(\.string) ?? body["group-by"]?.string.map { [$0] } ?? []
        if (kind == .eventCount || kind == .valueCount) && groupBy.isEmpty { throw fail("\(kind.rawValue) needs group-by", node) }
        guard let spanText = body["timespan"]?.string, let span = parseTimespan(spanText) else {
            throw fail("correlation needs a timespan such as 30s, 10m, 2h or 1d", body["timespan"] ?? node)
        }
        var bounds: [Bound] = []
        var valueField: String?
        if let conditionNode = body["condition"] {
            guard let condition = conditionNode.mapping else { throw fail("condition must be a mapping such as {gte: 5}", conditionNode) }
            for (key, value) in condition {
                guard let name = key.string else { continue }
                if name == "field" { valueField = value.string; continue }
                guard let op = Bound.Operator(rawValue: name) else { throw fail("condition: unknown operator '\(name)' (gt, gte, lt, lte, eq, neq, field)", key) }
                guard let number = value.int else { throw fail("condition.\(name) takes a whole number", value) }
                bounds.append(Bound(op: op, value: number))
            }
        }
        if (kind == .eventCount || kind == .valueCount) && bounds.isEmpty { throw fail("\(kind.rawValue) needs a condition such as {gte: 5}", node) }
        if kind == .valueCount && valueField == nil { throw fail("value_count needs condition.field, the field whose distinct values are counted", body["condition"]) }
        var aliases: [String: [String: String]] = [:]
        for (key, value) in body["aliases"]?.mapping ?? [:] {
            guard let alias = key.string, let map = value.mapping else { throw fail("aliases maps a group-by name to {rule: field}", key) }
            var fields: [String: String] = [:]
            for (ruleKey, fieldNode) in map {
                guard let ruleName = ruleKey.string, let field = fieldNode.string else { throw fail("aliases.\(alias) maps rules to field names", ruleKey) }
                guard references.contains(ruleName) else { throw fail("aliases.\(alias) names '\(ruleName)', which is not in rules", ruleKey) }
                fields[ruleName] = field
            }
            guard groupBy.contains(alias) else { throw fail("alias '\(alias)' is not in group-by", key) }
            aliases[alias] = fields
        }
        var level = RuleLevel.medium
        if let node = mapping["level"] {
            guard let text = node.string, let parsed = RuleLevel(rawValue: text) else { throw fail("level must be one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))", node) }
            level = parsed
        }
        let tests = try mapping["tests"].map { node throws(RuleLoadError) in try TestBlockParser.parse(node, ruleFile: path, fail: fail) }
        return CorrelationRule(
            sourcePath: path, documentIndex: index, sourceLine: line, id: mapping["id"]?.string ?? mapping["name"]?.string ?? "\(path)#\(index)",
            name: mapping["name"]?.string, title: title, description: mapping["description"]?.string, status: mapping["status"]?.string,
            author: mapping["author"]?.string, level: level, tags: mapping["tags"]?.sequence?.compactMap(\.string) ?? [],
            falsePositives: mapping["falsepositives"]?.sequence?.compactMap(\.string) ?? [],
            exposure: try mapping["exposure"].map { node throws(RuleLoadError) in try ExposureSpec.parse(node, fail: fail) },
            tests: tests, kind: kind, references: references, groupBy: groupBy, aliases: aliases, timespanSeconds: span,
            bounds: bounds, valueField: valueField, generate: body["generate"]?.bool ?? mapping["generate"]?.bool ?? false,
            emit: mapping["emit"]?.bool ?? false)
    }

    /// `30s`, `10m`, `2h`, `1d` (Sigma's units) in seconds.
    static func parseTimespan(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0 else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        default: return nil
        }
    }
}
