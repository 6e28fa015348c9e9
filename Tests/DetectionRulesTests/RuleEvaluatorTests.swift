import DetectionRules
import PatternMatching
import RecordParsing
import Testing

@Suite("RuleEvaluator")
struct RuleEvaluatorTests {
    /// Three selections over the sshd lines: failures, root, and a filter on the lab network.
    private static let selections = """
        failure:
            message|startswith: 'Failed password'
        root:
            message|contains: 'for root '
        _lab:
            message|contains: ' from 192.0.2.'
        accepted:
            message|startswith: 'Accepted'
        """

    private func outcomes(_ condition: String) throws -> [Bool] {
        let rule = try RuleFixtures.rule(detection: Self.selections + "\ncondition: \(condition)")
        let evaluator = RuleEvaluator()
        return [RuleFixtures.failedPassword, RuleFixtures.failedRoot, RuleFixtures.accepted, RuleFixtures.kernel].map {
            RuleFixtures.evaluate(rule, $0, evaluator: evaluator).isMatched
        }
    }

    @Test("conditions combine selections", arguments: [
        // Columns: failedPassword (admin), failedRoot, accepted (lab network), kernel.
        ("failure", [true, true, false, false]),
        ("failure and root", [false, true, false, false]),
        ("failure and not root", [true, false, false, false]),
        ("failure or accepted", [true, true, true, false]),
        ("not failure", [false, false, true, true]),
        ("(failure or accepted) and not _lab", [true, true, false, false]),
        ("accepted or failure and root", [false, true, true, false]),
        ("1 of fail* or 1 of acc*", [true, true, true, false]),
        ("all of them", [false, false, false, false]),
        ("1 of them", [true, true, true, false]),
        ("all of _lab", [false, false, true, false]),
    ])
    func conditions(condition: String, expected: [Bool]) throws {
        // One table over the same four lines: each row changes only the condition.
        #expect(try outcomes(condition) == expected)
    }

    @Test("a list of conditions is an OR of them")
    func conditionList() throws {
        // Sigma allows `condition: [a, b]`.
        let rule = try RuleFixtures.rule(detection: Self.selections + "\ncondition:\n    - failure and root\n    - accepted")
        #expect(!RuleFixtures.evaluate(rule, RuleFixtures.failedPassword).isMatched)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.accepted).isMatched)
    }

