import PatternMatching
import RecordParsing

/// A loaded, compiled Sigma-LF event rule. Immutable and shared by every worker.
public struct DetectionRule: Sendable {
    /// Where the rule came from: file path and 0-based document index in it.
    public var sourcePath: String
    public var documentIndex: Int
    /// 1-based line where the rule's document starts, when known.
    public var sourceLine: Int?
    /// Sigma `id` (UUID); rules without one get `name` or a path-derived identifier.
    public var id: String
    public var name: String?
    public var title: String
    public var description: String?
    public var status: String?
    public var author: String?
    /// The rule's licence (`license:`, or an imported rule's from its sidecar: `DRL-1.1`).
    public var license: String?
    public var level: RuleLevel
    public var tags: [String]
    public var falsePositives: [String]
    public var references: [String]
    public var logSource: LogSource
    /// Captures typed by the rule's `entities:` key.
    public var entities: [String: EntitySpec]
    /// The `check`s of ``entities`` by capture name, set at load (the evaluator asks on every match).
    public var captureChecks: [String: CaptureCheck]
    public var exposure: ExposureSpec?
    /// Number of positive and negative cases in the rule's `tests:` block.
    public var testCaseCounts: (positive: Int, negative: Int)
    /// The rule's own tests (`tests:`), when it has any.
    public var tests: RuleTests?
    /// Where an imported rule came from (its `.lfs.yml` sidecar); nil for native rules.
    public var provenance: RuleProvenance?
    /// Sigma-LF `emit: true`: report findings even when a correlation reads this rule's events.
    public var emit: Bool = false
    /// Set by ``RuleSet``: a correlation reads every event of this rule (so none may be capped away).
    public var feedsCorrelation = false
    /// Set by ``RuleSet``: the rule reports its own findings (false for a base rule of a correlation
    /// without `emit: true` or the correlation's `generate: true`).
    public var emitsFindings = true

    public var selections: [Selection]
    public var condition: Condition
    /// Selections whose captures feed the event's fields (under an even number of `not`s).
    public var positiveSelections: [Int]
    /// Which programs the rule applies to (from `logsource`), nil for any line.
    public var scope: LogSourceScope
    /// Literals of which a line must contain at least one for the rule to match; nil: every line.
    public var gate: [LiteralPrefilter.Literal]?
    /// For a rule without a literal gate: patterns searched over whole chunks (and literals) of which
    /// every line the rule matches holds one; nil: every line in scope.
    public var chunkGate: ChunkGate? = nil

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
    /// A validity check the captured value must pass for the rule to match (a Luhn check for card numbers).
    public var check: CaptureCheck?

    public init(type: String, redact: Bool, check: CaptureCheck? = nil) {
        self.type = type
        self.redact = redact
        self.check = check
    }
}

/// What a finding of the rule means for data exposure (`exposure:`).
public struct ExposureSpec: Sendable, Equatable, Codable {
    public var category: String
    public var disclosure: String
    public var asset: String?

    public init(category: String, disclosure: String, asset: String?) {
        self.category = category
        self.disclosure = disclosure
        self.asset = asset
    }
}

/// A rule's `tests:` block (rule-format §3.9): a pinned context and cases with exhaustive expectations.
public struct RuleTests: Sendable {
    /// The year year-less input stamps are read in.
    public var year: Int?
    /// The zone local stamps are read in (default UTC).
    public var timezone: String?
    /// Placeholder values the rule's `|expand` values take under test.
    public var placeholders: [String: [String]]?
    public var cases: [RuleTestCase]

    public init(year: Int? = nil, timezone: String? = nil, placeholders: [String: [String]]? = nil, cases: [RuleTestCase]) {
        self.year = year
        self.timezone = timezone
        self.placeholders = placeholders
        self.cases = cases
    }

    /// Cases that expect findings, and cases that expect none.
    public var caseCounts: (positive: Int, negative: Int) {
        let positive = cases.filter { !$0.expectations.isEmpty }.count
        return (positive, cases.count - positive)
    }
}

/// One case: input lines, and every finding of the rule under test that they must give.
public struct RuleTestCase: Sendable {
    public var name: String
    /// The input lines; empty when ``inputFile`` gives them.
    public var input: String
    /// A file (gzip allowed) holding the input, resolved against the rule file's folder.
    public var inputFile: String?
    /// Empty for a negative case.
    public var expectations: [RuleTestExpectation]
    /// 1-based line of the case in the rule file, for messages.
    public var sourceLine: Int?
    /// `needs-review` for cases an importer seeded and nobody checked yet.
    public var status: String?

    public init(name: String, input: String, inputFile: String? = nil, expectations: [RuleTestExpectation], sourceLine: Int? = nil, status: String? = nil) {
        self.name = name
        self.input = input
        self.inputFile = inputFile
        self.expectations = expectations
        self.sourceLine = sourceLine
        self.status = status
    }
}

/// An expected finding: the rule (name or id), the 1-based input line, a subset of its fields, and
/// captures that must be present and redacted.
public struct RuleTestExpectation: Sendable {
    public var rule: String
    public var line: Int?
    public var fields: [String: String]
    public var redacted: [String]

    public init(rule: String, line: Int?, fields: [String: String], redacted: [String]) {
        self.rule = rule
        self.line = line
        self.fields = fields
        self.redacted = redacted
    }
}
