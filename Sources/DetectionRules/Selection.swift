import PatternMatching
import RecordParsing

/// One compiled Sigma value: a PCRE2 pattern, or a presence test.
public enum ValueTest: Sendable {
    /// The field's bytes must match the pattern. Named groups become event fields.
    case pattern(CompiledPattern)
    /// `null`: the field must be absent.
    case isAbsent
    /// `|exists: true|false`.
    case exists(Bool)
}

/// `field|modifiers: values` — one key of a selection map.
public struct FieldTest: Sendable {
    public var field: FieldName
    public var values: [ValueTest]
    /// `|all`: every value must match (otherwise any one).
    public var requiresAll: Bool
    /// The key as written, for explanations and errors.
    public var key: String
}

/// A named search identifier of a rule's `detection`.
public struct Selection: Sendable {
    public enum Body: Sendable {
        /// Keyword values searched in `raw`; `requiresAll` for `'|all': [...]`.
        case keywords([CompiledPattern], requiresAll: Bool)
        /// A list of maps (ORed); each map's keys are ANDed.
        case maps([[FieldTest]])
    }

    public var name: String
    public var body: Body
}
