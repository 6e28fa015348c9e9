import ExposureReport
import Foundation
import ReportArchive
import ReportExport
import Testing

@Suite("exporter registry")
struct ReportExportersTests {
    @Test("text, json, jsonl and sarif, by name, each with its extension, media type and streaming flag")
    func registry() throws {
        #expect(ReportExporters.formatNames == ["text", "json", "jsonl", "sarif"])
        #expect(Set(ReportExporters.formatNames).count == ReportExporters.all.count)
        #expect(ReportExporters.named("sarif") is SARIFExporter)
        #expect(ReportExporters.named("jsonl") is JSONLinesExporter)
        #expect(ReportExporters.named("SARIF") == nil)
        #expect(ReportExporters.named("xml") == nil)
        #expect(ReportExporters.all.filter(\.isStreaming).map(\.formatName) == ["jsonl"])
        #expect(ReportExporters.all.map(\.fileExtension) == ["txt", "json", "jsonl", "sarif"])
        #expect(ReportExporters.named("sarif")?.mediaType == "application/sarif+json")
    }

    @Test("the protocol's export is the exporters' static API, byte for byte")
    func protocolMatchesStaticAPI() throws {
        let report = ReportFixtures.report
        let json = try JSONReportExporter().export(report)
        ReportArchive.keep(json, as: .report)
        #expect(json == (try JSONReportExporter.encode(report)))
        #expect(try TextSummaryExporter().export(report) == Data(TextSummaryExporter.render(report).utf8))
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
