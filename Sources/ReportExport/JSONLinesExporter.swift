import ExposureReport
import Foundation

/// Writes a report as JSON Lines: one compact JSON object per line, each with a `type`, in this order:
///
/// 1. `{"type":"begin","schema":"spoor.report/v1","tool":{…},"evidence_files":N}`
/// 2. one `{"type":"finding","finding":{…}}` per finding, in report order; `finding` is exactly the
///    finding's object in the JSON report (`Documentation/ReportFormat.md`, `findings[]`);
/// 3. `{"type":"summary","evidence":[…],"rules":{…},"summary":{…}}`, the report's objects of those names.
///
/// So a report with N findings gives N + 2 lines. Keys are sorted, nothing is pretty-printed, and every
/// line ends with `\n` (JSON escapes every newline inside strings). The report's `run` object is left
/// out: two scans of the same evidence give byte-identical output. Line-oriented tools (`jq -c`, `grep`)
/// can filter findings without reading the whole report, as with ripgrep's `--json`.
public struct JSONLinesExporter: ReportExporter {
    public let formatName = "jsonl"
    public let fileExtension = "jsonl"
    public let mediaType = "application/jsonl"
    public let isStreaming = true

    public init() {}

    public func export(_ report: ScanReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        func append(_ line: some Encodable) throws {
            data.append(try encoder.encode(line))
            data.append(0x0a)
        }
        try append(Begin(schema: report.schema, tool: report.tool, evidenceFiles: report.evidence.count))
        for finding in report.findings { try append(FindingLine(finding: finding)) }
        try append(Summary(evidence: report.evidence, rules: report.rules, summary: report.summary))
        return data
    }

    struct Begin: Encodable {
        let type = "begin"
        var schema: String
        var tool: ToolInfo
        var evidenceFiles: Int

        enum CodingKeys: String, CodingKey {
            case type, schema, tool
            case evidenceFiles = "evidence_files"
        }
    }

    struct FindingLine: Encodable {
        let type = "finding"
        var finding: Finding
    }

    struct Summary: Encodable {
        let type = "summary"
        var evidence: [EvidenceEntry]
        var rules: RuleSetSummary
        var summary: ScanSummary
    }
}
