/// A field a rule refers to, resolved once at load: its name and, for the common fields, which one.
public struct FieldName: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public let bytes: [UInt8]
    /// Set for `raw`, `timestamp`, `host`, `program`, `pid`, `message`.
    public let common: RecordField?

    public init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
        common = RecordField(name: text)
    }

    public var description: String { text }
}

/// Where a field's value lies: in the line itself, or in bytes the resolver decoded (hex-encoded
/// auditd values, JSON escapes, rsyslog `#012` escapes).
public enum FieldValue: Equatable, Sendable {
    case inLine(Range<Int>)
    case decoded(Range<Int>)
}
