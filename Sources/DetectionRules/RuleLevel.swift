/// Sigma's severity levels, ordered from least to most severe.
public enum RuleLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case informational, low, medium, high, critical

    private var rank: Int { RuleLevel.allCases.firstIndex(of: self)! }

    public static func < (lhs: RuleLevel, rhs: RuleLevel) -> Bool { lhs.rank < rhs.rank }
}
