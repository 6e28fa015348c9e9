/// The fields every text record exposes to rules (rule-format §3.4).
///
/// Field names are resolved to these cases once, when rules load; the hot path never compares names.
public enum RecordField: Int, CaseIterable, Sendable {
    /// The whole line as bytes (line terminator stripped). Sigma keywords search this field.
    case raw
    /// The header's time stamp, as written in the line.
    case timestamp
    /// The host that logged the line (per line: central log servers hold many hosts).
    case host
    /// The program (syslog tag / APP-NAME).
    case program
    /// The process id, when the tag carries one.
    case pid
    /// The message after `program[pid]: `, or the whole line when no header was recognised.
    case message

    /// The name rules use.
    public var name: String {
        switch self {
        case .raw: return "raw"
        case .timestamp: return "timestamp"
        case .host: return "host"
        case .program: return "program"
        case .pid: return "pid"
        case .message: return "message"
        }
    }

    /// Resolves a rule's field name; nil when it is not a record field.
    public init?(name: String) {
        guard let field = RecordField.allCases.first(where: { $0.name == name }) else { return nil }
        self = field
    }
}
