import ArgumentParser
import ExposureReport
import Foundation
import ReportExport

/// `spoor render REPORT.json`: a saved JSON report in another format (the HTML page by default),
/// without scanning again.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a saved JSON report (spoor scan --format json) in another format: html by default.")

    @Argument(help: "A spoor.report/v1 JSON report, or - for standard input.")
    var reportPath: String

    @Option(name: .customLong("format"), help: "Output format: html (default), markdown, text, json, jsonl, sarif, csv, timesketch.")
    var format: OutputFormat = OutputFormat(argument: "html")!

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of standard output.")
    var outputPath: String?

    func run() throws {
        let report: ScanReport
        do {
            if reportPath == "-" {
                report = try SavedReport.decode(FileHandle.standardInput.readDataToEndOfFile(), path: "standard input")
            } else {
                report = try SavedReport.read(path: reportPath)
            }
        } catch {
            printError("spoor: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        let rendered = try format.exporter.export(report)
        try writeOutput(rendered, to: outputPath)
    }
}
