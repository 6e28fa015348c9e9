import ExposureReport
import Foundation
import ReportExport
import Testing

@Suite("JSON Lines exporter")
struct JSONLinesExporterTests {
    private func lines(_ report: ScanReport = ReportFixtures.report) throws -> [Data] {
        let data = try JSONLinesExporter().export(report)
        #expect(data.last == 0x0a)
        return data.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    @Test("findings + 2 lines, each one compact JSON object: begin, the findings as in the report, summary")
    func shape() throws {
        let report = ReportFixtures.report
        let lines = try lines(report)
        #expect(lines.count == report.findings.count + 2)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: $0) as? [String: Any]) }
        #expect(objects.map { $0["type"] as? String } == ["begin"] + Array(repeating: "finding", count: report.findings.count) + ["summary"])
        #expect(objects[0]["schema"] as? String == "spoor.report/v1")
        #expect(objects[0]["evidence_files"] as? Int == 2)
        #expect((objects[0]["tool"] as? [String: Any])?["version"] as? String == "0.0.0-test")
        #expect(objects[0]["run"] == nil, "the run object stays out: the output is deterministic")
        struct FindingLine: Decodable { var finding: Finding }
        struct SummaryLine: Decodable { var evidence: [EvidenceEntry]; var rules: RuleSetSummary; var summary: ScanSummary }
        #expect(try lines.dropFirst().dropLast().map { try JSONDecoder().decode(FindingLine.self, from: $0).finding } == report.findings)
        let summary = try JSONDecoder().decode(SummaryLine.self, from: try #require(lines.last))
        #expect(summary.evidence == report.evidence)
        #expect(summary.rules == report.rules)
        #expect(summary.summary == report.summary)
    }

    @Test("keys sorted, no pretty printing, and an empty report is two lines")
    func compactAndSorted() throws {
        let first = String(decoding: try #require(try lines().first), as: UTF8.self)
        #expect(first == #"{"evidence_files":2,"schema":"spoor.report/v1","tool":{"name":"spoor","version":"0.0.0-test"},"type":"begin"}"#)
        var empty = ReportFixtures.report
        empty.findings = []
        #expect(try lines(empty).count == 2)
    }
}
