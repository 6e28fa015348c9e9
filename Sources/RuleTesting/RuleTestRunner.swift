import DetectionRules
import ExposureReport
import Foundation
import Scanning

/// Runs rules' own `tests:` cases (rule-format §3.9) through the real scan pipeline, at their pinned
/// context: the year of year-less stamps and the zone.
///
/// Contract: a case passes when the findings of the rule under test are exactly the expected ones
/// (each expectation matches one finding by rule, line, a subset of fields, and the captures that
/// must be redacted); any other finding of that rule fails it. A rule without a positive and a negative
/// case fails too, as do the gates of ``RuleGates`` (coverage, adversarial lines) and, when
/// `interpreterRules` is given (the same files compiled without the JIT), any case whose findings
/// differ between the two engines. Inputs go to a private temporary folder, removed afterwards.
public struct RuleTestRunner {
    public let rules: RuleSet
    /// The same rules compiled for the PCRE2 interpreter; nil skips the JIT-agreement gate.
    public let interpreterRules: RuleSet?

    public init(rules: RuleSet, interpreterRules: RuleSet? = nil) {
        self.rules = rules
        self.interpreterRules = interpreterRules
    }

    /// One case's outcome.
    public struct Result: Sendable {
        public var rule: String
        public var caseName: String
        public var sourcePath: String
        public var failures: [String]
        public var isPassed: Bool { failures.isEmpty }

        public init(rule: String, caseName: String, sourcePath: String, failures: [String]) {
            self.rule = rule
            self.caseName = caseName
            self.sourcePath = sourcePath
            self.failures = failures
        }
    }

    public func run() -> [Result] {
        var results: [Result] = []
        for (index, rule) in rules.rules.enumerated() {
            let label = rule.name ?? rule.id
            let counts = rule.tests?.caseCounts ?? (positive: 0, negative: 0)
            if counts.positive == 0 || counts.negative == 0 {
                results.append(Result(rule: label, caseName: "(cases)", sourcePath: rule.sourcePath,
                                      failures: ["needs at least one positive and one negative case (has \(counts.positive) and \(counts.negative))"]))
            }
            guard let tests = rule.tests else { continue }
            for testCase in tests.cases {
                results.append(Result(rule: label, caseName: testCase.name, sourcePath: rule.sourcePath,
                                      failures: run(testCase, of: Subject(id: rule.id, name: rule.name, statisticsIndex: index), context: tests)))
            }
            results.append(Result(rule: label, caseName: "(coverage)", sourcePath: rule.sourcePath, failures: RuleGates.coverageGaps(of: rule)))
            results.append(Result(rule: label, caseName: "(adversarial lines)", sourcePath: rule.sourcePath, failures: RuleGates.adversarialFailures(of: rule)))
        }
        for (index, correlation) in rules.correlations.enumerated() {
            let label = correlation.name ?? correlation.id
            let counts = correlation.tests?.caseCounts ?? (positive: 0, negative: 0)
            if correlation.emitsFindings && (counts.positive == 0 || counts.negative == 0) {
                results.append(Result(rule: label, caseName: "(cases)", sourcePath: correlation.sourcePath,
                                      failures: ["needs at least one positive and one negative case (has \(counts.positive) and \(counts.negative))"]))
            }
            guard let tests = correlation.tests else { continue }
            let subject = Subject(id: correlation.id, name: correlation.name, statisticsIndex: rules.rules.count + index)
            for testCase in tests.cases {
                results.append(Result(rule: label, caseName: testCase.name, sourcePath: correlation.sourcePath,
                                      failures: run(testCase, of: subject, context: tests)))
            }
        }
        return results
    }

    /// What a case tests: a rule or a correlation, by id and name, and where its statistics are.
    struct Subject {
        var id: String
        var name: String?
        var statisticsIndex: Int
    }

    private func run(_ testCase: RuleTestCase, of rule: Subject, context: RuleTests) -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-rule-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if let inputFile = testCase.inputFile {
                try FileManager.default.copyItem(atPath: inputFile, toPath: folder.appendingPathComponent((inputFile as NSString).lastPathComponent).path)
            } else {
                try Data(testCase.input.utf8).write(to: folder.appendingPathComponent("input.log"))
            }
        } catch {
            return ["cannot prepare the case's input: \(error.localizedDescription)"]
        }
        var configuration = ScanConfiguration(evidencePaths: [folder.path], jobs: 1, redactionKey: Array("spoor-rule-tests".utf8))
        configuration.findingsCapPerRule = 10_000
        configuration.reportsCorrelationInputs = true
        configuration.timeZoneIdentifier = context.timezone ?? "UTC"
        if let year = context.year { configuration.referenceDate = CalendarDate(year: year, month: 12, day: 31) }
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        var failures = outcome.problems.map { "scan problem: \($0)" }
        if let interpreterRules {
            // Gate 2: the interpreter must find exactly what the JIT found.
            let other = ScanPipeline(configuration: configuration, rules: interpreterRules).run()
            let jit = outcome.findings.map(Self.signature), interpreted = other.findings.map(Self.signature)
            if jit != interpreted {
                let onlyJIT = jit.filter { !interpreted.contains($0) }, onlyInterpreter = interpreted.filter { !jit.contains($0) }
                failures.append("JIT and interpreter disagree: only with JIT \(onlyJIT), only with the interpreter \(onlyInterpreter)")
            }
        }
        var unmatched = outcome.findings.filter { $0.rule.id == rule.id }
        for expectation in testCase.expectations {
            let isThisRule = expectation.rule == rule.id || expectation.rule == rule.name
            if !isThisRule, !rules.rules.contains(where: { $0.id == expectation.rule || $0.name == expectation.rule }),
               !rules.correlations.contains(where: { $0.id == expectation.rule || $0.name == expectation.rule }) {
                failures.append("expects unknown rule '\(expectation.rule)'")
                continue
            }
            let candidates = isThisRule ? unmatched : outcome.findings.filter { $0.rule.id == expectation.rule || $0.rule.name == expectation.rule }
            guard let found = candidates.firstIndex(where: { Self.satisfies($0, expectation) }) else {
                let seen = candidates.map { "line \($0.evidence.first?.line ?? 0) \($0.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
                failures.append("missing: \(expectation.rule) at line \(expectation.line.map(String.init) ?? "any") with \(expectation.fields)\(seen.isEmpty ? "" : "; found: \(seen.joined(separator: " | "))")")
                continue
            }
            if isThisRule { unmatched.remove(at: found) }
        }
        for extra in unmatched {
            failures.append("unexpected finding at line \(extra.evidence.first?.line ?? 0): \(extra.evidence.first?.text ?? "(binary line)")")
        }
        if outcome.statistics.indices.contains(rule.statisticsIndex), outcome.statistics[rule.statisticsIndex].engineErrors > 0 {
            failures.append("PCRE2 engine errors on \(outcome.statistics[rule.statisticsIndex].engineErrors) lines")
        }
        return failures
    }

    /// What identifies a finding across engines: rule, line and fields.
    static func signature(_ finding: Finding) -> String {
        "\(finding.rule.id)@\(finding.evidence.first?.line ?? 0) \(finding.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
    }

    static func satisfies(_ finding: Finding, _ expectation: RuleTestExpectation) -> Bool {
        if let line = expectation.line, finding.evidence.first?.line != line { return false }
        for (name, value) in expectation.fields where finding.fields[name] != value { return false }
        for name in expectation.redacted where finding.fields[name]?.hasPrefix("[redacted ") != true { return false }
        return true
    }
}
