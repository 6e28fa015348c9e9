import PatternMatching
import RecordParsing

/// One compiled Sigma value: a PCRE2 pattern, a presence test, or a typed comparison.
public enum ValueTest: Sendable {
    /// The field's bytes must match the pattern. Named groups become event fields.
    case pattern(CompiledPattern)
    /// `null`: the field must be absent.
    case isAbsent
    /// `|exists: true|false`.
    case exists(Bool)
    /// `|lt`, `|lte`, `|gt`, `|gte` (and `|neq` on a number): the field read as a decimal number.
    case number(NumericComparison, Double)
    /// `|cidr`: the field read as an IPv4 or IPv6 address, inside the network.
    case network(IPNetwork)
    /// `|minute` … `|year`: a part of the field read as a time stamp, compared as a number.
    case timePart(TimePart, NumericComparison, Int)
    /// `|fieldref`: the field compared with another field of the same record.
    case fieldReference(FieldReference)
}

/// How a numeric value is compared (`lt`, `lte`, `gt`, `gte`; `eq` for a bare value).
public enum NumericComparison: String, Sendable {
    case lt, lte, gt, gte, eq

    public func holds<T: Comparable>(_ value: T, _ bound: T) -> Bool {
        switch self {
        case .lt: return value < bound
        case .lte: return value <= bound
        case .gt: return value > bound
        case .gte: return value >= bound
        case .eq: return value == bound
        }
    }
}

/// `|fieldref`'s other field and how to compare (a class, so that copying a ``ValueTest`` on the hot
/// path is one reference count, whatever the case).
public final class FieldReference: Sendable {
    public let field: FieldName
    public let match: FieldReferenceMatch

    public init(field: FieldName, match: FieldReferenceMatch) {
        self.field = field
        self.match = match
    }
}

/// How `|fieldref` compares: whole value, or `contains`/`startswith`/`endswith`; ASCII case-folded
/// unless `|cased`.
public struct FieldReferenceMatch: Sendable, Equatable {
    public enum Position: Sendable { case whole, contains, prefix, suffix }
    public var position: Position
    public var caseSensitive: Bool
}

/// `field|modifiers: values` — one key of a selection map.
///
/// A class, immutable once loaded: the evaluator walks these for every candidate line of every rule,
/// and iterating references costs one reference count where copying the struct cost several.
public final class FieldTest: Sendable {
    public let field: FieldName
    public let values: [ValueTest]
    /// `|all`: every value must match (otherwise any one).
    public let requiresAll: Bool
    /// `|neq`: the field must be present and match none of the values.
    public let negated: Bool
    /// The selections (indexes) whose `|re` named groups define `field` when it is not a parser field
    /// but a capture of the same rule (rule-format §3.6): they are evaluated first. Empty for parser fields.
    public let capturedBy: [Int]
    /// The key as written, for explanations and errors.
    public let key: String

    public init(field: FieldName, values: [ValueTest], requiresAll: Bool, negated: Bool = false, capturedBy: [Int] = [], key: String) {
        self.field = field
        self.values = values
        self.requiresAll = requiresAll
        self.negated = negated
        self.capturedBy = capturedBy
        self.key = key
    }
}

/// A named search identifier of a rule's `detection` (a class, for the same reason as ``FieldTest``).
public final class Selection: Sendable {
    public enum Body: Sendable {
        /// Keyword values searched in `raw`; `requiresAll` for `'|all': [...]`.
        case keywords([CompiledPattern], requiresAll: Bool)
        /// A list of maps (ORed); each map's keys are ANDed.
        case maps([[FieldTest]])
    }

    public let name: String
    public let body: Body

    public init(name: String, body: Body) {
        self.name = name
        self.body = body
    }
}
