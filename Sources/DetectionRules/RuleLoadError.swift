/// Why a rule file could not be loaded. Loading fails closed: one bad rule stops the run, naming the
/// file, the line in it, and the rule.
public struct RuleLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based line in the file, when known.
    public var line: Int?
    /// The rule's `id` (or `name`/`title` when it has no id), when known.
    public var rule: String?
    public var message: String

    public init(path: String, line: Int? = nil, rule: String? = nil, message: String) {
        self.path = path
        self.line = line
        self.rule = rule
        self.message = message
    }

    public var description: String {
        var location = path
        if let line { location += ":\(line)" }
        if let rule { location += " (rule \(rule))" }
        return "\(location): \(message)"
    }
}
