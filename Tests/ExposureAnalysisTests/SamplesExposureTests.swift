import ExposureReport
import Foundation
import ReportExport
import Testing

/// The samples' story (samples/README.md), as the report must tell it: the compromised account, the
/// attacking address, the file and bytes taken, the exposure window, and evidence for every reason.
@Suite("Exposure report on samples/")
struct SamplesExposureTests {
    let report = ExposureFixtures.samplesReport

    @Test("web01 and svc-backup on web01 are confirmed: 48,231,552 bytes of hr.tgz read over sftp")
    func confirmedVerdicts() throws {
        let host = try #require(report.exposure.verdicts.first { $0.subject == VerdictSubject(kind: "host", name: "web01", host: "web01") })
        let account = try #require(report.exposure.verdicts.first { $0.subject == VerdictSubject(kind: "account", name: "svc-backup", host: "web01") })
        for verdict in [host, account] {
            #expect(verdict.verdict == "confirmed")
            #expect(verdict.confidence == "high")
            #expect(verdict.data.bytesRead == 48_231_552)
            #expect(verdict.data.paths.contains("/tmp/.cache/hr.tgz"))
            #expect(verdict.data.paths.contains("/srv/data/hr"))
            // From the first attacker login to the last logout.
            #expect(verdict.window == TimeRange(first: "2025-03-06T00:03:44Z", last: "2025-03-07T10:42:18Z"))
        }
        let transfer = try #require(account.reasons.first { $0.text.contains("48231552 bytes read over sftp") })
        #expect(transfer.evidence.map(\.line) == [939])
        #expect(transfer.evidence.first?.path.hasSuffix("samples/var/log/auth.log") == true)
    }

    @Test("db01 is reached by lateral movement (possible); the created account sysupdate is attacker-controlled; alice and bob have no evidence")
    func otherVerdicts() {
        func verdict(_ kind: String, _ name: String, _ host: String) -> String? {
            report.exposure.verdicts.first { $0.subject == VerdictSubject(kind: kind, name: name, host: host) }?.verdict
        }
        #expect(verdict("host", "db01", "db01") == "possible")
        #expect(verdict("account", "svc-backup", "db01") == "possible")
        #expect(verdict("account", "sysupdate", "web01") == "possible")
        #expect(verdict("account", "alice", "web01") == "no-evidence")
        #expect(verdict("account", "bob", "web01") == "no-evidence")
        #expect(!report.exposure.verdicts.contains { $0.verdict == "cannot-assess" })
    }

    @Test("203.0.113.77 is the one attacker source: it guessed passwords, then logged in as svc-backup")
    func attackerSource() throws {
        let attackers = report.entities.sources.filter(\.isAttacker)
        #expect(attackers.map(\.address) == ["203.0.113.77"])
        let source = try #require(attackers.first)
        #expect(source.usersLoggedIn == ["svc-backup"])
        #expect(source.failedLogins >= 47)
        #expect(source.usersTried.contains("root"))
        #expect(source.bytesRead == 48_231_552)
        #expect(source.reasons.first?.hasPrefix("guessed passwords") == true)
        let account = try #require(report.entities.accounts.first { $0.name == "svc-backup" && $0.host == "web01" })
        #expect(account.roles.contains("compromised") && account.roles.contains("privileged"))
        let created = try #require(report.entities.accounts.first { $0.name == "sysupdate" })
        #expect(created.roles == ["created", "privileged"])
    }

    @Test("the attacker's sessions are joined: login, logind session, sudo commands, sftp transfer, logout")
    func sessions() throws {
        let first = try #require(report.sessions.first { $0.id == "web01:sshd-310696" })
        #expect(first.isMalicious)
        #expect(first.user == "svc-backup" && first.source == "203.0.113.77" && first.sourcePort == "52687" && first.authMethod == "password")
        #expect(first.logindSession == "416")
        #expect(first.start == "2025-03-06T00:03:44Z" && first.end == "2025-03-06T00:22:22Z" && first.durationSeconds == 1118)
        #expect(first.commands.first?.command == "list")
        #expect(first.commands.contains { $0.command == "/usr/bin/tar czf /tmp/.cache/hr.tgz /srv/data/hr" && $0.runAs == "root" })
        let transfer = try #require(report.sessions.first { $0.id == "web01:sshd-327050" })
        #expect(transfer.logindSession == "423")
        #expect(transfer.files.map(\.operation) == ["open", "read"])
        #expect(transfer.bytesRead == 48_231_552)
        // Routine logins are sessions too, not malicious.
        #expect(report.sessions.contains { $0.user == "deploy" && !$0.isMalicious })
    }

