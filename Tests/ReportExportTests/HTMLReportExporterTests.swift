import Crypto
import ExposureReport
import Foundation
import ReportExport
import Testing

/// The HTML page (`--format html`, `spoor render`): what it embeds is the report's, numbers and all;
/// hostile evidence stays text; it is deterministic, self-contained and capped for huge scans.
/// `scripts/test-html` checks the same page as drawn by headless Chromium.
@Suite("HTML report")
struct HTMLReportExporterTests {
    /// The golden report of `samples/var/log` (samples/expected/report.json), its volatile run values
    /// made readable again.
    static func samplesReport() throws -> ScanReport {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/expected/report.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["run"] = ["argv": ["spoor", "scan", "samples/var/log", "--jobs", "2", "--findings-cap", "20"], "start": "2025-03-08T00:00:00Z",
                         "duration_seconds": 1.5, "jobs": 2]
        return try JSONDecoder().decode(ScanReport.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// The JSON the page embeds, parsed back.
    static func embedded(_ html: String) throws -> [String: Any] {
        let open = #"<script type="application/json" id="spoor-data">"#
        let start = try #require(html.range(of: open)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        return try #require(try JSONSerialization.jsonObject(with: Data(html[start..<end].utf8)) as? [String: Any])
    }

    static func table(_ page: [String: Any], _ id: String) throws -> [String: Any] {
        let tables = try #require(page["tables"] as? [[String: Any]])
        return try #require(tables.first { $0["id"] as? String == id })
    }

    static func rows(_ table: [String: Any]) -> [[Any]] { table["rows"] as? [[Any]] ?? [] }

    static func column(_ table: [String: Any], _ key: String) throws -> Int {
        let columns = try #require(table["columns"] as? [[String: Any]])
        return try #require(columns.firstIndex { $0["key"] as? String == key })
    }

    static func sum(_ table: [String: Any], _ key: String) throws -> Int64 {
        let index = try column(table, key)
        return rows(table).reduce(0) { $0 + (($1[index] as? NSNumber)?.int64Value ?? 0) }
    }

    @Test("the samples' page: every verdict as a card, every table, numbers equal to the JSON report's")
    func samplesPage() throws {
        let report = try Self.samplesReport()
        let html = try HTMLReportExporter.render(report)
        let page = try Self.embedded(html)

        let cards = try #require(page["cards"] as? [[String: Any]])
        #expect(cards.count == report.exposure.verdicts.count)
        #expect(cards.count == 9)
        for (card, verdict) in zip(cards, report.exposure.verdicts) {
            #expect(card["name"] as? String == verdict.subject.name)
            #expect(card["kind"] as? String == verdict.subject.kind)
            #expect(card["verdict"] as? String == verdict.verdict)
            #expect(card["confidence"] as? String == verdict.confidence)
            #expect((card["window"] as? [String: String])?["first"] == verdict.window?.first)
            #expect((card["bytesRead"] as? NSNumber)?.int64Value == verdict.data.bytesRead)
            let reasons = try #require(card["reasons"] as? [[String: Any]])
            #expect(reasons.map { $0["text"] as? String } == verdict.reasons.map(\.text))
            #expect(reasons.map { $0["findings"] as? [String] ?? [] } == verdict.reasons.map(\.findingIds))
        }
        #expect(report.exposure.verdicts.contains { $0.verdict == "confirmed" })

        // Every finding a verdict cites is a row of the findings table, under its anchor.
        let findings = try Self.table(page, "findings")
        #expect(findings["total"] as? Int == report.findings.count)
        #expect(Self.rows(findings).count == report.findings.count, "282 findings: under the cap, all shown")
        let anchors = Set(findings["anchors"] as? [String] ?? [])
        for id in report.exposure.verdicts.flatMap({ $0.reasons.flatMap(\.findingIds) }) {
            #expect(anchors.contains("f-\(id)"))
        }
        let cited = try Self.table(page, "cited")
        let citedLocations = Set(report.exposure.verdicts.flatMap { $0.reasons.flatMap(\.evidence) }.map { "\($0.path):\($0.line)" })
        #expect(Self.rows(cited).count == citedLocations.count)

        let rules = try Self.table(page, "rules")
        #expect(try Self.sum(rules, "matches") == Int64(report.rules.statistics.reduce(0) { $0 + $1.matches }))
        #expect(try Self.sum(rules, "kept") == Int64(report.findings.count))

        let accounts = try Self.table(page, "accounts")
        #expect(Self.rows(accounts).count == report.entities.accounts.count)
        #expect(try Self.sum(accounts, "failed") == Int64(report.entities.accounts.reduce(0) { $0 + $1.failedLogins }))

        let sources = try Self.table(page, "sources")
        #expect(Self.rows(sources).count == report.entities.sources.count)
        #expect(try Self.sum(sources, "failed") == Int64(report.entities.sources.reduce(0) { $0 + $1.failedLogins }))
        #expect(try Self.sum(sources, "successful") == Int64(report.entities.sources.reduce(0) { $0 + $1.successfulLogins }))
        #expect(try Self.sum(sources, "read") == report.entities.sources.reduce(0) { $0 + $1.bytesRead })

        let sessions = try Self.table(page, "sessions")
        #expect(Self.rows(sessions).count == report.sessions.count)
        #expect(try Self.sum(sessions, "read") == report.sessions.reduce(0) { $0 + $1.bytesRead })
        #expect(try Self.sum(sessions, "read") == 48_231_552)

        let sensitive = try Self.table(page, "sensitive")
        #expect(try Self.sum(sensitive, "count") == Int64(report.sensitiveData.reduce(0) { $0 + $1.count }))

        let evidence = try Self.table(page, "evidence")
        let hashColumn = try Self.column(evidence, "sha256")
        #expect(Self.rows(evidence).map { $0[hashColumn] as? String } == report.evidence.map(\.sha256))
        #expect(try Self.sum(evidence, "lines") == Int64(report.evidence.reduce(0) { $0 + $1.lines }))
        #expect(Self.rows(try Self.table(page, "timeline")).count == report.timeline.count)
        #expect(Self.rows(try Self.table(page, "coverage")).count == report.coverage.count)

        // The chart counts every finding once, per host, hour and tactic.
        let chart = try #require(page["chart"] as? [String: Any])
        let counts = try #require(chart["counts"] as? [[Int]])
        #expect(counts.reduce(0) { $0 + $1[3] } == chart["events"] as? Int)
        #expect((chart["events"] as? Int ?? 0) + (chart["untimed"] as? Int ?? 0) == report.findings.count)
        #expect(chart["hosts"] as? [String] == ["db01", "web01"])
        #expect((chart["tactics"] as? [String])?.first == "reconnaissance")

        let provenance = try #require(page["provenance"] as? [String: Any])
        #expect(provenance["ruleSetSHA256"] as? String == report.rules.sha256)
        #expect(provenance["commandLine"] as? String == "spoor scan samples/var/log --jobs 2 --findings-cap 20")
    }

    @Test("the samples' secrets never appear in clear (the report is redacted; the page adds nothing)")
    func noSecrets() throws {
        let html = try HTMLReportExporter.render(try Self.samplesReport())
        for secret in ["Winter2024!", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI\\/K7MDENG"] {
            #expect(!html.contains(secret), "\(secret)")
        }
        #expect(html.contains("[redacted secret length=20 hmac="))
    }

    @Test("a hostile evidence line stays text: it cannot close the data block or add markup")
    func hostileLine() throws {
        var report = ReportFixtures.report
        let hostile = #"Mar  7 10:00:21 web01 sshd[1]: Invalid user </script><script>alert(1)</script><img src=x onerror=alert(2)> & <!-- from 203.0.113.9"#
        report.findings[0].evidence[0].text = hostile
        report.findings[0].fields["user"] = "</script><b>x</b>"
        report.findings[0].rule.title = "<i>title</i> \u{2028} & \"quoted\""
        let html = try HTMLReportExporter.render(report)
        #expect(html.components(separatedBy: "</script>").count - 1 == 2, "only the page's own two script blocks close")
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
        #expect(!html.contains("<img"))
        #expect(!html.contains("<!--"))
        #expect(!html.contains("alert(1)</"))
        // …and the text comes back exactly.
        let page = try Self.embedded(html)
        let findings = try Self.table(page, "findings")
        let row = try #require(Self.rows(findings).first)
        #expect(row[try Self.column(findings, "text")] as? String == hostile)
        #expect(row[try Self.column(findings, "user")] as? String == "</script><b>x</b>")
        #expect(row[try Self.column(findings, "rule")] as? String == "<i>title</i> \u{2028} & \"quoted\"")
        // The script puts data into the page as text only.
        #expect(!html.contains("innerHTML"))
        #expect(!html.contains("insertAdjacentHTML"))
        #expect(!html.contains("document.write"))
    }

    @Test("self-contained: a CSP that allows only the page's own script and style, by hash; no external source")
    func selfContained() throws {
        let html = try HTMLReportExporter.render(try Self.samplesReport())
        let policy = try #require(html.range(of: #"content="default-src 'none'; script-src '"#))
        #expect(policy.lowerBound > html.startIndex)
        func inline(_ open: String, _ close: String) throws -> String {
            let start = try #require(html.range(of: open)).upperBound
            return String(html[start..<(try #require(html.range(of: close, range: start..<html.endIndex))).lowerBound])
        }
        let script = try inline("<script>", "</script>")
        let style = try inline("<style>", "</style>")
        func hash(_ text: String) -> String { "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() }
        #expect(html.contains("script-src '\(hash(script))'"))
        #expect(html.contains("style-src '\(hash(style))'"))
        for pattern in [#"src=""#, "src='", "@import", "url(http", #"href="http"#, "<link", "<iframe", "fetch(", "XMLHttpRequest"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
    }

    @Test("deterministic: the same report gives the same bytes, also after a JSON round trip")
    func deterministic() throws {
        let report = try Self.samplesReport()
        let html = try HTMLReportExporter().export(report)
        #expect(try HTMLReportExporter().export(report) == html)
        let again = try JSONDecoder().decode(ScanReport.self, from: JSONReportExporter.encode(report))
        #expect(try HTMLReportExporter().export(again) == html)
        #expect(html.last == 0x0a)
    }

    @Test("a huge report is capped per table with its counts and stays under 10 MB; cited findings are kept")
    func sizeCap() throws {
        var report = ReportFixtures.report
        let line = "Mar  7 10:00:21 web01 sshd[4242]: Failed password for invalid user admin from 198.51.100.7 port 4242 ssh2 " + String(repeating: "x", count: 3000)
        let template = report.findings[0]
        report.findings = (0..<60_000).map { index in
            var finding = template
            finding.id = String(repeating: "0", count: 16 - String(index, radix: 16).count) + String(index, radix: 16)
            finding.evidence = [EvidenceLocation(path: "var/log/auth.log", line: index + 1, offset: Int64(index) * 3100, text: line, bytes: nil, isTruncated: nil, isRedacted: nil)]
            finding.fields["host"] = "host\(index % 17)"
            finding.time?.utc = String(format: "2025-03-%02dT%02d:00:00Z", 1 + index % 28, index % 24)
            return finding
        }
        report.entities.sources = (0..<30_000).map { index in
            SourceEntity(address: "198.51.\(index / 256 % 256).\(index % 256)", isAttacker: false, reasons: [], failedLogins: index % 50, successfulLogins: 0,
                         usersTriedCount: 1, usersTried: ["root"], usersLoggedIn: [], hostsTouched: ["host1"], firstSeen: nil, lastSeen: nil,
                         bytesRead: 0, bytesWritten: 0, evidence: [])
        }
        let cited = report.findings[45_000].id
        report.exposure.verdicts = [ExposureVerdict(subject: VerdictSubject(kind: "host", name: "host1", host: "host1"), verdict: "possible", confidence: "low",
                                                    reasons: [VerdictReason(text: "a late finding", findingIds: [cited], evidence: [report.findings[45_000].evidence[0]])],
                                                    counterEvidence: [], window: nil, data: ExposedData())]
        let data = try HTMLReportExporter().export(report)
        #expect(data.count < 10_000_000, "\(data.count) bytes")
        let page = try Self.embedded(String(decoding: data, as: UTF8.self))
        let findings = try Self.table(page, "findings")
        #expect(findings["total"] as? Int == 60_000)
        #expect(Self.rows(findings).count == 2001, "2,000 rows and the one a verdict cites")
        #expect((findings["anchors"] as? [String])?.last == "f-\(cited)")
        let textColumn = try Self.column(findings, "text")
        let text = try #require(Self.rows(findings).first?[textColumn] as? String)
        #expect(text.count < 1100 && text.hasSuffix("more bytes in the JSON report]"))
        let sources = try Self.table(page, "sources")
        #expect(sources["total"] as? Int == 30_000)
        #expect(Self.rows(sources).count == 2000)
        let chart = try #require(page["chart"] as? [String: Any])
        #expect(chart["events"] as? Int == 60_000, "the chart counts every finding, not only the rows shown")
    }

    @Test("spoor render's reader: a saved report back, and errors that name the file and the place")
    func savedReport() throws {
        let report = ReportFixtures.report
        let json = try JSONReportExporter.encode(report)
        #expect(try SavedReport.decode(json, path: "r.json") == report)
        do {
            _ = try SavedReport.decode(Data("{\"schema\":".utf8), path: "r.json")
            Issue.record("a cut report was read")
        } catch {
            #expect(error.description.hasPrefix("r.json: not JSON"), "\(error.description)")
        }
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["schema"] = "spoor.report/v9"
        #expect(throws: SavedReport.ReadError(description: "r.json: schema \"spoor.report/v9\" is not spoor.report/v1, the one this spoor reads")) {
            try SavedReport.decode(JSONSerialization.data(withJSONObject: object), path: "r.json")
        }
        object["schema"] = "spoor.report/v1"
        var findings = try #require(object["findings"] as? [[String: Any]])
        var rule = try #require(findings[3]["rule"] as? [String: Any])
        rule["level"] = 3
        findings[3]["rule"] = rule
        object["findings"] = findings
        #expect(throws: SavedReport.ReadError(description: "r.json: at findings[3].rule.level: expected a string")) {
            try SavedReport.decode(JSONSerialization.data(withJSONObject: object), path: "r.json")
        }
    }
}
