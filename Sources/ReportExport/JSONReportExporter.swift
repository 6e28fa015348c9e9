import Foundation
import ExposureReport

/// Writes the `spoor.report/v1` JSON report.
///
/// Keys are sorted and output is pretty-printed with a final newline, so two reports of the same scan
/// compare byte for byte (outside `run`) and diff line by line.
public struct JSONReportExporter: ReportExporter {
    public let formatName = "json"
    public let fileExtension = "json"
    public let mediaType = "application/json"
    public let isStreaming = false

    public init() {}

    public func export(_ report: ScanReport) throws -> Data { try Self.encode(report) }

    /// The report as `spoor.report/v1` JSON: pretty-printed, sorted keys, final newline
    /// (``ScanReport/encodedJSON()``).
    public static func encode(_ report: ScanReport) throws -> Data {
        try report.encodedJSON()
    }
}
