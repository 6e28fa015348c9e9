import DetectionRules
import RuleTesting
import Testing

@Suite("Rule test runner")
struct RuleTestRunnerTests {
    /// A rule whose cases hold; `pattern` and `expectedLine` let a test break it on purpose.
    static func rule(pattern: String = "'^Failed password for (?<user>\\S+) from'", expectedLine: Int = 2) -> String {
        """
        title: SSH password failure
        id: 5f0f7a57-8a0b-4c1e-9d35-000000000301
        name: ssh_failure
        logsource: {product: linux, service: sshd}
        detection:
            selection:
                message|re: \(pattern)
            condition: selection
        level: low
        tests:
            context: {year: 2025, timezone: UTC}
            cases:
                - name: one failure among noise
                  input: |
                      Mar  7 10:00:00 web01 sshd[1]: Accepted publickey for git from 192.0.2.1 port 1 ssh2
                      Mar  7 10:00:01 web01 sshd[2]: Failed password for root from 192.0.2.2 port 2 ssh2
                  expect:
                      - {rule: ssh_failure, line: \(expectedLine), fields: {user: root}}
                - name: nothing else
                  input: |
                      Mar  7 10:00:00 web01 sshd[1]: Accepted publickey for git from 192.0.2.1 port 1 ssh2
                  expect: []
        """
    }

    private func run(_ text: String) throws -> [RuleTestRunner.Result] {
        let loaded = try RuleLoader().loadDocuments(text, path: "t.yml")
        let interpreted = try RuleLoader(allowJIT: false).loadDocuments(text, path: "t.yml")
        return RuleTestRunner(rules: try RuleSet(rules: loaded, files: ["t.yml"], sha256: "t"),
                              interpreterRules: try RuleSet(rules: interpreted, files: ["t.yml"], sha256: "t")).run()
    }

    @Test("a rule whose cases hold passes them all, and the gates")
    func passing() throws {
        let results = try run(Self.rule())
        #expect(results.map(\.caseName) == ["one failure among noise", "nothing else", "(coverage)", "(adversarial lines)"])
        let allPassed = results.allSatisfy { $0.isPassed }
        #expect(allPassed, "\(results.flatMap(\.failures))")
    }

    @Test("a wrong expected line fails, naming what was found")
    func wrongLine() throws {
        let results = try run(Self.rule(expectedLine: 1))
        #expect(results.filter { !$0.isPassed && !$0.caseName.hasPrefix("(") }.count == 1)
        let failures = results.filter { !$0.isPassed }.flatMap(\.failures)
        let namesFound = failures.contains { $0.contains("missing") && $0.contains("found: line 2") }
        #expect(namesFound, "\(failures)")
    }

    @Test("a widened regex that also hits the negative case's line fails exhaustively")
    func widenedRegex() throws {
        // '^(Failed|Accepted)…' now matches the publickey line: an unexpected finding.
        let results = try run(Self.rule(pattern: "'^(?:Failed password|Accepted publickey) for (?<user>\\S+) from'"))
        let negativeFailed = results.contains { $0.caseName == "nothing else" && !$0.isPassed }
        let failures = results.flatMap(\.failures)
        #expect(negativeFailed)
        #expect(failures.contains { $0.contains("unexpected finding at line 1") }, "\(failures)")
    }

    @Test("a rule without a negative case fails, saying so")
    func missingNegative() throws {
        // A rule nobody showed quiet on near-misses may fire on everything.
        let text = Self.rule().replacingOccurrences(of: """
                - name: nothing else
                  input: |
                      Mar  7 10:00:00 web01 sshd[1]: Accepted publickey for git from 192.0.2.1 port 1 ssh2
                  expect: []
        """, with: "")
        let failures = try run(text).filter { $0.caseName == "(cases)" }.flatMap(\.failures)
        #expect(failures == ["needs at least one positive and one negative case (has 1 and 0)"])
    }

    @Test("a |re alternative that no positive line hits fails the coverage gate")
    func uncoveredAlternative() throws {
        // `Failed publickey` is in the pattern but never tested: nobody knows it works.
        let results = try run(Self.rule(pattern: "'^Failed (?:password|publickey) for (?<user>\\S+) from|^Failed none for (?<none_user>\\S+) from'"))
        let gaps = results.filter { $0.caseName == "(coverage)" }.flatMap(\.failures)
        #expect(gaps.count == 1, "\(gaps)")
        #expect(gaps.first?.contains("alternative '^Failed none for (?<none_user>\\S+) from'") == true, "\(gaps)")
    }

    @Test("a pattern that backtracks catastrophically on a 64 KiB line fails the adversarial gate")
    func adversarialPattern() throws {
        // `(a+)+b` on a long run of 'a' hits the match limit: on hostile evidence it would be an engine error.
        let results = try run(Self.rule(pattern: "'^Failed password for (?<user>\\S+) from|(?:a+)+b'"))
        let failures = results.filter { $0.caseName == "(adversarial lines)" }.flatMap(\.failures)
        #expect(failures.contains { $0.contains("64 KiB of 'a'") }, "\(failures)")
    }
}

@Suite("JUnit report")
struct JUnitReportTests {
    @Test("one suite per rule file, failures with their messages, XML-escaped")
    func render() {
        // CI systems read this file: a stray `<` or `&` from a log line would make it unreadable.
        let results = [
            RuleTestRunner.Result(rule: "a_rule", caseName: "positive", sourcePath: "rules/a.yml", failures: []),
            RuleTestRunner.Result(rule: "a_rule", caseName: "negative <quiet>", sourcePath: "rules/a.yml",
                                  failures: ["unexpected finding at line 1: GET /?q=<script>&x=1"]),
        ]
        let xml = JUnitReport.render(results: results, skipped: [], seconds: 1.5)
        #expect(xml.contains("<testsuites name=\"spoor rule tests\" tests=\"2\" failures=\"1\" time=\"1.500\">"))
        #expect(xml.contains("<testsuite name=\"rules/a.yml\" tests=\"2\" failures=\"1\">"))
        #expect(xml.contains("<testcase classname=\"a_rule\" name=\"positive\"/>"))
        #expect(xml.contains("name=\"negative &lt;quiet&gt;\""))
        #expect(xml.contains("GET /?q=&lt;script&gt;&amp;x=1</failure>"))
    }
}
