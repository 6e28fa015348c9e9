import PatternMatching
import RecordParsing

/// A loaded, compiled Sigma-LF event rule. Immutable and shared by every worker.
public struct DetectionRule: Sendable {
    /// Where the rule came from: file path and 0-based document index in it.
    public var sourcePath: String
    public var documentIndex: Int
    /// Sigma `id` (UUID); rules without one get `name` or a path-derived identifier.
    public var id: String
    public var name: String?
    public var title: String
    public var description: String?
    public var status: String?
    public var author: String?
    public var level: RuleLevel
    public var tags: [String]
    public var falsePositives: [String]
    public var references: [String]
    public var logSource: LogSource
    /// Captures typed by the rule's `entities:` key.
    public var entities: [String: EntitySpec]
    public var exposure: ExposureSpec?
    /// Number of positive and negative cases in the rule's `tests:` block.
    public var testCaseCounts: (positive: Int, negative: Int)
    /// The rule's own tests (`tests:`), when it has any.
    public var tests: RuleTests?

    public var selections: [Selection]
    public var condition: Condition
    /// Selections whose captures feed the event's fields (under an even number of `not`s).
    public var positiveSelections: [Int]
    /// Which programs the rule applies to (from `logsource`), nil for any line.
    public var scope: LogSourceScope
    /// Literals of which a line must contain at least one for the rule to match; nil: every line.
    public var gate: [LiteralPrefilter.Literal]?
}

/// Sigma `logsource`.
public struct LogSource: Sendable, Equatable, Codable {
    public var product: String?
    public var service: String?
    public var category: String?
}

/// A capture's type for the report (`entities:`).
public struct EntitySpec: Sendable, Equatable, Codable {
    public var type: String
    public var redact: Bool
}

/// What a finding of the rule means for data exposure (`exposure:`).
public struct ExposureSpec: Sendable, Equatable, Codable {
    public var category: String
    public var disclosure: String
    public var asset: String?
}

/// A rule's `tests:` block (rule-format §3.9): a pinned context and cases with exhaustive expectations.
public struct RuleTests: Sendable {
    /// The year year-less input stamps are read in.
    public var year: Int?
    /// The zone local stamps are read in (default UTC).
    public var timezone: String?
    public var cases: [RuleTestCase]
}

/// One case: input lines, and every finding of the rule under test that they must give.
public struct RuleTestCase: Sendable {
    public var name: String
    public var input: String
    /// Empty for a negative case.
    public var expectations: [RuleTestExpectation]
    /// 1-based line of the case in the rule file, for messages.
    public var sourceLine: Int?
}

/// An expected finding: the rule (name or id), the 1-based input line, a subset of its fields, and
/// captures that must be present and redacted.
public struct RuleTestExpectation: Sendable {
    public var rule: String
    public var line: Int?
    public var fields: [String: String]
    public var redacted: [String]
}
