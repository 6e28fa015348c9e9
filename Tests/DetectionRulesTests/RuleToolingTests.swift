import DetectionRules
import Foundation
import Testing

/// `spoor lint`, `spoor explain` and `spoor rules import-sigma`, through their library types.
@Suite("Rule tooling: lint, explain, import")
struct RuleToolingTests {
    /// A complete native rule, with `name` and `pattern` to vary.
    static func nativeRule(id: String, name: String, pattern: String = "'^Failed password for (?<user>\\S{1,64}) from'", tags: String = "[attack.credential-access, attack.t1110.001]") -> String {
        """
        title: Failure \(name)
        id: \(id)
        name: \(name)
        status: experimental
        description: A password failure.
        logsource: {product: linux, service: sshd}
        detection:
            selection:
                message|re: \(pattern)
            condition: selection
        falsepositives: [Typos]
        level: low
        tags: \(tags)
        exposure: {category: credentials, disclosure: none, asset: account}
        tests:
            context: {year: 2025}
            cases:
                - input: "Mar  7 10:00:01 web01 sshd[2]: Failed password for root from 192.0.2.2 port 2 ssh2"
                  expect: [{rule: \(name), line: 1}]
                - input: "Mar  7 10:00:01 web01 sshd[2]: Accepted password for root from 192.0.2.2 port 2 ssh2"
                  expect: []
        """
    }

    @Test("lint: a clean rule has no issue; a duplicate name, a bad tag and regex hazards are reported")
    func lint() throws {
        // Each of these passes the loader one file at a time but would confuse CI or an investigator.
        let folder = try RuleFolder()
        defer { folder.remove() }
        try folder.write("a.yml", Self.nativeRule(id: "11111111-1111-4111-8111-111111111111", name: "clean_rule"))
        #expect(RuleLinter().lint(paths: [folder.path]).isEmpty, "\(RuleLinter().lint(paths: [folder.path]))")
        try folder.write("b.yml", Self.nativeRule(id: "22222222-2222-4222-8222-222222222222", name: "clean_rule",
                                                  pattern: "'^Failed password for (?<user>.+) from (?<src_ip>\\S{1,64})$'",
                                                  tags: "[attack.credential_access, attack.T1110]"))
        let issues = RuleLinter().lint(paths: [folder.path]).map(\.description)
        #expect(issues.contains { $0.contains("b.yml:1: error: rule clean_rule: duplicate name 'clean_rule'") }, "\(issues)")
        #expect(issues.contains { $0.contains("tag 'attack.credential_access' is neither") }, "\(issues)")
        #expect(issues.contains { $0.contains("tags must be lower case") }, "\(issues)")
        #expect(issues.contains { $0.contains("anchor the end with '\\z'") }, "\(issues)")
        #expect(issues.contains { $0.contains("capture 'user' has an unbounded greedy run and capture 'src_ip' follows it") }, "\(issues)")
    }

