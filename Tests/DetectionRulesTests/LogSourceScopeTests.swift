import DetectionRules
import RecordParsing
import Testing

@Suite("LogSourceScope")
struct LogSourceScopeTests {
    @Test("an sshd rule does not see a sudo line, and a sudo rule does not see sshd")
    func sshdVersusSudo() throws {
        // Both lines hold "root"; only the program decides which rule may look at them.
        let sshd = try RuleFixtures.rule(detection: "k: 'root'\ncondition: k", logsource: "{product: linux, service: sshd}")
        let sudo = try RuleFixtures.rule(detection: "k: 'root'\ncondition: k", logsource: "{product: linux, service: sudo}")
        #expect(RuleFixtures.admits(sshd, RuleFixtures.failedRoot))
        #expect(!RuleFixtures.admits(sshd, RuleFixtures.sudoRoot))
        #expect(RuleFixtures.admits(sudo, RuleFixtures.sudoRoot))
        #expect(!RuleFixtures.admits(sudo, RuleFixtures.failedRoot))
    }

    @Test("sshd covers OpenSSH 9.8's split processes and sftp")
    func sshdPrograms() throws {
        // sshd-session and sshd-auth log what sshd used to.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: "{product: linux, service: sshd}")
        for program in ["sshd", "sshd-session", "sshd-auth", "sftp-server", "internal-sftp"] {
            #expect(RuleFixtures.admits(rule, "Mar  7 10:00:21 web01 \(program)[1]: x"), "\(program)")
        }
        #expect(!RuleFixtures.admits(rule, "Mar  7 10:00:21 web01 SSHD[1]: x"))
        #expect(!RuleFixtures.admits(rule, "Mar  7 10:00:21 web01 sshdx[1]: x"))
    }

    @Test("a line without a program is outside every service scope")
    func noProgram() throws {
        // An nginx line has no syslog tag: a service-scoped rule must not guess.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: "{product: linux, service: sshd}")
        #expect(!RuleFixtures.admits(rule, RuleFixtures.nginx))
    }

    @Test("a product-only scope admits every line", arguments: ["{product: linux}"])
    func productScope(logsource: String) throws {
        // No service means "any Linux log", web access logs included.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: logsource)
        #expect(rule.scope.programs == nil)
        #expect(RuleFixtures.admits(rule, RuleFixtures.nginx))
        #expect(RuleFixtures.admits(rule, RuleFixtures.kernel))
    }

    @Test("auth and syslog scopes admit every syslog line but not web access logs", arguments: ["{product: linux, service: auth}", "{product: linux, service: syslog}", "{service: auth}"])
    func syslogScopes(logsource: String) throws {
        // Auth and system logs are syslog text (or journal entries); an access log is another source.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: logsource)
        #expect(rule.scope.programs == nil)
        #expect(!RuleFixtures.admits(rule, RuleFixtures.nginx))
        #expect(RuleFixtures.admits(rule, RuleFixtures.kernel))
    }

    @Test("vsftpd's scope admits its own log format, which names no program, and vsftpd syslog lines")
    func vsftpdScope() throws {
        // `Fri Jan 19 12:20:33 2007 [pid 27202] …` has no tag; `… vsftpd[1]: …` does.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: "{product: linux, service: vsftpd}")
        #expect(RuleFixtures.admits(rule, "Fri Jan 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client \"192.0.2.98\""))
        #expect(RuleFixtures.admits(rule, "Mar  7 10:00:21 web01 vsftpd[1]: x"))
        #expect(!RuleFixtures.admits(rule, "Mar  7 10:00:21 web01 sshd[1]: x"))
        #expect(!RuleFixtures.admits(rule, "2013-11-16 21:59:30,121 novo proftpd[25891] localhost (andy[192.0.2.4]): USER x: no such user found"))
    }

    @Test("the built-in map knows the documented services and refuses others", arguments: [
        ("{product: linux, service: cron}", ["cron", "CRON", "crond", "anacron"] as [String]?),
        ("{product: linux, service: su}", ["su"]),
        ("{product: linux, service: clamav}", ["clamd", "freshclam", "clamscan"]),
        ("{product: linux, service: guacamole}", ["guacd", "guacamole"]),
    ])
    func builtInMap(logsource: String, programs: [String]?) throws {
        // rule-format §3.4's table, program names as they appear in syslog tags.
        let rule = try RuleFixtures.rule(detection: "k: 'x'\ncondition: k", logsource: logsource)
        #expect(rule.scope.programs == LogSourceScope(programs: programs).programs)
        #expect(rule.scope.formats == [.syslogRFC3164, .syslogRFC3339, .syslogRFC5424, .journalJSON])
    }
}
