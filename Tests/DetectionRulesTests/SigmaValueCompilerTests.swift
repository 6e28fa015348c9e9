import DetectionRules
import Testing

/// Sigma value semantics (rule-format §3.5), checked through loaded rules and the evaluator.
@Suite("SigmaValueCompiler (through rules)")
struct SigmaValueCompilerTests {
    private func matches(_ detection: String, _ line: String) throws -> Bool {
        let rule = try RuleFixtures.rule(detection: detection)
        let result = RuleFixtures.evaluate(rule, line)
        #expect(result.outcome != .engineError(code: -47))
        return result.isMatched
    }

    @Test("a plain value is the whole field, compared case-insensitively")
    func plainWholeFieldCaseless() throws {
        // `program: SSHD` matches sshd; `program: ssh` does not (no implicit contains).
        let line = RuleFixtures.failedPassword
        #expect(try matches("selection:\n    program: SSHD\ncondition: selection", line))
        #expect(try !matches("selection:\n    program: ssh\ncondition: selection", line))
        #expect(try matches("selection:\n    host: WEB01\ncondition: selection", line))
        #expect(try !matches("selection:\n    message: failed password\ncondition: selection", line))
        #expect(try matches("selection:\n    message: 'FAILED PASSWORD for invalid user admin from 203.0.113.50 port 40022 ssh2'\ncondition: selection", line))
    }

    @Test("contains, startswith and endswith relax the anchors")
    func containsStartsEnds() throws {
        // Each modifier on the sshd message, in and out of place.
        let line = RuleFixtures.failedPassword
        #expect(try matches("selection:\n    message|contains: 'invalid USER'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|contains: 'publickey'\ncondition: selection", line))
        #expect(try matches("selection:\n    message|startswith: 'failed password'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|startswith: 'password'\ncondition: selection", line))
        #expect(try matches("selection:\n    message|endswith: 'SSH2'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|endswith: 'port 40022'\ncondition: selection", line))
    }

    @Test("wildcards: * is any run, ? one byte, \\* and \\? are literal")
    func wildcards() throws {
        // `*`/`?` are Sigma wildcards, not regex; the escaped forms match the characters themselves.
        let line = RuleFixtures.failedPassword
        #expect(try matches("selection:\n    message: 'failed * from 203.0.113.?? port *'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message: 'failed * from 203.0.113.? port *'\ncondition: selection", line))
        #expect(try matches("selection:\n    pid: '21?1'\ncondition: selection", line))
        let starLine = "Mar  7 10:00:21 web01 backup[77]: copied /srv/*.tar to tape"
        #expect(try matches("selection:\n    message|contains: '/srv/\\*.tar'\ncondition: selection", starLine))
        #expect(try !matches("selection:\n    message|contains: '/srv/\\*.tar'\ncondition: selection", "Mar  7 10:00:21 web01 backup[77]: copied /srv/db.tar to tape"))
        #expect(try matches("selection:\n    message|endswith: 'tape\\?'\ncondition: selection", starLine + "?"))
        #expect(try !matches("selection:\n    message|endswith: 'tape\\?'\ncondition: selection", starLine + "!"))
    }

    @Test("regex metacharacters in plain values are literal")
    func metacharactersAreLiteral() throws {
        // `(uid=0)` and `.` in a Sigma value must not become a group and any-byte.
        let line = "Mar  7 10:00:21 web01 CRON[3001]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
        #expect(try matches("selection:\n    message|contains: 'root(uid=0)'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|contains: 'pam.unix'\ncondition: selection", line))
    }

    @Test("a list of values is an OR")
    func valueListOr() throws {
        // Either authentication method suffices.
        let detection = "selection:\n    message|startswith:\n        - 'Accepted password'\n        - 'Accepted publickey'\ncondition: selection"
        #expect(try matches(detection, RuleFixtures.accepted))
        #expect(try !matches(detection, RuleFixtures.failedPassword))
    }

    @Test("|all makes a list of values an AND")
    func allModifier() throws {
        // Both words must be present; one alone is not enough.
        let detection = "selection:\n    message|contains|all:\n        - 'failed'\n        - 'invalid user'\ncondition: selection"
        #expect(try matches(detection, RuleFixtures.failedPassword))
        #expect(try !matches(detection, RuleFixtures.failedRoot))
    }

    @Test("keywords search the raw line, as a list or as '|all'")
    func keywords() throws {
        // Keywords see the header too (the host), not just the message.
        let list = "keywords:\n    - 'web01 sudo'\n    - 'COMMAND=/usr/bin/passwd'\ncondition: keywords"
        #expect(try matches(list, RuleFixtures.sudoRoot))
        #expect(try !matches(list, RuleFixtures.failedPassword))
        let all = "keywords:\n    '|all':\n        - 'USER=root'\n        - 'command=/bin/bash'\ncondition: keywords"
        #expect(try matches(all, RuleFixtures.sudoRoot))
        #expect(try !matches(all, RuleFixtures.sudoRoot.replacingOccurrences(of: "/bin/bash", with: "/usr/bin/id")))
        let single = "keywords: 'Failed password'\ncondition: keywords"
        #expect(try matches(single, RuleFixtures.failedPassword))
    }