    @Test("lint and explain take value_sum and first_seen correlations")
    func newCorrelationTypes() throws {
        let folder = try RuleFolder()
        defer { folder.remove() }
        let correlations = """

        ---
        title: Many failures
        id: 33333333-3333-4333-8333-333333333333
        name: many_failures
        correlation:
            type: value_sum
            rules: [failure_rule]
            group-by: [user]
            timespan: 10m
            condition: {gte: 5, field: pid}
        level: low
        output: {suppress: 1h}
        ---
        title: New user failing
        id: 44444444-4444-4444-8444-444444444444
        name: new_user_failing
        correlation:
            type: first_seen
            rules: [failure_rule]
            group-by: [host]
            fields: [user]
            learning: 7d
            exclude: {user|startswith: svc-}
        level: low

        """
        try folder.write("a.yml", Self.nativeRule(id: "11111111-1111-4111-8111-111111111111", name: "failure_rule") + correlations)
        #expect(RuleLinter().lint(paths: [folder.path]).isEmpty, "\(RuleLinter().lint(paths: [folder.path]))")
        let rules = try RuleLoader().load(paths: [folder.path])
        #expect(rules.correlations.map(\.summary) == [
            "value_sum over [failure_rule]; group-by [user]; timespan 10m; sum of pid gte 5; one finding per group per 1h",
            "first_seen over [failure_rule]; group-by [host]; new tuples of [user]; after learning 7d from each group's first event; excluding user|startswith",
        ])
    }

    @Test("lint: a file that does not load is one error, and the other files are still linted")
    func lintLoadError() throws {
        // One broken file must not hide the problems of the rest, as the loader's first error would.
        let folder = try RuleFolder()
        defer { folder.remove() }
        try folder.write("a.yml", Self.nativeRule(id: "11111111-1111-4111-8111-111111111111", name: "first").replacingOccurrences(of: "message|re", with: "mesage|re"))
        try folder.write("b.yml", Self.nativeRule(id: "not-a-uuid", name: "second"))
        let issues = RuleLinter().lint(paths: [folder.path]).map(\.description)
        #expect(issues.contains { $0.contains("a.yml:9: error:") && $0.contains("unknown field 'mesage'") && $0.contains("did you mean 'message'") }, "\(issues)")
        #expect(issues.contains { $0.contains("b.yml:1: error: rule second: id 'not-a-uuid' is not a UUID") }, "\(issues)")
    }

    @Test("lint --performance lists a rule without a literal; plain lint does not")
    func ungatedRule() throws {
        // A rule with no literal runs its regex on every line: advice on speed, asked for, not a defect.
        let folder = try RuleFolder()
        defer { folder.remove() }
        try folder.write("a.yml", Self.nativeRule(id: "11111111-1111-4111-8111-111111111111", name: "digits_only", pattern: "'^\\d{1,5} (?<user>\\S{1,64})'"))
        #expect(RuleLinter().lint(paths: [folder.path]).isEmpty)
        let advice = RuleLinter(reportsUngatedRules: true).lint(paths: [folder.path]).map(\.description)
        #expect(advice.count == 1 && advice[0].contains("no literal every match must contain"), "\(advice)")
    }

    @Test("explain: the parser, the field, each value's verdict, and the captures")
    func explain() throws {
        // The rule author's question "why did (not) my rule fire on this line?" answered line by line.
        let rule = try RuleFixtures.rule(Self.nativeRule(id: "11111111-1111-4111-8111-111111111111", name: "explained"))
        let hit = RuleExplainer(rule: rule).explain("Mar  7 10:00:01 web01 sshd[2]: Failed password for root from 192.0.2.2 port 2 ssh2")
        #expect(hit.contains("parser: syslog-rfc3164, program 'sshd', family sshd"), "\(hit)")
        #expect(hit.contains("message|re: field message = 'Failed password for root from 192.0.2.2 port 2 ssh2'"), "\(hit)")
        #expect(hit.contains("verdict: MATCH"), "\(hit)")
        #expect(hit.contains("user = 'root'"), "\(hit)")
        let miss = RuleExplainer(rule: rule).explain("Mar  7 10:00:01 web01 sudo: root : TTY=pts/0 ; USER=root ; COMMAND=/bin/ls")
        #expect(miss.contains("outside the rule's logsource {product: linux, service: sshd}"), "\(miss)")
        #expect(miss.contains("prefilter: none of the rule's literals"), "\(miss)")
        #expect(miss.contains("verdict: no match"), "\(miss)")
    }

    @Test("import-sigma: byte-identical copy, sidecar with attribution and skeleton, unsupported rules listed")
    func importSigma() throws {
        // DRL 1.1 asks for the authors in every finding; a rule that cannot run must be named, not dropped.
        let upstream = try RuleFolder()
        let destination = try RuleFolder()
        defer { upstream.remove(); destination.remove() }
        let good = """
        title: Suspicious Log Entries
        id: f64b6e9a-5d9d-48a5-8289-e1dd2b3876e1
        status: test
        author: Florian Roth (Nextron Systems), Jane Doe
        logsource:
            product: linux
        detection:
            keywords:
                - 'entered promiscuous mode'
            condition: keywords
        level: medium
        tags:
            - attack.collection

        """
        try upstream.write("rules/linux/builtin/lnx_good.yml", good)
        try upstream.write("rules/linux/builtin/lnx_bad.yml", good.replacingOccurrences(of: "f64b6e9a", with: "a64b6e9a").replacingOccurrences(of: "keywords:\n", with: "selection:\n        CommandLine|contains2: x\n    keywords:\n"))
        let outcome = SigmaImporter(commit: "abc123").run(paths: [upstream.path + "/rules"], into: destination.path)
        #expect(outcome.imported == [destination.path + "/rules/linux/builtin/lnx_good.yml"])
        #expect(outcome.unsupported.count == 1)
        #expect(outcome.unsupported.first?.reason.contains("unknown modifier 'contains2'") == true, "\(outcome.unsupported)")
        let copied = try String(contentsOfFile: destination.path + "/rules/linux/builtin/lnx_good.yml", encoding: .utf8)
        #expect(copied == good)
        let set = try RuleLoader().load(paths: [destination.path])
        let rule = try #require(set.rules.first)
        #expect(rule.provenance?.authors == ["Florian Roth (Nextron Systems)", "Jane Doe"])
        #expect(rule.provenance?.path == "rules/linux/builtin/lnx_good.yml")
        #expect(rule.provenance?.url == "https://github.com/SigmaHQ/sigma/blob/abc123/rules/linux/builtin/lnx_good.yml")
        #expect(rule.license == "DRL-1.1")
        #expect(rule.exposure == ExposureSpec(category: "internal", disclosure: "potential", asset: "dataset"))
        #expect(rule.tests?.cases.isEmpty == true)
        // A second import keeps the sidecar, which may hold reviewed tests.
        #expect(SigmaImporter().run(paths: [upstream.path + "/rules"], into: destination.path).kept.count == 1)
    }
}
