import DetectionRules
import Testing

/// Captures as fields (rule-format §3.6): a selection may test a field named like a `(?<name>…)` group
/// of another selection of the same rule; the capturing selection runs first; a cycle is a load error.
@Suite("Captured fields")
struct CapturedFieldTests {
    /// sshd logs the typed user name of a failed login: users who type their password there leak it.
    static let passwordAsUser = "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user Tr0ub4dor&3 from 203.0.113.50 port 40022 ssh2"
    static let ordinaryUser = "Mar  7 10:00:22 web01 sshd[2102]: Failed password for invalid user oracle from 203.0.113.51 port 40023 ssh2"

    /// `_typed` captures the typed name; `password_like` reads it (the example of rule-format §3.6).
    static let passwordLike = """
        _typed:
            message|re: 'invalid user (?<typed_name>\\S+) from'
        password_like:
            typed_name|re: '[0-9]'
            typed_name|re|i: '[^a-z0-9._-]'
        condition: password_like
        """

    private func expectLoadError(_ detection: String, containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = RuleFixtures.loadError(RuleFixtures.document(detection: detection)) else {
            Issue.record("the rule loaded; expected an error containing \(fragments)", sourceLocation: sourceLocation)
            return
        }
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("a selection tests a field captured by another selection")
    func capturedFieldMatches() throws {
        // The password-in-user-name rule: only typed names with a digit and a symbol fire.
        let rule = try RuleFixtures.rule(detection: Self.passwordLike)
        let hit = RuleFixtures.evaluate(rule, Self.passwordAsUser)
        #expect(hit.isMatched)
        // The capturing selection feeds the finding although the condition does not name it.
        #expect(hit.text("typed_name") == "Tr0ub4dor&3")
        #expect(!RuleFixtures.evaluate(rule, Self.ordinaryUser).isMatched)
        // No capture at all (an accepted login): the captured field is absent.
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.accepted).isMatched)
    }

    @Test("the capturing selection runs first even when written after the reader")
    func captureOrderIndependent() throws {
        // Document order must not decide whether the field has a value yet.
        let rule = try RuleFixtures.rule(detection: """
            password_like:
                typed_name|re: '[0-9]'
            _typed:
                message|re: 'invalid user (?<typed_name>\\S+) from'
            condition: password_like
            """)
        #expect(RuleFixtures.evaluate(rule, Self.passwordAsUser).isMatched)
        #expect(!RuleFixtures.evaluate(rule, Self.ordinaryUser).isMatched)
    }

    @Test("a captured field that was not captured is absent: null and exists: false hold")
    func uncapturedIsAbsent() throws {
        // An unset capture is absent, not empty (rule-format §3.6), also when another selection reads it.
        let rule = try RuleFixtures.rule(detection: """
            _port:
                message|re: 'closed by [0-9.]+(?: port (?<closing_port>\\d+))?'
            no_port:
                closing_port: null
            condition: no_port
            """)
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 [preauth]").isMatched)
        #expect(!RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 port 51234 [preauth]").isMatched)
        let exists = try RuleFixtures.rule(detection: """
            _port:
                message|re: 'closed by [0-9.]+(?: port (?<closing_port>\\d+))?'
            has_port:
                closing_port|exists: true
            condition: has_port
            """)
        #expect(RuleFixtures.evaluate(exists, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 port 51234 [preauth]").isMatched)
        #expect(!RuleFixtures.evaluate(exists, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 [preauth]").isMatched)
    }

    @Test("typed comparisons apply to captured fields")
    func typedOnCapture() throws {
        // A regex pulls a value out of free text; cidr and gte then compare it as an address and a number.
        let rule = try RuleFixtures.rule(detection: """
            _conn:
                message|re: 'from (?<peer>[0-9.]+) port (?<peer_port>\\d+)'
            outside:
                peer|cidr: '203.0.113.0/24'
                peer_port|gte: 40023
            condition: outside
            """)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
        // Port 40022 is below the bound.
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.failedPassword).isMatched)
        // 192.0.2.4 is outside the network.
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.accepted).isMatched)
    }

    @Test("neq and fieldref read captured fields too")
    func neqAndFieldrefOnCapture() throws {
        // sudo where the target user named in the message differs from the invoking one.
        let rule = try RuleFixtures.rule(detection: """
            _who:
                message|re: 'USER=(?<target>\\S+) ;'
            other_user:
                target|neq: root
            condition: other_user
            """)
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.sudoRoot).isMatched)
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:00:24 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=postgres ; COMMAND=/usr/bin/psql").isMatched)
        let fieldref = try RuleFixtures.rule(detection: """
            _who:
                message|re: 'USER=(?<target>\\S+) ;'
            self_sudo:
                target|fieldref: SUDO_USER
            condition: self_sudo
            """)
        #expect(!RuleFixtures.evaluate(fieldref, RuleFixtures.sudoRoot).isMatched)
        #expect(RuleFixtures.evaluate(fieldref, "Mar  7 10:00:24 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=alice ; COMMAND=/bin/ls").isMatched)
    }

    @Test("a capture from a decoded auditd value is read as decoded bytes")
    func captureFromDecodedValue() throws {
        // EXECVE arguments are hex in the line; the capture and its readers see the decoded URL.
        let rule = try RuleFixtures.rule(RuleFixtures.document(logsource: "{product: linux, service: auditd}", detection: """
            _download:
                a0: wget
                a1|re: '^https?://(?<download_host>[^/:]+)'
            external:
                download_host|cidr: '203.0.113.0/24'
            condition: external
            """))
        let result = RuleFixtures.evaluate(rule, ModifierTests.execveWget)
        #expect(result.isMatched)
        #expect(result.text("download_host") == "203.0.113.45")
        // http://192.0.2.45/x.sh
        let internalHost = "type=EXECVE msg=audit(1741341492.117:4401): argc=2 a0=\"wget\" a1=687474703A2F2F3139322E302E322E34352F782E7368"
        #expect(!RuleFixtures.evaluate(rule, internalHost).isMatched)
    }

    @Test("a name defined by two selections is read from the first one that matched")
    func twoCapturingSelections() throws {
        // Either grammar may supply the peer; the reader takes whichever matched.
        let rule = try RuleFixtures.rule(detection: """
            _closed:
                message|re: 'Connection closed by (?<peer>[0-9.]+)'
            _failed:
                message|re: 'from (?<peer>[0-9.]+) port'
            lab:
                peer|startswith: '198.51.100.'
            condition: lab
            """)
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 [preauth]").isMatched)
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 198.51.100.9 port 22 ssh2").isMatched)
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
    }

    @Test("a reader under `not` filters on the captured field")
    func readerUnderNot() throws {
        // "failures except from the lab", with the address taken by a regex.
        let rule = try RuleFixtures.rule(detection: """
            failure:
                message|re: '^Failed \\S+ for (?:invalid user )?\\S+ from (?<peer>[0-9.]+)'
            lab:
                peer|cidr: '203.0.113.0/24'
            condition: failure and not lab
            """)
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
        let outside = RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 198.51.100.9 port 22 ssh2")
        #expect(outside.isMatched)
        #expect(outside.text("peer") == "198.51.100.9")
    }

    @Test("a capture named like a parser field does not replace the parser's value")
    func parserFieldWins() throws {
        // `user` is sshd's field: a stray `(?<user>…)` elsewhere must not change what `user:` tests.
        let rule = try RuleFixtures.rule(detection: """
            _host:
                message|re: 'port (?<user>\\d+)'
            admin:
                user: admin
            condition: admin
            """)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.failedPassword).isMatched)
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
    }

    @Test("selections that read each other's captures are a load error naming the cycle")
    func captureCycle() {
        // Neither can run first; evaluating them would recurse forever.
        expectLoadError("""
            first:
                second_value|contains: 'x'
                message|re: '(?<first_value>\\S+)'
            second:
                first_value|contains: 'y'
                message|re: '(?<second_value>\\S+)'
            condition: first or second
            """, containing: ["cycle", "first", "second"])
    }

    @Test("a selection reading its own capture is a load error")
    func selfReference() {
        // The smallest cycle: the field has no value until the selection has matched (and evaluating
        // it from within itself would recurse forever).
        expectLoadError("""
            selection:
                message|re: 'for (?<account>\\S+) from'
                account|contains: root
            condition: selection
            """, containing: ["selection 'selection'", "'account'"])
    }

    @Test("a three-selection cycle is a load error")
    func longCycle() {
        // Cycles through several selections are found too.
        expectLoadError("""
            a:
                c_value|contains: 'x'
                message|re: '(?<a_value>\\S+)'
            b:
                a_value|contains: 'x'
                message|re: '(?<b_value>\\S+)'
            c:
                b_value|contains: 'x'
                message|re: '(?<c_value>\\S+)'
            condition: a
            """, containing: ["cycle"])
    }

    @Test("a misspelt captured field is an unknown field that suggests the capture")
    func misspeltCapture() {
        // `typed_nme` would otherwise be a field that never has a value.
        expectLoadError("""
            _typed:
                message|re: 'invalid user (?<typed_name>\\S+) from'
            password_like:
                typed_nme|re: '[0-9]'
            condition: password_like
            """, containing: ["unknown field 'typed_nme'", "did you mean 'typed_name'"])
    }

    @Test("captures of another rule are not fields of this one")
    func capturesAreRuleLocal() {
        // Each rule document is compiled alone: a capture name is only known inside its rule.
        let yaml = RuleFixtures.document(id: "capturer", detection: "_typed:\n    message|re: 'invalid user (?<typed_name>\\S+) from'\ncondition: _typed")
            + "\n---\n" + RuleFixtures.document(id: "reader", detection: "password_like:\n    typed_name|re: '[0-9]'\ncondition: password_like")
        let error = RuleFixtures.loadError(yaml)
        #expect(error?.rule == "reader")
        #expect(error?.message.contains("unknown field 'typed_name'") == true)
    }

    @Test("a capture check undoes a match found through a captured field")
    func checkWithCapturedField() throws {
        // The card is captured by one selection and checked; a Luhn-invalid one does not fire.
        let yaml = RuleFixtures.document(logsource: "{product: linux}", detection: """
            _card:
                message|re: 'card=(?<card_number>[0-9]{16})'
            visa:
                card_number|startswith: '4'
            condition: visa
            """, extra: "entities:\n    card_number: {type: secret, check: luhn}")
        let rule = try RuleFixtures.rule(yaml)
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:03:00 web01 payments[3100]: charge declined card=4111111111111111 amount=10.00").isMatched)
        let invalid = RuleFixtures.evaluate(rule, "Mar  7 10:03:00 web01 payments[3100]: charge declined card=4111111111111112 amount=10.00")
        #expect(invalid.outcome == .noMatch)
        #expect(invalid.captures.isEmpty)
    }
}
