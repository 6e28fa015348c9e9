import DetectionRules
import ExposureReport
import Foundation
import ReportArchive
import ReportExport
import Scanning
import Testing

/// Binary logs through the whole scan: detection in the pipeline, rules on rendered lines, findings
/// that point at the record in the stored file.
@Suite("Binary logs in a scan")
struct BinaryScanTests {
    static let rulesYAML = """
    title: svc-backup logged in (wtmp)
    id: 6a1e0c2e-5b7d-4f0e-9a61-000000000001
    logsource: {product: linux, service: wtmp}
    detection:
        selection:
            program: wtmp
            user: svc-backup
            type: USER_PROCESS
        condition: selection
    level: medium
    ---
    title: Failed login recorded in btmp
    id: 6a1e0c2e-5b7d-4f0e-9a61-000000000002
    logsource: {product: linux, service: login}
    detection:
        selection:
            program: btmp
            src_ip|startswith: '2001:db8:'
        condition: selection
    level: low
    ---
    title: SSH password login accepted
    id: 6a1e0c2e-5b7d-4f0e-9a61-000000000003
    logsource: {product: linux, service: sshd}
    detection:
        selection:
            message|startswith: 'Accepted password for '
            user: svc-backup
        condition: selection
    level: medium
    """

    func scan(_ root: String, jobs: Int, test: String = #function) throws -> ScanReport {
        let loaded = try RuleLoader().loadDocuments(Self.rulesYAML, path: "binary-rules.yml")
        let rules = try RuleSet(rules: loaded, files: ["binary-rules.yml"], sha256: "test")
        var configuration = ScanConfiguration(evidencePaths: [root], jobs: jobs, redactionKey: Array("test-key".utf8))
        configuration.isRedacting = false
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        let report = ReportAssembly.report(outcome: outcome, rules: rules, configuration: configuration,
                                           run: RunInfo(argv: [], start: "fixed", durationSeconds: 0, jobs: 0))
        ReportArchive.keep(report, test: test)
        return report
    }

    @Test("wtmp, btmp, lastlog and a journal file: findings point at path, record number and record offset")
    func findingsLocateRecords() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Two copies of the story: the login is then records 2 and 6.
        try folder.write("var/log/wtmp", LoginStory.wtmp + LoginStory.wtmp)
        try folder.write("var/log/btmp.1", LoginStory.btmp)
        try folder.write("var/log/lastlog", LoginStory.lastlog)
        try folder.write("var/log/journal/0f1e2d3c/system.journal", try JournalFixture.bytes())
        try folder.write("var/log/auth.log", text("Mar  7 10:31:07 web01 sshd[327050]: Accepted password for svc-backup from 203.0.113.77 port 50022 ssh2\n"))
        let report = try scan(folder.url.path, jobs: 2)

        let wtmpFindings = report.findings.filter { $0.rule.title.hasSuffix("(wtmp)") }
        #expect(wtmpFindings.count == 2)
        for (finding, recordNumber) in zip(wtmpFindings, [2, 6]) {
            let location = try #require(finding.evidence.first)
            #expect(location.path == folder.url.path + "/var/log/wtmp")
            #expect(location.line == recordNumber)
            #expect(location.offset == Int64(384 * (recordNumber - 1)))
            #expect(location.text?.hasPrefix("<38>1 2025-03-07T10:31:07.123456Z - wtmp 327050 - - type=USER_PROCESS user=svc-backup ") == true)
            #expect(finding.fields["program"] == "wtmp")
            #expect(finding.time?.utc?.hasPrefix("2025-03-07T10:31:07.123456") == true)
        }

        let btmp = try #require(report.findings.first { $0.rule.title.hasSuffix("btmp") })
        #expect(btmp.evidence[0].path.hasSuffix("var/log/btmp.1"))
        #expect(btmp.evidence[0].line == 1 && btmp.evidence[0].offset == 0)

        let accepted = report.findings.filter { $0.rule.title == "SSH password login accepted" }
        #expect(accepted.count == 2)
        let fromJournal = try #require(accepted.first { $0.evidence[0].path.hasSuffix("system.journal") })
        #expect(fromJournal.evidence[0].line == 3)
        #expect(fromJournal.evidence[0].offset > 0)
        let bytes = try JournalFixture.bytes()
        #expect(bytes[Int(fromJournal.evidence[0].offset)] == 3, "the offset is an entry object's")
        #expect(fromJournal.fields["host"] == "web01")
        #expect(fromJournal.time?.utc?.hasPrefix("2025-03-07T10:31:07.123456") == true)

        let wtmpEntry = try #require(report.evidence.first { $0.path.hasSuffix("var/log/wtmp") })
        #expect(wtmpEntry.status == .ok)
        #expect(wtmpEntry.lines == 8)
        #expect(wtmpEntry.compression == "none")
        #expect(wtmpEntry.bytes == 8 * 384)
        #expect(wtmpEntry.sha256?.count == 64)
        #expect(wtmpEntry.formats["syslog-rfc5424"] == 8)
        #expect(wtmpEntry.warnings.contains { $0.contains("wtmp login records (struct utmp)") })
        let lastlog = try #require(report.evidence.first { $0.path.hasSuffix("var/log/lastlog") })
        #expect(lastlog.lines == 2)
        let journal = try #require(report.evidence.first { $0.path.hasSuffix("system.journal") })
        #expect(journal.status == .ok && journal.lines == 11)
        #expect(journal.formats["journal-json"] == 11)
        #expect(report.summary.isComplete)
    }

    @Test("a truncated journal is partial and keeps the findings before the cut; one and many workers agree")
    func truncatedJournalInScan() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = try JournalFixture.bytes()
        try folder.write("journal/system@cut.journal~", Array(bytes.prefix(46_000)))
        try folder.write("var/log/wtmp", LoginStory.wtmp)
        let single = try scan(folder.url.path, jobs: 1)
        let many = try scan(folder.url.path, jobs: 4)
        #expect(try JSONReportExporter.encode(single) == JSONReportExporter.encode(many))
        let entry = try #require(single.evidence.first { $0.path.hasSuffix("system@cut.journal~") })
        #expect(entry.status == .partial)
        #expect(entry.error?.contains("cut short") == true)
        #expect(entry.sha256?.count == 64 && entry.bytes == 46_000)
        #expect(single.findings.contains { $0.evidence[0].path.hasSuffix("system@cut.journal~") && $0.evidence[0].line == 3 })
        #expect(single.summary.isComplete == false)
    }
}
