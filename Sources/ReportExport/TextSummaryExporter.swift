import Foundation
import ExposureReport

/// A short human summary of a report for a terminal: evidence, findings by level and rule, problems.
///
/// It never prints secrets beyond what the report holds (redacted unless `--no-redact`).
public struct TextSummaryExporter: ReportExporter {
    public let formatName = "text"
    public let fileExtension = "txt"
    public let mediaType = "text/plain; charset=utf-8"
    public let isStreaming = false
    /// Medium-and-above findings listed one by one before the rest are only counted.
    public var maximumFindingLines: Int

    public init(maximumFindingLines: Int = 40) {
        self.maximumFindingLines = maximumFindingLines
    }

    public func export(_ report: ScanReport) throws -> Data {
        Data(Self.render(report, maximumFindingLines: maximumFindingLines).utf8)
    }

    /// The summary as text, ending with a newline.
    public static func render(_ report: ScanReport, maximumFindingLines: Int = 40) -> String {
        var out = ""
        let evidenceBytes = report.evidence.reduce(Int64(0)) { $0 + $1.decompressedBytes }
        let lines = report.evidence.reduce(0) { $0 + $1.lines }
        out += "spoor \(report.tool.version) — \(report.evidence.count) evidence files, \(lines) lines, \(formatBytes(evidenceBytes)) scanned with \(report.rules.count) rules\n"
        let statusCounts = Dictionary(grouping: report.evidence, by: \.status).mapValues(\.count)
        if statusCounts[.partial, default: 0] + statusCounts[.error, default: 0] > 0 {
            out += "evidence: \(statusCounts[.ok, default: 0]) ok, \(statusCounts[.partial, default: 0]) partial, \(statusCounts[.error, default: 0]) unreadable\n"
        }
        let levels = ["critical", "high", "medium", "low", "informational"]
        let byLevel = levels.compactMap { level -> String? in
            guard let count = report.summary.matchesByLevel[level], count > 0 else { return nil }
            return "\(count) \(level)"
        }
        out += "matches: " + (byLevel.isEmpty ? "none" : byLevel.joined(separator: ", ")) + "\n"

        // Per rule, most severe first.
        let titles = Dictionary(report.findings.map { ($0.rule.id, $0.rule) }, uniquingKeysWith: { first, _ in first })
        let hits = report.rules.statistics.filter { $0.matches > 0 }.sorted { lhs, rhs in
            let left = levels.firstIndex(of: titles[lhs.id]?.level ?? "") ?? levels.count
            let right = levels.firstIndex(of: titles[rhs.id]?.level ?? "") ?? levels.count
            return (left, lhs.id) < (right, rhs.id)
        }
        if !hits.isEmpty {
            out += "\nrules that matched:\n"
            for statistic in hits {
                let rule = titles[statistic.id]
                // Imported rules name their authors and licence (DRL 1.1 asks every match to).
                let attribution = rule?.license.map { license in " (by \(rule?.author ?? "unknown"), \(license))" } ?? ""
                out += "  [\(rule?.level ?? "?")] \(rule?.title ?? statistic.id)\(attribution): \(statistic.matches)\n"
            }
        }
        let severe = report.findings.filter { ["critical", "high", "medium"].contains($0.rule.level) }
        if !severe.isEmpty {
            out += "\nmedium and above, in evidence order:\n"
            for finding in severe.prefix(maximumFindingLines) {
                guard let location = finding.evidence.first else { continue }
                let when = finding.time?.utc.map { " \($0)" } ?? ""
                out += "  \(location.path):\(location.line)\(when) [\(finding.rule.level)] \(finding.rule.title)\n"
                out += "      \(location.text ?? "(binary line, see JSON)")\n"
            }
            if severe.count > maximumFindingLines { out += "  … \(severe.count - maximumFindingLines) more in the JSON report\n" }
        }
        let errors = report.rules.statistics.filter { $0.engineErrors > 0 }
        for statistic in errors {
            out += "rule \(statistic.id): PCRE2 stopped on \(statistic.engineErrors) lines (match or stack limit): those lines are not assessed\n"
        }
        if let first = report.evidence.compactMap({ $0.timeRange?.first }).min(), let last = report.evidence.compactMap({ $0.timeRange?.last }).max() {
            out += "\nevidence covers \(first) to \(last) (UTC)\n"
        }
        for warning in report.summary.warnings { out += "note: \(warning)\n" }
        if !report.summary.problems.isEmpty {
            out += "\nproblems:\n"
            for problem in report.summary.problems { out += "  \(problem)\n" }
        }
        out += report.summary.isComplete ? "scan complete\n" : "scan INCOMPLETE: see problems above\n"
        return out
    }

    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
