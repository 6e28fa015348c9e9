import PatternMatching

/// The rules of one scan, with the literal prefilter built from their gates.
///
/// Literals shared by several rules are searched once per chunk; rules without a gate are evaluated
/// on every line in their scope.
public struct RuleSet: Sendable {
    public let rules: [DetectionRule]
    /// Correlation rules, their references resolved, in an order where every correlation comes after
    /// the correlations it reads.
    public let correlations: [CorrelationRule]
    /// The rule files read, in load order.
    public let files: [String]
    /// SHA-256 over every rule file's path and bytes, in load order.
    public let sha256: String
    /// Every distinct gate literal of the rules.
    public let prefilter: LiteralPrefilter
    /// For each rule, the indexes of its literals in ``prefilter``; nil when the rule is ungated.
    public let gateLiterals: [[Int]?]
    /// The distinct patterns of the rules' chunk gates (``ChunkGate``), each searched once per chunk.
    public let chunkPatterns: [CompiledPattern]
    /// For each rule with a chunk gate: the indexes of its literals in ``prefilter`` and of its
    /// patterns in ``chunkPatterns``; nil for the others.
    public let chunkGates: [(literals: [Int], patterns: [Int])?]
    /// Rules that loaded but cannot run in this scan (a placeholder without values), with the reason.
    public let skipped: [SkippedRule]

    public init(rules: [DetectionRule], files: [String], sha256: String, skipped: [SkippedRule] = [], correlations: [CorrelationRule] = []) throws(RuleLoadError) {
        var rules = rules
        self.correlations = try Self.resolve(correlations, rules: &rules)
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
        var patterns: [CompiledPattern] = []
        var chunkGates: [(literals: [Int], patterns: [Int])?] = []
        for rule in rules {
            guard rule.gate == nil, let gate = rule.chunkGate else { chunkGates.append(nil); continue }
            let literalIndexes = gate.literals.map { literal in
                if let index = indexOf[literal] { return index }
                literals.append(literal)
                indexOf[literal] = literals.count - 1
                return literals.count - 1
            }
            let patternIndexes = gate.patterns.map { pattern in
                if let index = patterns.firstIndex(where: { $0.source == pattern.source && $0.options == pattern.options }) { return index }
                patterns.append(pattern)
                return patterns.count - 1
            }
            chunkGates.append((literalIndexes, patternIndexes))
        }
        chunkPatterns = patterns
        self.chunkGates = chunkGates
        do {
            prefilter = try LiteralPrefilter(literals: literals)
        } catch {
            throw RuleLoadError(path: files.first ?? "-", message: "cannot compile the literal prefilter: \(error.description)")
        }
    }

    /// The level of the rule or correlation behind statistic `index` (the statistics list base rules,
    /// then correlations), and whether it reports findings.
    public func statisticSubject(_ index: Int) -> (level: RuleLevel, emitsFindings: Bool) {
        if index < rules.count { return (rules[index].level, rules[index].emitsFindings) }
        let correlation = correlations[index - rules.count]
        return (correlation.level, correlation.emitsFindings)
    }

    /// Resolves each correlation's references (id or name; base rules or other correlations), orders
    /// correlations after those they read, and sets which rules feed correlations and which report.
    static func resolve(_ correlations: [CorrelationRule], rules: inout [DetectionRule]) throws(RuleLoadError) -> [CorrelationRule] {
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            ruleIndex[rule.id] = index
            if let name = rule.name { ruleIndex[name] = index }
        }
        var correlationIndex: [String: Int] = [:]
        for (index, correlation) in correlations.enumerated() {
            correlationIndex[correlation.id] = index
            if let name = correlation.name { correlationIndex[name] = index }
        }
        var resolved = correlations
        for index in resolved.indices {
            var inputs: [CorrelationRule.Input] = []
            for reference in resolved[index].references {
                if let rule = ruleIndex[reference] { inputs.append(.rule(rule)) }
                else if let other = correlationIndex[reference] { inputs.append(.correlation(other)) }
                else {
                    throw RuleLoadError(path: resolved[index].sourcePath, line: resolved[index].sourceLine, rule: resolved[index].id,
                                        message: "correlation rules: '\(reference)' names no loaded rule or correlation")
                }
            }
            resolved[index].inputs = inputs
        }
        // Order: a correlation after every correlation it reads; a cycle is an error.
        var order: [Int] = []
        var state = [UInt8](repeating: 0, count: resolved.count)
        func visit(_ index: Int) throws(RuleLoadError) {
            if state[index] == 2 { return }
            if state[index] == 1 {
                throw RuleLoadError(path: resolved[index].sourcePath, line: resolved[index].sourceLine, rule: resolved[index].id, message: "correlations read one another in a cycle")
            }
            state[index] = 1
            for case .correlation(let other) in resolved[index].inputs { try visit(other) }
            state[index] = 2
            order.append(index)
        }
        for index in resolved.indices { try visit(index) }
        // Who reports: base rules read by a correlation only with `emit` or the correlation's `generate`;
        // intermediate correlations only with `emit`.
        // A rule read by several correlations reports when any of them asks for it (`generate`).
        var generated = Set<CorrelationRule.Input>()
        var read = Set<CorrelationRule.Input>()
        for correlation in resolved {
            for input in correlation.inputs {
                read.insert(input)
                if correlation.generate { generated.insert(input) }
            }
        }
        for input in read where !generated.contains(input) {
            switch input {
            case .rule(let index):
                if !rules[index].emit { rules[index].emitsFindings = false }
            case .correlation(let index):
                if !resolved[index].emit { resolved[index].emitsFindings = false }
            }
        }
        for case .rule(let index) in read { rules[index].feedsCorrelation = true }
        // Re-index inputs to the new order.
        var position = [Int](repeating: 0, count: resolved.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        return order.map { oldIndex in
            var correlation = resolved[oldIndex]
            correlation.inputs = correlation.inputs.map { input in
                if case .correlation(let other) = input { return .correlation(position[other]) }
                return input
            }
            return correlation
        }
    }
}
