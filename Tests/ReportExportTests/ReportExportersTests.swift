import ExposureReport
import Foundation
import ReportArchive
import ReportExport
import Testing

@Suite("exporter registry")
struct ReportExportersTests {
    @Test("markdown, text, json, jsonl, sarif, csv, timesketch and html, by name, each with its extension, media type and streaming flag")
    func registry() throws {
        #expect(ReportExporters.formatNames == ["markdown", "text", "json", "jsonl", "sarif", "csv", "timesketch", "html"])
        #expect(Set(ReportExporters.formatNames).count == ReportExporters.all.count)
        #expect(ReportExporters.named("sarif") is SARIFExporter)
        #expect(ReportExporters.named("jsonl") is JSONLinesExporter)
        #expect(ReportExporters.named("SARIF") == nil)
        #expect(ReportExporters.named("xml") == nil)
        #expect(ReportExporters.all.filter(\.isStreaming).map(\.formatName) == ["jsonl", "timesketch"])
        #expect(ReportExporters.all.map(\.fileExtension) == ["md", "txt", "json", "jsonl", "sarif", "csv", "jsonl", "html"])
        #expect(ReportExporters.named("sarif")?.mediaType == "application/sarif+json")
    }

    @Test("the protocol's export is the exporters' static API, byte for byte")
    func protocolMatchesStaticAPI() throws {
        let report = ReportFixtures.report
        let json = try JSONReportExporter().export(report)
        ReportArchive.keep(json, as: .report)
        #expect(json == (try JSONReportExporter.encode(report)))
        #expect(try TextSummaryExporter().export(report) == Data(TextSummaryExporter.render(report).utf8))
        #expect(try MarkdownReportExporter().export(report) == Data(MarkdownReportExporter.render(report).utf8))
        #expect(try TimelineCSVExporter().export(report) == Data(TimelineCSVExporter.render(report).utf8))
        #expect(try TimesketchExporter().export(report) == TimesketchExporter.render(report))
    }

    @Test("every exporter ends its output with a newline and is deterministic")
    func newlineAndDeterminism() throws {
        for exporter in ReportExporters.all {
            let data = try exporter.export(ReportFixtures.report)
            #expect(data.last == 0x0a, "\(exporter.formatName)")
            #expect(try exporter.export(ReportFixtures.report) == data, "\(exporter.formatName)")
        }
    }
}
