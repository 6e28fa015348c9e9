import ExposureReport
import Foundation
import ReportExport
import Scanning
import Testing

/// `ReportAssembly.assemble` makes the JSON in two parts (the findings while the analysis runs, then the
/// rest) and scrubs secrets from the bytes: the JSON must be exactly what encoding the finished report
/// gives, whatever the number of threads.
@Suite("The assembled report's JSON")
struct AssembledReportTests {
    static func assembled(_ paths: [String], jobs: Int, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> (AssembledReport, ScanReport) {
        let rules = ExposureFixtures.bundledRules
        var configuration = ScanConfiguration(evidencePaths: paths, jobs: jobs, redactionKey: Array("spoor-redaction:\(rules.sha256)".utf8))
        configuration.scanDate = 1_767_225_600
        configure(&configuration)
        let run = RunInfo(argv: ["spoor"], start: "2026-01-01T00:00:00Z", durationSeconds: 0, jobs: 1)
        var state = ScanPipeline(configuration: configuration, rules: rules).runState(progress: nil)
        let outcome = state.outcome(rules: rules, configuration: configuration)
        let assembled = try ReportAssembly.assemble(outcome: outcome, rules: rules, configuration: configuration, run: run)
        let report = ReportAssembly.report(outcome: outcome, rules: rules, configuration: configuration, run: run)
        return (assembled, report)
    }

    @Test("with secrets replaced: the same bytes as encoding the scrubbed report, with 1 and 2 threads")
    func samplesWithSecrets() throws {
        let (one, report) = try Self.assembled([ExposureFixtures.samples], jobs: 1)
        let (two, _) = try Self.assembled([ExposureFixtures.samples], jobs: 2)
        #expect(one.json == two.json)
        #expect(one.json == (try JSONReportExporter.encode(report)))
        #expect(one.json == (try one.report().encodedJSON()))
        #expect(one.report() == report)
        #expect(report.findings.count > 10)
        let text = String(decoding: one.json, as: UTF8.self)
        for secret in RedactionEverywhereTests.secrets { #expect(!text.contains(secret), "the JSON shows \(secret)") }
    }

    @Test("without redaction, and with no finding at all: the same bytes as encoding the report")
    func unredactedAndEmpty() throws {
        let (clear, clearReport) = try Self.assembled([ExposureFixtures.samples], jobs: 2) { $0.isRedacting = false }
        #expect(clear.json == (try JSONReportExporter.encode(clearReport)))
        #expect(String(decoding: clear.json, as: UTF8.self).contains("Winter2024!"))

        let folder = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("Jan  1 00:00:01 web01 CRON[1]: nothing to see\n".utf8).write(to: folder.appendingPathComponent("syslog"))
        let (empty, emptyReport) = try Self.assembled([folder.path], jobs: 2)
        #expect(emptyReport.findings.isEmpty)
        #expect(empty.json == (try JSONReportExporter.encode(emptyReport)))
    }

    @Test("correlation events' lines spilled to a temporary file: the same report byte for byte, and nothing left in the directory")
    func spilledEventLines() throws {
        let directory = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (held, _) = try Self.assembled([ExposureFixtures.samples], jobs: 2)
        let (spilled, _) = try Self.assembled([ExposureFixtures.samples], jobs: 2) { $0.eventLineDirectory = directory.path }
        #expect(held.json == spilled.json)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
