import Foundation
import RecordParsing
import Yams

/// A Sigma correlation document (rule-format §1.5, semantics §3.7): a condition over the events of
/// other rules (or correlations) in sliding time windows, per group.
public struct CorrelationRule: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
        /// Sigma 2.1: the sum of a numeric field over the window, per group.
        case valueSum = "value_sum"
        /// Sigma-LF extension (rule-format §3.7): the first occurrence of a tuple after a learning window.
        case firstSeen = "first_seen"
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

        /// A sum (`value_sum`) against the bound.
        public func holds(_ sum: Double) -> Bool {
            let bound = Double(value)
            switch op {
            case .gt: return sum > bound
            case .gte: return sum >= bound
            case .lt: return sum < bound
            case .lte: return sum <= bound
            case .eq: return sum == bound
            case .neq: return sum != bound
            }
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
    /// The sliding window (0 for `first_seen`, which has none).
    public var timespanSeconds: Int64
    public var bounds: [Bound]
    /// `value_count`: the field whose distinct values are counted; `value_sum`: the field summed.
    public var valueField: String?
    /// `first_seen`: the fields whose tuple's novelty is reported.
    public var fields: [String] = []
    /// `first_seen`: the learning window from each group's first event, inclusive (`learning:`).
    public var learningSeconds: Int64?
    /// `first_seen`: the end of learning as UTC nanoseconds, inclusive (`learning_until:`); replaces
    /// the relative window.
    public var learningUntilNanoseconds: Int64?
    /// `exclude:` (a Sigma selection over the event's fields: maps ORed, each map's tests ANDed), compiled
    /// by the loader: an event it matches is left out of the correlation altogether.
    public var exclude: [[FieldTest]] = []
    /// `output.suppress`: after a finding for a group, further findings of that group within this many
    /// seconds (inclusive) are not reported; they still count as firings.
    public var suppressSeconds: Int64?
    /// `output.entities`: the fields a finding keeps (with the group-by values and the count or sum);
    /// nil keeps every field of the contributing events.
    public var outputEntities: [String]?
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
        "level", "tags", "correlation", "generate", "exposure", "tests", "emit", "license", "related", "taxonomy", "output",
    ]
    static let correlationKeys: Set<String> = [
        "type", "rules", "group-by", "timespan", "condition", "aliases", "generate", "fields", "learning", "learning_until", "exclude",
    ]

    /// Parses a correlation document.
    static func parse(_ mapping: Node.Mapping, path: String, index: Int, line: Int?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> CorrelationRule {
        try TestBlockParser.checkKeys(mapping, allowed: keys, where: "correlation rule", fail: fail)
        guard let title = mapping["title"]?.string, !title.isEmpty else { throw fail("the correlation has no title", nil) }
        guard let node = mapping["correlation"], let body = node.mapping else { throw fail("correlation must be a mapping", mapping["correlation"]) }
        try TestBlockParser.checkKeys(body, allowed: correlationKeys, where: "correlation", fail: fail)
        guard let typeText = body["type"]?.string else { throw fail("correlation needs a type", node) }
        guard let kind = Kind(rawValue: typeText) else {
            let planned = ["value_avg", "value_percentile", "value_median", "temporal_extended", "temporal_ordered_extended"]
            if planned.contains(typeText) { throw fail("correlation type '\(typeText)' is not supported by this version of spoor yet", body["type"]) }
            throw fail("unknown correlation type '\(typeText)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))", body["type"])
        }
        let references = body["rules"]?.sequence?.compactMap(\.string) ?? body["rules"]?.string.map { [$0] } ?? []
        guard !references.isEmpty else { throw fail("correlation needs rules (ids or names)", node) }
        if (kind == .temporal || kind == .temporalOrdered) && references.count < 2 {
            throw fail("\(kind.rawValue) needs at least two rules", body["rules"])
        }
        let groupBy = body["group-by"]?.sequence?.compactMap(\.string) ?? body["group-by"]?.string.map { [$0] } ?? []
        let counts = kind == .eventCount || kind == .valueCount || kind == .valueSum
        if counts && groupBy.isEmpty { throw fail("\(kind.rawValue) needs group-by", node) }
        for key in ["fields", "learning", "learning_until", "exclude"] where kind != .firstSeen && body[key] != nil {
            throw fail("'\(key)' belongs to first_seen correlations, not \(kind.rawValue)", body[key])
        }
        var span: Int64 = 0
        if kind == .firstSeen {
            if let timespan = body["timespan"] { throw fail("first_seen has no timespan: give learning (from each group's first event) or learning_until", timespan) }
            if let condition = body["condition"] { throw fail("first_seen has no condition: a tuple not seen before fires", condition) }
        } else {
            guard let spanText = body["timespan"]?.string, let parsed = parseTimespan(spanText) else {
                throw fail("correlation needs a timespan such as 30s, 10m, 2h or 1d", body["timespan"] ?? node)
            }
            span = parsed
        }
        var fields: [String] = []
        var learningSeconds: Int64?
        var learningUntil: Int64?
        if kind == .firstSeen {
            fields = body["fields"]?.sequence?.compactMap(\.string) ?? body["fields"]?.string.map { [$0] } ?? []
            guard !fields.isEmpty else { throw fail("first_seen needs fields, the tuple whose first occurrence is reported", node) }
            if let learningNode = body["learning"] {
                guard let text = learningNode.string, let parsed = parseTimespan(text) else { throw fail("learning takes a duration such as 12h or 7d", learningNode) }
                learningSeconds = parsed
            }
            if let untilNode = body["learning_until"] {
                guard let text = untilNode.string, let parsed = parseUTC(text) else {
                    throw fail("learning_until takes a UTC time: YYYY-MM-DD (midnight) or YYYY-MM-DDTHH:MM:SSZ (or with an offset)", untilNode)
                }
                learningUntil = parsed
            }
            if learningSeconds != nil && learningUntil != nil { throw fail("give learning or learning_until, not both", body["learning_until"]) }
            if learningSeconds == nil && learningUntil == nil { throw fail("first_seen needs learning (such as 7d) or learning_until", node) }
            if let exclude = body["exclude"], exclude.mapping == nil && !(exclude.sequence?.allSatisfy { $0.mapping != nil } ?? false) {
                throw fail("exclude is a Sigma selection: a map of field tests, or a list of such maps", exclude)
            }
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
        if counts && bounds.isEmpty { throw fail("\(kind.rawValue) needs a condition such as {gte: 5}", node) }
        if kind == .valueCount && valueField == nil { throw fail("value_count needs condition.field, the field whose distinct values are counted", body["condition"]) }
        if kind == .valueSum && valueField == nil { throw fail("value_sum needs condition.field, the numeric field summed", body["condition"]) }
        var suppressSeconds: Int64?
        var outputEntities: [String]?
        if let outputNode = mapping["output"] {
            guard let output = outputNode.mapping else { throw fail("output must be a mapping such as {suppress: 1h}", outputNode) }
            for (key, value) in output {
                switch key.string {
                case "suppress":
                    guard let text = value.string, let parsed = parseTimespan(text) else { throw fail("output.suppress takes a duration such as 1h", value) }
                    suppressSeconds = parsed
                case "entities":
                    guard let names = value.sequence?.compactMap(\.string), names.count == value.sequence?.count else { throw fail("output.entities is a list of field names", value) }
                    outputEntities = names
                case "collect":
                    throw fail("output.\(key.string ?? "") on correlations is not supported by this version of spoor yet", key)
                default:
                    throw fail("output: unknown key '\(key.string ?? "?")' (known: entities, suppress)", key)
                }
            }
        }
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
            bounds: bounds, valueField: valueField, fields: fields, learningSeconds: learningSeconds, learningUntilNanoseconds: learningUntil,
            suppressSeconds: suppressSeconds, outputEntities: outputEntities, generate: body["generate"]?.bool ?? mapping["generate"]?.bool ?? false,
            emit: mapping["emit"]?.bool ?? false)
    }

    /// `YYYY-MM-DD` (midnight UTC) or an ISO 8601 time with a zone, as UTC nanoseconds.
    static func parseUTC(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
           parts[0].count == 4, (1...12).contains(month), (1...31).contains(day) {
            return Int64(CivilTime.daysFromCivil(year: year, month: month, day: day)) * 86_400 * 1_000_000_000
        }
        guard let parsed = ISO8601DateFormatter().date(from: text) else { return nil }
        return Int64(parsed.timeIntervalSince1970) * 1_000_000_000
    }

    /// One line saying what the correlation evaluates (for `spoor explain`).
    public var summary: String {
        func duration(_ seconds: Int64) -> String {
            for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds % size == 0 { return "\(seconds / size)\(unit)" }
            return "\(seconds)s"
        }
        var parts = ["\(kind.rawValue) over [\(references.joined(separator: ", "))]"]
        parts.append(groupBy.isEmpty ? "no group-by" : "group-by [\(groupBy.joined(separator: ", "))]")
        if kind == .firstSeen {
            parts.append("new tuples of [\(fields.joined(separator: ", "))]")
            if let learningSeconds { parts.append("after learning \(duration(learningSeconds)) from each group's first event") }
            if let learningUntilNanoseconds { parts.append("after learning until \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(learningUntilNanoseconds / 1_000_000_000))))") }
            if !exclude.isEmpty { parts.append("excluding \(exclude.map { $0.map(\.key).joined(separator: " and ") }.joined(separator: " or "))") }
        } else {
            parts.append("timespan \(duration(timespanSeconds))")
            let what = kind == .valueSum ? "sum of \(valueField ?? "?")" : kind == .valueCount ? "distinct \(valueField ?? "?")" : kind == .eventCount ? "events" : "rules"
            if !bounds.isEmpty { parts.append("\(what) \(bounds.map { "\($0.op.rawValue) \($0.value)" }.joined(separator: " and "))") }
        }
        if let suppressSeconds { parts.append("one finding per group per \(duration(suppressSeconds))") }
        return parts.joined(separator: "; ")
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
