import DetectionRules
import PatternMatching
import Testing

/// Gates (`DetectionRule.gate`, `RuleSet.gateLiterals`): the literals a line must hold for a rule to run.
@Suite("LiteralGate")
struct LiteralGateTests {
    private func literal(_ text: String, caseless: Bool) -> LiteralPrefilter.Literal {
        LiteralPrefilter.Literal(bytes: Array(text.utf8), isCaseless: caseless)
    }


    /// The gate's promise: every line the rule matches holds a gate literal (no false negatives).
    private func expectNoFalseNegatives(_ rule: DetectionRule, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let gate = rule.gate else { return }
        for line in lines where RuleFixtures.evaluate(rule, line).isMatched {
            #expect(RuleFixtures.gateAdmits(gate, Array(line.utf8)), "gate \(gate.map { String(decoding: $0.bytes, as: UTF8.self) }) misses \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test("a contains value gates on its literal, caseless like the value")
    func containsValue() throws {
        // The commonest rule shape: one literal, found with memmem-speed before PCRE2 runs.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|contains: 'Failed password'\ncondition: selection")
        #expect(rule.gate == [literal("Failed password", caseless: true)])
        expectNoFalseNegatives(rule, [RuleFixtures.failedPassword, RuleFixtures.failedRoot.uppercased()])
    }

    @Test("an inline case-insensitive group gives case-insensitive literals; other inline flags none")
    func inlineFlags() throws {
        // `(?i:…)` is common in web-attack rules; without a gate they ran on every access-log line.
        let rule = try RuleFixtures.rule(detection: "selection:\n    raw|re: 'GET /(?i:wp-login|xmlrpc)\\.php'\ncondition: selection", logsource: "{category: webserver}")
        #expect(rule.gate == [literal("wp-login", caseless: true), literal("xmlrpc", caseless: true)])
        expectNoFalseNegatives(rule, [RuleFixtures.nginx, RuleFixtures.nginx.replacingOccurrences(of: "wp-login", with: "WP-Login")])
        // `(?x)` makes whitespace meaningless: the extractor does not follow it, so no gate.
        let extended = try RuleFixtures.rule(detection: "selection:\n    raw|re: '(?x) wp - login'\ncondition: selection", logsource: "{category: webserver}")
        #expect(extended.gate == nil)
    }

    @Test("a cased value gates case-sensitively")
    func casedValue() throws {
        // `|cased` must not be widened to caseless (harmless) nor narrowed elsewhere (wrong).
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|contains|cased: 'COMMAND=/bin/bash'\ncondition: selection")
        #expect(rule.gate == [literal("COMMAND=/bin/bash", caseless: false)])
    }

    @Test("a rule with only `not` is ungated")
    func notOnly() throws {
        // `not filter` matches lines without the literal: gating on it would be exactly wrong.
        let rule = try RuleFixtures.rule(detection: "filter:\n    message|contains: 'session opened'\ncondition: not filter")
        #expect(rule.gate == nil)
    }

    @Test("`and not` keeps the positive side's gate")
    func andNot() throws {
        // The filter cannot make a line match, so the selection's literal still suffices.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|contains: 'Failed password'\nfilter:\n    message|contains: 'from 192.0.2.'\ncondition: selection and not filter")
        #expect(rule.gate == [literal("Failed password", caseless: true)])
    }

    @Test("an `or` of a gated and an ungated selection is ungated")
    func orWithUngatedBranch() throws {
        // `pid|exists` has no literal: lines matching only that branch must still be evaluated.
        let rule = try RuleFixtures.rule(detection: "a:\n    message|contains: 'Failed password'\nb:\n    pid|exists: false\ncondition: a or b")
        #expect(rule.gate == nil)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.kernel).isMatched)
    }

    @Test("an `or` of gated branches gates on all their literals")
    func orOfGated() throws {
        // Either literal admits the line; `1 of` and value lists work the same way.
        let rule = try RuleFixtures.rule(detection: "a:\n    message|startswith: 'Failed password'\nb:\n    message|startswith: 'Accepted publickey'\ncondition: 1 of them")
        #expect(rule.gate == [literal("Failed password", caseless: true), literal("Accepted publickey", caseless: true)])
        let list = try RuleFixtures.rule(detection: "keywords:\n    - 'Invalid user'\n    - 'authentication failure'\ncondition: keywords")
        #expect(list.gate == [literal("Invalid user", caseless: true), literal("authentication failure", caseless: true)])
        expectNoFalseNegatives(rule, [RuleFixtures.failedPassword, RuleFixtures.accepted])
    }

    @Test("values shorter than three bytes give no gate")
    func shortValues() throws {
        // `su` would select half the log; the rule then runs on every line in scope.
        let rule = try RuleFixtures.rule(detection: "selection:\n    program: su\ncondition: selection")
        #expect(rule.gate == nil)
    }

    @Test("a regex is gated on a literal of at least 3 bytes that every match contains")
    func regexLiteral() throws {
        // `^Accepted (?<m>\w+) for`: the group is skipped; "Accepted " (or " for") is required.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: '^Accepted (?<m>\\w+) for'\ncondition: selection")
        let gate = try #require(rule.gate)
        #expect(gate.count == 1)
        let only = try #require(gate.first)
        #expect(only.bytes.count >= 3)
        #expect(!only.isCaseless)
        let line = RuleFixtures.accepted
        #expect(RuleFixtures.evaluate(rule, line).isMatched)
        #expect(line.contains(String(decoding: only.bytes, as: UTF8.self)))
        expectNoFalseNegatives(rule, [line, "Mar  7 10:00:23 web01 sshd[1]: Accepted password for root from 192.0.2.4 port 1 ssh2"])
    }

    @Test("a regex with a top-level alternation is gated on one literal per branch")
    func regexAlternation() throws {
        // `Failed|Accepted`: no single literal is required, but one of the branches' literals is.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: '^(?:Failed password)|Accepted publickey'\ncondition: selection")
        #expect(rule.gate?.map { String(decoding: $0.bytes, as: UTF8.self) } == ["Failed password", "Accepted publickey"])
        expectNoFalseNegatives(rule, ["Mar  7 10:00:21 web01 sshd[1]: Accepted publickey for git from 192.0.2.1 port 2 ssh2"])
    }

    @Test("an alternation branch without a literal leaves the rule ungated")
    func regexAlternationWithoutLiteral() throws {
        // `\d+` has no literal, so nothing is required of every match.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: 'Failed password|\\d+ bytes'\ncondition: selection")
        #expect(rule.gate != nil)
        let bare = try RuleFixtures.rule(detection: "selection:\n    message|re: 'Failed password|\\d+'\ncondition: selection")
        #expect(bare.gate == nil)
    }

    @Test("|re|i gates caselessly")
    func regexCaselessGate() throws {
        // A caseless regex's literal must be searched caselessly, or `FAILED` lines are skipped.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re|i: 'failed password for (?<user>\\S+)'\ncondition: selection")
        #expect(rule.gate?.allSatisfy(\.isCaseless) == true)
        expectNoFalseNegatives(rule, [RuleFixtures.failedRoot.uppercased()])
    }

    @Test("regex gates never miss a matching line", arguments: [
        ("'^Failed (?<auth_method>password|keyboard-interactive(?:/pam)?) for (?:invalid user )?(?<user>.{0,100}?) from (?<src_ip>[0-9A-Fa-f:.]{2,45}) port (?<src_port>\\d{1,5})'", RuleFixtures.failedPassword),
        ("'Connection closed by (authenticating user \\S+ )?[0-9.]+ port \\d+ \\[preauth\\]'", "Mar  7 10:00:21 web01 sshd[9]: Connection closed by 198.51.100.7 port 52311 [preauth]"),
        ("'sessions? opened'", "Mar  7 10:00:21 web01 su[9]: pam_unix(su:session): session opened for user root"),
        ("'x{2}yz+abc'", "Mar  7 10:00:21 web01 app[9]: xxyzzzabc"),
        ("'COMMAND=\\x2fbin\\x2fbash'", RuleFixtures.sudoRoot),
        ("'(?i)user=ROOT'", RuleFixtures.sudoRoot),
        ("'ab[|]cd|efg'", "Mar  7 10:00:21 web01 app[9]: efg"),
    ])
    func regexGateTable(pattern: String, line: String) throws {
        // Quantifiers, optional groups, classes, hex escapes and leading flags around literals.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: \(pattern)\ncondition: selection")
        #expect(RuleFixtures.evaluate(rule, line).isMatched)
        expectNoFalseNegatives(rule, [line])
    }

    @Test("a `{` that is not a quantifier does not hide a top-level alternation")
    func braceLiteralBeforeAlternation() throws {
        // PCRE2 reads `{user|admin}` as the literal `{user` OR `admin}`: the pattern is an alternation.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: '^{user|admin} logged in'\ncondition: selection")
        let line = "Mar  7 10:00:21 web01 app[9]: {user:alice}"
        #expect(RuleFixtures.evaluate(rule, line).isMatched)
        #expect(rule.gate?.map { String(decoding: $0.bytes, as: UTF8.self) } == ["{user", "admin} logged in"])
        expectNoFalseNegatives(rule, [line])
    }

    @Test("RuleSet shares literals between rules and leaves ungated rules nil")
    func ruleSetGateLiterals() throws {
        // r1 and r4 share "Failed password" (searched once); the `not`-only rule runs on every line.
        let yaml = [
            RuleFixtures.document(id: "r1", detection: "selection:\n    message|contains: 'Failed password'\ncondition: selection"),
            RuleFixtures.document(id: "r2", detection: "selection:\n    message|contains: 'failed password'\n    host: web01\ncondition: selection"),
            RuleFixtures.document(id: "r3", detection: "filter:\n    program: CRON\ncondition: not filter"),
            RuleFixtures.document(id: "r4", detection: "k:\n    - 'Accepted publickey'\n    - 'Failed password'\ncondition: k"),
        ].joined(separator: "\n---\n")
        let rules = try RuleLoader().loadDocuments(yaml, path: "t.yml")
        let set = try RuleSet(rules: rules, files: ["t.yml"], sha256: "")
        #expect(set.gateLiterals.count == 4)
        #expect(set.gateLiterals[0] == [0])
        #expect(set.gateLiterals[1] == [1])
        #expect(set.gateLiterals[2] == nil)
        #expect(set.gateLiterals[3] == [2, 0])
        // r2 spells its literal in lower case: the literal is kept as written (its own entry), host is the weaker gate.
        #expect(set.prefilter.literals == [
            literal("Failed password", caseless: true), literal("failed password", caseless: true), literal("Accepted publickey", caseless: true),
        ])
    }
}
