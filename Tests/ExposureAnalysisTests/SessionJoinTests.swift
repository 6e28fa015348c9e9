import ExposureReport
import Foundation
import Scanning
import Testing

/// How sshd, PAM, logind, sudo and sftp-server lines join into sessions, on hand-made auth logs.
@Suite("Session joins")
struct SessionJoinTests {
    static func scan(_ text: String, file: String = "auth.log", configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanReport {
        let folder = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(text.utf8).write(to: folder.appendingPathComponent(file))
        return ExposureFixtures.report([folder.path]) { configuration in
            configuration.referenceDate = .init(year: 2025, month: 12, day: 31)
            configure(&configuration)
        }
    }

    @Test("two interleaved sessions of one user from two addresses keep their own commands and transfers")
    func interleaved() throws {
        let report = try Self.scan("""
            Apr  2 09:00:00 h1 sshd[100]: Accepted publickey for ann from 192.0.2.10 port 50000 ssh2: ED25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
            Apr  2 09:00:00 h1 sshd[100]: pam_unix(sshd:session): session opened for user ann(uid=1000) by (uid=0)
            Apr  2 09:00:00 h1 systemd-logind[500]: New session 7 of user ann.
            Apr  2 09:00:30 h1 sudo:      ann : TTY=pts/0 ; PWD=/home/ann ; USER=root ; COMMAND=/usr/bin/id
            Apr  2 09:01:00 h1 sshd[200]: Accepted password for ann from 198.51.100.20 port 40000 ssh2
            Apr  2 09:01:00 h1 sshd[200]: pam_unix(sshd:session): session opened for user ann(uid=1000) by (uid=0)
            Apr  2 09:01:00 h1 systemd-logind[500]: New session 8 of user ann.
            Apr  2 09:01:01 h1 sshd[200]: subsystem request for sftp by user ann
            Apr  2 09:01:01 h1 sftp-server[201]: session opened for local user ann from [198.51.100.20]
            Apr  2 09:01:05 h1 sftp-server[201]: open "/srv/a.csv" flags READ mode 0666
            Apr  2 09:01:09 h1 sftp-server[201]: close "/srv/a.csv" bytes read 1000 written 0
            Apr  2 09:01:10 h1 sftp-server[201]: session closed for local user ann from [198.51.100.20]
            Apr  2 09:01:11 h1 sshd[200]: pam_unix(sshd:session): session closed for user ann
            Apr  2 09:01:11 h1 systemd-logind[500]: Removed session 8.
            Apr  2 09:02:00 h1 sudo:      ann : TTY=pts/0 ; PWD=/home/ann ; USER=root ; COMMAND=/usr/bin/whoami
            Apr  2 09:03:00 h1 sshd[100]: Disconnected from user ann 192.0.2.10 port 50000
            Apr  2 09:03:00 h1 sshd[100]: pam_unix(sshd:session): session closed for user ann
            Apr  2 09:03:00 h1 systemd-logind[500]: Removed session 7.

            """)
        #expect(report.sessions.map(\.id) == ["h1:sshd-100", "h1:sshd-200"])
        let first = report.sessions[0]
        let second = report.sessions[1]
        #expect(first.logindSession == "7" && second.logindSession == "8")
        #expect(first.keyFingerprint == "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" && first.authMethod == "publickey")
        // 09:00:30 went to the only session; 09:02:00 to the one still open.
        #expect(first.commands.map(\.command) == ["/usr/bin/id", "/usr/bin/whoami"])
        #expect(second.commands.isEmpty)
        #expect(second.files.map(\.path) == ["/srv/a.csv", "/srv/a.csv"] && second.bytesRead == 1000 && first.files.isEmpty)
        #expect(first.start == "2025-04-02T09:00:00Z" && first.end == "2025-04-02T09:03:00Z" && first.durationSeconds == 180)
        #expect(second.end == "2025-04-02T09:01:11Z")
        #expect(!first.isMalicious && !second.isMalicious)
    }

    @Test("a session whose Accepted line is missing starts at its PAM line; one never closed has no end")
    func partialSessions() throws {
        let report = try Self.scan("""
            Apr  2 09:00:00 h1 sshd[300]: pam_unix(sshd:session): session opened for user bo(uid=1001) by (uid=0)
            Apr  2 09:00:10 h1 sudo:       bo : TTY=pts/1 ; PWD=/home/bo ; USER=root ; COMMAND=/bin/ls
            Apr  2 09:05:00 h1 sshd[400]: Accepted password for cy from 192.0.2.30 port 50300 ssh2

            """)
        let bo = try #require(report.sessions.first { $0.user == "bo" })
        #expect(bo.start == "2025-04-02T09:00:00Z" && bo.authMethod == nil && bo.commands.count == 1)
        let cy = try #require(report.sessions.first { $0.user == "cy" })
        #expect(cy.end == nil && cy.durationSeconds == nil)
    }

    @Test("password guessing then a login makes the source an attacker and the account compromised; the host is `possible` without data evidence")
    func guessingThenLogin() throws {
        var text = ""
        for second in 0..<12 {
            text += "Apr  2 10:00:\(second < 10 ? "0" : "")\(second) h2 sshd[\(600 + second)]: Failed password for dan from 203.0.113.9 port \(41000 + second) ssh2\n"
        }
        text += """
            Apr  2 10:00:20 h2 sshd[700]: Accepted password for dan from 203.0.113.9 port 41100 ssh2
            Apr  2 10:00:20 h2 sshd[700]: pam_unix(sshd:session): session opened for user dan(uid=1002) by (uid=0)
            Apr  2 10:05:00 h2 sshd[700]: pam_unix(sshd:session): session closed for user dan

            """
        let report = try Self.scan(text)
        let source = try #require(report.entities.sources.first { $0.address == "203.0.113.9" })
        #expect(source.isAttacker && source.failedLogins == 12 && source.usersTried == ["dan"])
        let account = try #require(report.entities.accounts.first { $0.name == "dan" })
        #expect(account.roles == ["compromised", "targeted"] && account.failedLogins == 12)
        let host = try #require(report.exposure.verdicts.first { $0.subject.kind == "host" && $0.subject.name == "h2" })
        #expect(host.verdict == "possible")
        #expect(host.window == TimeRange(first: "2025-04-02T10:00:20Z", last: "2025-04-02T10:05:00Z"))
        #expect(host.counterEvidence.contains { $0.contains("no record of files read") })
    }

    @Test("nine failures then a login is not guessing: below the threshold, the source stays unclassified")
    func belowThreshold() throws {
        var text = ""
        for second in 0..<9 {
            text += "Apr  2 10:00:0\(second) h2 sshd[\(600 + second)]: Failed password for dan from 203.0.113.9 port \(41000 + second) ssh2\n"
        }
        text += "Apr  2 10:00:20 h2 sshd[700]: Accepted password for dan from 203.0.113.9 port 41100 ssh2\n"
        let report = try Self.scan(text)
        #expect(report.entities.sources.first { $0.address == "203.0.113.9" }?.isAttacker == false)
        #expect(report.exposure.verdicts.allSatisfy { $0.verdict == "no-evidence" })
    }

    @Test("--host keeps that host's findings, sessions and coverage only")
    func hostFilter() throws {
        let text = """
            Apr  2 09:00:00 h1 sshd[100]: Accepted password for ann from 192.0.2.10 port 50000 ssh2
            Apr  2 09:00:00 h2 sshd[100]: Accepted password for ann from 192.0.2.10 port 50000 ssh2

            """
        let report = try Self.scan(text) { $0.hosts = ["h2"] }
        #expect(report.sessions.map(\.host) == ["h2"])
        #expect(report.coverage.map(\.host) == ["h2"])
        #expect(report.findings.allSatisfy { $0.fields["host"] == "h2" })
        #expect(report.summary.warnings.contains { $0.contains("findings filtered: host in h2") })
    }

    @Test("auditd EXECVE records join the session whose logind number is their ses")
    func auditCommands() throws {
        let folder = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("""
            Apr  2 09:00:00 h3 sshd[900]: Accepted password for eve from 192.0.2.50 port 50900 ssh2
            Apr  2 09:00:00 h3 sshd[900]: pam_unix(sshd:session): session opened for user eve(uid=1005) by (uid=0)
            Apr  2 09:00:00 h3 systemd-logind[500]: New session 12 of user eve.
            Apr  2 09:05:00 h3 sshd[900]: pam_unix(sshd:session): session closed for user eve

            """.utf8).write(to: folder.appendingPathComponent("auth.log"))
        try Data("""
            type=SYSCALL msg=audit(1743584430.100:77): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=901 pid=902 auid=1005 uid=1005 gid=1005 euid=1005 ses=12 comm="curl" exe="/usr/bin/curl" key="exec"
            type=EXECVE msg=audit(1743584430.100:77): argc=3 a0="curl" a1="-o" a2="/tmp/x"
            type=SYSCALL msg=audit(1743584431.100:78): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=1 pid=903 auid=4294967295 uid=0 gid=0 euid=0 ses=4294967295 comm="cron" exe="/usr/sbin/cron" key="exec"
            type=EXECVE msg=audit(1743584431.100:78): argc=1 a0="cron"

            """.utf8).write(to: folder.appendingPathComponent("audit.log"))
        let report = ExposureFixtures.report([folder.path]) { $0.referenceDate = .init(year: 2025, month: 12, day: 31) }
        let session = try #require(report.sessions.first { $0.user == "eve" })
        #expect(session.logindSession == "12")
        #expect(session.commands.map(\.command) == ["curl -o /tmp/x"])
        #expect(session.commands.first?.via == "auditd")
        #expect(session.commands.first?.time == "2025-04-02T09:00:30.100000Z")
    }
}
