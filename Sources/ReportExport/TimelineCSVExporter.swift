import Foundation
import ExposureReport

/// The report's timeline as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they
/// hold a comma, quote or line break), for a spreadsheet or a super-timeline tool.
///
/// Columns: `time,host,kind,level,summary,user,source,finding_id,path,line,offset`. Rows are the
/// timeline's, in its order (time, then evidence). Lines of evidence are not repeated: `path`, `line`
/// and `offset` lead back to them.
public struct TimelineCSVExporter: ReportExporter {
    public let formatName = "csv"
    public let fileExtension = "csv"
    public let mediaType = "text/csv; charset=utf-8"
    public let isStreaming = false

    public init() {}

    public func export(_ report: ScanReport) throws -> Data {
        Data(Self.render(report).utf8)
    }

    public static let header = ["time", "host", "kind", "level", "summary", "user", "source", "finding_id", "path", "line", "offset"]

    public static func render(_ report: ScanReport) -> String {
        var out = header.joined(separator: ",") + "\r\n"
        for entry in report.timeline {
            let row = [entry.time, entry.host ?? "", entry.kind, entry.level ?? "", entry.summary, entry.user ?? "", entry.source ?? "",
                       entry.findingId ?? "", entry.evidence.path, String(entry.evidence.line), String(entry.evidence.offset)]
            out += row.map(field).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
