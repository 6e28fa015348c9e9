import Foundation
import ExposureReport

/// Turns a finished ``ScanReport`` into the bytes of one output format; the seam every exporter sits
/// behind, and what `spoor scan --format` chooses from (``ReportExporters``).
///
/// Implementation requirements:
/// - ``export(_:)`` is a pure function of the report: the same report gives the same bytes, whatever
///   the thread, the machine or the time (no clock, no environment, no randomness). Formats that leave
///   out the report's `run` object are then byte-identical across scans of the same evidence.
/// - An exporter only formats: it never reads the evidence again, and never shows more than the report
///   holds (text the scan redacted stays redacted).
/// - Text formats end with a newline.
/// - Errors are thrown, never printed; an exporter writes nowhere itself (the caller owns files and
///   standard output).
/// - ``isStreaming`` is true only when the output is a sequence of self-contained records that a reader
///   can use before the last one arrives (JSON Lines). Today every exporter receives the whole report;
///   a streaming exporter promises that a future pipeline may push it records one by one
///   (begin, findings, summary) and get the same bytes.
public protocol ReportExporter: Sendable {
    /// The name given to `--format` (`json`, `sarif`, …): lowercase, unique among ``ReportExporters/all``.
    var formatName: String { get }
    /// The usual file name extension, without the dot (`json`, `sarif`, `jsonl`, `txt`).
    var fileExtension: String { get }
    /// The IANA media type of the output (`application/json`, `application/sarif+json`, …).
    var mediaType: String { get }
    /// Whether the output is a stream of self-contained records (see the protocol's contract).
    var isStreaming: Bool { get }
    /// The report in this format.
    func export(_ report: ScanReport) throws -> Data
}

/// The exporters `spoor` knows, by format name.
public enum ReportExporters {
    /// Every exporter, in the order `--help` lists them.
    public static let all: [any ReportExporter] = [
        MarkdownReportExporter(),
        TextSummaryExporter(),
        JSONReportExporter(),
        JSONLinesExporter(),
        SARIFExporter(),
        TimelineCSVExporter(),
        TimesketchExporter(),
        HTMLReportExporter(),
    ]

    /// The format names of ``all``, in order.
    public static var formatNames: [String] { all.map(\.formatName) }

    /// The exporter whose ``ReportExporter/formatName`` is `name` (exact, lowercase), or nil.
    public static func named(_ name: String) -> (any ReportExporter)? {
        all.first { $0.formatName == name }
    }
}
