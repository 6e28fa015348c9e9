import PatternMatching

/// The rules of one scan, with the literal prefilter built from their gates.
///
/// Literals shared by several rules are searched once per chunk; rules without a gate are evaluated
/// on every line in their scope.
public struct RuleSet: Sendable {
    public let rules: [DetectionRule]
    /// The rule files read, in load order.
    public let files: [String]
    /// SHA-256 over every rule file's path and bytes, in load order.
    public let sha256: String
    /// Every distinct gate literal of the rules.
    public let prefilter: LiteralPrefilter
    /// For each rule, the indexes of its literals in ``prefilter``; nil when the rule is ungated.
    public let gateLiterals: [[Int]?]
    /// Rules that loaded but cannot run in this scan (a placeholder without values), with the reason.
    public let skipped: [SkippedRule]

    public init(rules: [DetectionRule], files: [String], sha256: String, skipped: [SkippedRule] = []) throws(RuleLoadError) {
        self.rules = rules
        self.skipped = skipped
        self.files = files
        self.sha256 = sha256
        var literals: [LiteralPrefilter.Literal] = []
        var indexOf: [LiteralPrefilter.Literal: Int] = [:]
        var gateLiterals: [[Int]?] = []
        for rule in rules {
            guard let gate = rule.gate else { gateLiterals.append(nil); continue }
            gateLiterals.append(gate.map { literal in
                if let index = indexOf[literal] { return index }
                literals.append(literal)
                indexOf[literal] = literals.count - 1
                return literals.count - 1
            })
        }
        self.gateLiterals = gateLiterals
        do {
            prefilter = try LiteralPrefilter(literals: literals)
        } catch {
            throw RuleLoadError(path: files.first ?? "-", message: "cannot compile the literal prefilter: \(error.description)")
        }
    }
}
