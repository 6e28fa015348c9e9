import Foundation
import ExposureReport

/// Writes the `spoor.report/v1` JSON report.
///
/// Keys are sorted and output is pretty-printed with a final newline, so two reports of the same scan
/// compare byte for byte (outside `run`) and diff line by line.
public enum JSONReportExporter {
    public static func encode(_ report: ScanReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(report)
        data.append(0x0a)
        return data
    }
}