    @Test("every verdict reason leads to evidence lines that are in the files, and to findings in the report")
    func reasonsLeadToEvidence() throws {
        let ids = Set(report.findings.map(\.id))
        #expect(ids.count == report.findings.count, "finding ids are unique")
        var cache: [String: [String]] = [:]
        for verdict in report.exposure.verdicts where verdict.verdict != "cannot-assess" {
            #expect(!verdict.reasons.isEmpty)
            for reason in verdict.reasons {
                for id in reason.findingIds { #expect(ids.contains(id), "\(id) is a finding of the report") }
                for location in reason.evidence {
                    let lines = try cache[location.path] ?? ExposureFixtures.lines(of: location.path)
                    cache[location.path] = lines
                    #expect(location.line >= 1 && location.line <= lines.count)
                    // Lines that held a secret are shown redacted: the rest is the line itself.
                    guard location.text?.contains("[redacted ") != true else { continue }
                    #expect(lines[location.line - 1] == location.text, "\(location.path):\(location.line)")
                }
            }
            if verdict.verdict != "no-evidence" {
                #expect(verdict.reasons.contains { !$0.evidence.isEmpty })
            }
        }
    }

    @Test("coverage: syslog's 10.7-hour hole on Mar 7 is a gap, explained by the truncate finding")
    func coverage() throws {
        let syslog = try #require(report.coverage.first { $0.host == "web01" && $0.source == "syslog" })
        #expect(syslog.gaps.count == 1)
        let gap = try #require(syslog.gaps.first)
        #expect(gap.from == "2025-03-07T00:00:00Z" && gap.to == "2025-03-07T10:41:00Z")
        #expect(gap.explanation?.contains("Log file emptied or deleted through sudo") == true)
        #expect(syslog.integrity.contains { $0.kind == "log-cleared" })
        let auth = try #require(report.coverage.first { $0.host == "web01" && $0.source == "auth.log" })
        #expect(auth.gaps.isEmpty)
        #expect(auth.files.count == 4)
    }

    @Test("the timeline is in time order and includes the transfer")
    func timeline() {
        let times = report.timeline.map(\.time)
        #expect(times == times.sorted())
        #expect(report.timeline.contains { $0.kind == "file-read" && $0.summary.contains("hr.tgz") })
        #expect(report.timeline.first { $0.kind == "login" }?.time == "2025-03-06T00:03:44Z")
    }

    @Test("secrets are counted by category with their places, and shown as markers")
    func sensitiveData() {
        #expect(report.sensitiveData.count >= 2)
        for entry in report.sensitiveData {
            #expect(entry.values.allSatisfy { $0.hasPrefix("[redacted ") })
            #expect(!entry.locations.isEmpty)
        }
    }

    @Test("the Markdown summary puts the verdicts first and names the account, the address, the file and the bytes")
    func markdown() throws {
        let text = MarkdownReportExporter.render(report)
        let verdicts = try #require(text.range(of: "## Verdicts"))
        let accounts = try #require(text.range(of: "## Accounts"))
        let timeline = try #require(text.range(of: "## Timeline"))
        let coverage = try #require(text.range(of: "## Coverage"))
        #expect(verdicts.lowerBound < accounts.lowerBound && accounts.lowerBound < timeline.lowerBound && timeline.lowerBound < coverage.lowerBound)
        for needle in ["svc-backup", "203.0.113.77", "/tmp/.cache/hr.tgz", "48231552", "**confirmed**", "2025-03-06T00:03:44Z → 2025-03-07T10:42:18Z"] {
            #expect(text.contains(needle), "\(needle)")
        }
    }

    @Test("the report is the same with one worker and with four")
    func deterministic() throws {
        var one = ExposureFixtures.report([ExposureFixtures.samples], jobs: 1)
        let four = ExposureFixtures.report([ExposureFixtures.samples], jobs: 4)
        // `run` says how the scan was made (its jobs); the rest must not depend on it.
        one.run = four.run
        #expect(try JSONReportExporter.encode(one) == JSONReportExporter.encode(four))
    }
}
