import Foundation
import ExposureReport

/// Timesketch's JSON Lines import format: one event per line with `message`, `datetime` (ISO 8601)
/// and `timestamp_desc`, plus Spoor's attributes (`spoor_kind`, `level`, `rule_id`, `finding_id`,
/// `host`, `user`, `src_ip`, `evidence_path`, `evidence_line`, `evidence_offset`).
///
/// Events: every finding with a time (not only the timeline's medium-and-above), and the timeline's
/// session and transfer entries. Findings without a placed time are left out (Timesketch needs one)
/// and counted in the last line's absence: the JSON report keeps them.
public struct TimesketchExporter: ReportExporter {
    public let formatName = "timesketch"
    public let fileExtension = "jsonl"
    public let mediaType = "application/x-ndjson"
    public let isStreaming = true

    public init() {}

    public func export(_ report: ScanReport) throws -> Data {
        try Self.render(report)
    }

    public static func render(_ report: ScanReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var events: [(time: String, order: Int, event: [String: String])] = []
        for finding in report.findings {
            guard let time = finding.time?.utc, let location = finding.evidence.first else { continue }
            var event = [
                "message": "[\(finding.rule.level)] \(finding.rule.title): \(location.text ?? "(binary line)")",
                "datetime": time,
                "timestamp_desc": "Log line time",
                "spoor_kind": "finding",
                "level": finding.rule.level,
                "rule_id": finding.rule.id,
                "finding_id": finding.id,
                "evidence_path": location.path,
                "evidence_line": String(location.line),
                "evidence_offset": String(location.offset),
            ]
            for key in ["host", "user", "src_ip"] { if let value = finding.fields[key] { event[key] = value } }
            events.append((time, 1, event))
        }
        for entry in report.timeline where entry.kind != "finding" {
            var event = [
                "message": entry.summary,
                "datetime": entry.time,
                "timestamp_desc": entry.kind == "login" ? "Session start" : entry.kind == "logout" ? "Session end" : "Log line time",
                "spoor_kind": entry.kind,
                "evidence_path": entry.evidence.path,
                "evidence_line": String(entry.evidence.line),
                "evidence_offset": String(entry.evidence.offset),
            ]
            if let host = entry.host { event["host"] = host }
            if let user = entry.user { event["user"] = user }
            if let source = entry.source { event["src_ip"] = source }
            events.append((entry.time, 0, event))
        }
        events.sort { lhs, rhs in
            let left = (lhs.time, lhs.event["evidence_path"] ?? "", Int(lhs.event["evidence_line"] ?? "") ?? 0, lhs.order, lhs.event["finding_id"] ?? "")
            let right = (rhs.time, rhs.event["evidence_path"] ?? "", Int(rhs.event["evidence_line"] ?? "") ?? 0, rhs.order, rhs.event["finding_id"] ?? "")
            return left < right
        }
        var data = Data()
        for event in events {
            data.append(try encoder.encode(event.event))
            data.append(0x0a)
        }
        return data
    }
}