    @Test("|re is case-sensitive and unanchored; |re|i ignores case")
    func regexCase() throws {
        // Sigma regexes are case-sensitive on purpose (SigmaHQ's wget `\s-O\s` rule).
        let line = RuleFixtures.failedPassword
        #expect(try matches("selection:\n    message|re: 'password for (invalid user )?\\w+'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|re: 'PASSWORD for'\ncondition: selection", line))
        #expect(try matches("selection:\n    message|re|i: 'PASSWORD for'\ncondition: selection", line))
        #expect(try !matches("selection:\n    program|re: '^ssh$'\ncondition: selection", line))
    }

    @Test("|re subject is the field alone: ^ and $ are the field's ends")
    func regexSubjectIsField() throws {
        // `^Failed` works on `message` because the header was split off.
        #expect(try matches("selection:\n    message|re: '^Failed .* ssh2$'\ncondition: selection", RuleFixtures.failedPassword))
        #expect(try !matches("selection:\n    raw|re: '^Failed'\ncondition: selection", RuleFixtures.failedPassword))
    }

    @Test("|cased makes a plain value case-sensitive")
    func cased() throws {
        // `CRON` vs `cron` are different programs on some distributions.
        let line = "Mar  7 10:00:21 web01 CRON[3001]: (root) CMD (run-parts /etc/cron.hourly)"
        #expect(try matches("selection:\n    program|cased: 'CRON'\ncondition: selection", line))
        #expect(try !matches("selection:\n    program|cased: 'cron'\ncondition: selection", line))
        #expect(try matches("selection:\n    message|contains|cased: 'CMD'\ncondition: selection", line))
        #expect(try !matches("selection:\n    message|contains|cased: 'cmd'\ncondition: selection", line))
    }

    @Test("null means the field is absent; '' means present and empty")
    func nullAndEmpty() throws {
        // The kernel line has no pid; an unrecognised line has no program either.
        let noPid = "selection:\n    pid: null\ncondition: selection"
        #expect(try matches(noPid, RuleFixtures.kernel))
        #expect(try !matches(noPid, RuleFixtures.failedPassword))
        let emptyMessage = "selection:\n    message: ''\ncondition: selection"
        #expect(try matches(emptyMessage, "Mar  7 10:00:21 web01 sshd[1]: "))
        #expect(try !matches(emptyMessage, RuleFixtures.failedPassword))
        #expect(try matches("selection:\n    program: ~\ncondition: selection", RuleFixtures.nginx))
    }

    @Test("|exists tests presence, true or false")
    func exists() throws {
        // `pid|exists: false` picks the kernel line; `true` the sshd line.
        let present = "selection:\n    pid|exists: true\ncondition: selection"
        let absent = "selection:\n    pid|exists: false\ncondition: selection"
        #expect(try matches(present, RuleFixtures.failedPassword))
        #expect(try !matches(present, RuleFixtures.kernel))
        #expect(try matches(absent, RuleFixtures.kernel))
        #expect(try !matches(absent, RuleFixtures.failedPassword))
    }

    @Test("an absent field never matches a pattern, not even '*'")
    func absentFieldAndWildcard() throws {
        // The nginx line has no program: `program: '*'` must not treat absent as empty.
        #expect(try !matches("selection:\n    program: '*'\ncondition: selection", RuleFixtures.nginx))
        #expect(try matches("selection:\n    program: '*'\ncondition: selection", RuleFixtures.kernel))
    }

    @Test("keys of one map are ANDed; a list of maps is ORed")
    func mapsAndListsOfMaps() throws {
        // The same sshd line against an AND that fails on host and an OR that passes on the second map.
        let and = "selection:\n    program: sshd\n    host: db01\ncondition: selection"
        #expect(try !matches(and, RuleFixtures.failedPassword))
        let or = "selection:\n    - program: sshd\n      host: db01\n    - program: sshd\n      host: web01\ncondition: selection"
        #expect(try matches(or, RuleFixtures.failedPassword))
    }

    @Test("invalid UTF-8 in a line is matched as bytes")
    func invalidUTF8Line() throws {
        // A Latin-1 user name must not let the line slip past a `contains` or a `|re`.
        let line = Array("Mar  7 10:00:21 web01 sshd[2101]: Invalid user ".utf8) + [0xff, 0xfe] + Array("P4ss from 203.0.113.9 port 40022".utf8)
        let contains = try RuleFixtures.rule(detection: "selection:\n    message|contains: 'Invalid user'\ncondition: selection")
        #expect(RuleFixtures.evaluate(contains, line).isMatched)
        let regex = try RuleFixtures.rule(detection: "selection:\n    message|re: '^Invalid user (?<user>\\S+) from'\ncondition: selection")
        let result = RuleFixtures.evaluate(regex, line)
        #expect(result.isMatched)
        #expect(result.captures["user"] == [0xff, 0xfe] + Array("P4ss".utf8))
    }
}