    @Test("`all of them` ignores _-prefixed selections when evaluating")
    func allOfThemSkipsHelpers() throws {
        // `_lab` never matches the root failure; `all of them` must still fire on it.
        let rule = try RuleFixtures.rule(detection: """
            failure:
                message|startswith: 'Failed password'
            root:
                message|contains: 'for root '
            _lab:
                message|contains: ' from 192.0.2.'
            condition: all of them
            """)
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.failedRoot).isMatched)
    }

    @Test("named groups of matching positive selections become captures")
    func captures() throws {
        // The sshd failure regex of rule-format §3.11, shortened.
        let rule = try RuleFixtures.rule(detection: """
            selection:
                message|re: '^Failed (?<auth_method>password|publickey) for (?:invalid user )?(?<user>\\S+) from (?<src_ip>[0-9.]+) port (?<src_port>\\d+)'
            condition: selection
            """)
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedPassword)
        #expect(result.isMatched)
        #expect(result.captureNames == ["auth_method", "user", "src_ip", "src_port"])
        #expect(result.text("user") == "admin")
        #expect(result.text("src_ip") == "203.0.113.50")
        #expect(result.text("src_port") == "40022")
    }

    @Test("capture ranges are offsets in the whole line, not in the field")
    func captureRangesAreLineOffsets() throws {
        // The finding quotes line bytes: a range relative to `message` would point into the header.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: 'for (?<user>\\S+) from'\ncondition: selection")
        let line = Array(RuleFixtures.failedRoot.utf8)
        let evaluator = RuleEvaluator()
        let outcome = line.withUnsafeBufferPointer { evaluator.evaluate(rule, line: $0, record: LogRecord.read($0)) }
        #expect(outcome == .matched)
        let capture = try #require(evaluator.captures.first)
        #expect(capture.name == "user")
        #expect(capture.range == 54..<58)
        #expect(String(decoding: line[try #require(capture.range)], as: UTF8.self) == "root")
    }

    @Test("an unset optional group is not a capture")
    func unsetGroupIsAbsent() throws {
        // No `port` in this line: the field is absent, not empty.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: 'closed by (?<src_ip>[0-9.]+)(?: port (?<src_port>\\d+))?'\ncondition: selection")
        let result = RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 [preauth]")
        #expect(result.isMatched)
        #expect(result.text("src_ip") == "198.51.100.7")
        #expect(result.captures["src_port"] == nil)
        #expect(result.captureNames == ["src_ip"])
    }

    @Test("captures from a selection under `not` are not reported")
    func negatedCapturesDropped() throws {
        // The filter captures `user` on the line, but it only appears negated.
        let rule = try RuleFixtures.rule(detection: """
            selection:
                message|re: 'from (?<src_ip>[0-9.]+)'
            filter:
                message|re: 'for (?<user>deploy) from'
            condition: selection and not filter
            """)
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedPassword)
        #expect(result.isMatched)
        #expect(result.captureNames == ["src_ip"])
        // And on a line where the filter does match, the rule does not fire at all.
        #expect(!RuleFixtures.evaluate(rule, "Mar  7 10:00:21 web01 sshd[9]: Failed password for deploy from 192.0.2.4 port 1 ssh2").isMatched)
    }

    @Test("captures from a double negation are reported")
    func doubleNegationIsPositive() throws {
        // `not not x` is positive again (an even number of nots).
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: 'for (?<user>\\S+) from'\ncondition: not not selection")
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedRoot)
        #expect(result.isMatched)
        #expect(result.text("user") == "root")
    }

    @Test("the first value of a capture name wins, in selection order")
    func firstCaptureWins() throws {
        // Two selections both capture `user`; the one written first is kept.
        let rule = try RuleFixtures.rule(detection: """
            first:
                message|re: 'invalid user (?<user>\\S+)'
            second:
                message|re: 'for (?<user>\\S+)'
            condition: second and first
            """)
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedPassword)
        #expect(result.isMatched)
        #expect(result.captureNames == ["user"])
        #expect(result.text("user") == "admin")
    }

    @Test("captures of a positive selection skipped by `or` short-circuit are still collected")
    func capturesAfterShortCircuit() throws {
        // `a or b` stops at a; b also matched the line and appears positively, so its fields count.
        let rule = try RuleFixtures.rule(detection: """
            a:
                message|startswith: 'Failed'
            b:
                message|re: 'from (?<src_ip>[0-9.]+)'
            condition: a or b
            """)
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedPassword)
        #expect(result.isMatched)
        #expect(result.text("src_ip") == "203.0.113.50")
    }

    @Test("captures come only from the map that matched in a list of maps")
    func capturesFromMatchingMapOnly() throws {
        // Map 1 captures `user` from the message but fails on host; map 2 matches without captures.
        let rule = try RuleFixtures.rule(detection: """
            selection:
                - message|re: 'for (?:invalid user )?(?<user>\\S+) from'
                  host: db01
                - program: sshd
            condition: selection
            """)
        let result = RuleFixtures.evaluate(rule, RuleFixtures.failedPassword)
        #expect(result.isMatched)
        #expect(result.captures["user"] == nil)
    }

    @Test("no captures are left over from an earlier evaluation")
    func capturesReset() throws {
        // One evaluator per worker: a miss after a hit must not show the hit's fields.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: 'for (?<user>\\S+) from'\ncondition: selection")
        let evaluator = RuleEvaluator()
        #expect(RuleFixtures.evaluate(rule, RuleFixtures.failedRoot, evaluator: evaluator).isMatched)
        let miss = RuleFixtures.evaluate(rule, RuleFixtures.kernel, evaluator: evaluator)
        #expect(!miss.isMatched)
        #expect(evaluator.captures.isEmpty)
    }

    @Test("one evaluator runs rules with different numbers of selections")
    func evaluatorReusedAcrossRules() throws {
        // Its per-selection buffers grow and are reset between rules.
        let small = try RuleFixtures.rule(detection: "a:\n    program: sshd\ncondition: a")
        let large = try RuleFixtures.rule(detection: "a:\n    program: sudo\nb:\n    host: web01\nc:\n    message|contains: 'USER=root'\ncondition: all of them")
        let evaluator = RuleEvaluator()
        #expect(RuleFixtures.evaluate(small, RuleFixtures.failedRoot, evaluator: evaluator).isMatched)
        #expect(RuleFixtures.evaluate(large, RuleFixtures.sudoRoot, evaluator: evaluator).isMatched)
        #expect(!RuleFixtures.evaluate(large, RuleFixtures.failedRoot, evaluator: evaluator).isMatched)
        #expect(RuleFixtures.evaluate(small, RuleFixtures.failedRoot, evaluator: evaluator).isMatched)
    }

    @Test("a match-limit error is .engineError, never a miss")
    func engineError() throws {
        // A catastrophic regex on a hostile line: the scanner must count the error, not drop the line.
        let rule = try RuleFixtures.rule(detection: "selection:\n    message|re: '(a+)+$'\ncondition: selection")
        var limits = MatchLimits()
        limits.matchLimit = 10_000
        let line = "Mar  7 10:00:21 web01 sshd[1]: " + String(repeating: "a", count: 40) + "!"
        let result = RuleFixtures.evaluate(rule, line, evaluator: RuleEvaluator(limits: limits))
        #expect(result.outcome == .engineError(code: -47))
    }

    @Test("an engine error under `not` is still an engine error")
    func engineErrorUnderNot() throws {
        // `not x` with x failing must not turn into a match (that would be an evasion lever).
        let rule = try RuleFixtures.rule(detection: "selection:\n    program: sshd\nfilter:\n    message|re: '(a+)+$'\ncondition: selection and not filter")
        var limits = MatchLimits()
        limits.matchLimit = 10_000
        let line = "Mar  7 10:00:21 web01 sshd[1]: " + String(repeating: "a", count: 40) + "!"
        #expect(RuleFixtures.evaluate(rule, line, evaluator: RuleEvaluator(limits: limits)).outcome == .engineError(code: -47))
    }
}
