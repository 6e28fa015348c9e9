import Foundation
import ExposureReport

/// The report as an incident summary in Markdown: the verdicts first, then accounts, sources, data,
/// secrets, the timeline, coverage, and what the scan could not do. This is what the quick start prints.
///
/// Every statement carries its evidence as `path:line` and finding ids, so a reader can go back to
/// the lines. It shows only what the JSON report holds: secrets stay redacted unless the scan was run
/// with `--no-redact`.
public struct MarkdownReportExporter: ReportExporter {
    public let formatName = "markdown"
    public let fileExtension = "md"
    public let mediaType = "text/markdown; charset=utf-8"
    public let isStreaming = false

    public init() {}

    public func export(_ report: ScanReport) throws -> Data {
        Data(Self.render(report).utf8)
    }

    public static func render(_ report: ScanReport, maximumTimelineEntries: Int = 200) -> String {
        var out = "# Spoor incident summary\n\n"
        let lines = report.evidence.reduce(0) { $0 + $1.lines }
        let first = report.evidence.compactMap { $0.timeRange?.first }.min()
        let last = report.evidence.compactMap { $0.timeRange?.last }.max()
        out += "Evidence: \(report.evidence.count) files, \(lines) lines"
        if let first, let last { out += ", from \(first) to \(last) (UTC)" }
        out += ". Rules: \(report.rules.count). "
        out += report.summary.isComplete ? "The scan is complete.\n" : "**The scan is incomplete** (see Problems).\n"

        out += "\n## Verdicts\n\n"
        let verdicts = report.exposure.verdicts
        if verdicts.isEmpty {
            out += "No host or account to assess.\n"
        } else {
            out += "| subject | verdict | confidence | window (UTC) | data |\n|---|---|---|---|---|\n"
            for verdict in verdicts {
                let subject = verdict.subject.kind == "host" ? "host **\(cell(verdict.subject.name))**" : "account **\(cell(verdict.subject.name))** on \(cell(verdict.subject.host))"
                let window = verdict.window.map { "\($0.first) → \($0.last)" } ?? "—"
                out += "| \(subject) | **\(verdict.verdict)** | \(verdict.confidence) | \(window) | \(cell(dataText(verdict.data))) |\n"
            }
            for verdict in verdicts where verdict.verdict != "no-evidence" {
                let name = verdict.subject.kind == "host" ? "host \(verdict.subject.name)" : "account \(verdict.subject.name) on \(verdict.subject.host)"
                out += "\n### \(name): \(verdict.verdict)\n\n"
                for reason in verdict.reasons {
                    out += "- \(reason.text)\(references(reason.evidence, ids: reason.findingIds))\n"
                }
                for counter in verdict.counterEvidence { out += "- *Against or limiting:* \(counter)\n" }
            }
        }

        let accounts = report.entities.accounts.filter { !$0.roles.isEmpty && $0.roles != ["targeted"] }
        out += "\n## Accounts\n\n"
        if accounts.isEmpty {
            out += "No account was compromised, created or used with privileges in the evidence.\n"
        } else {
            out += "| account | host | roles | logins (ok / failed) | from | first seen | last seen |\n|---|---|---|---|---|---|---|\n"
            for account in accounts {
                out += "| \(cell(account.name)) | \(cell(account.host)) | \(account.roles.joined(separator: ", ")) | \(account.successfulLogins) / \(account.failedLogins) | \(cell(account.loginSources.joined(separator: ", "))) | \(account.firstSeen ?? "—") | \(account.lastSeen ?? "—") |\n"
            }
        }
        let targeted = report.entities.accounts.filter { $0.roles == ["targeted"] }.count
        if targeted > 0 { out += "\n\(targeted) more accounts were only targeted by failed logins (see `entities.accounts` in the JSON report).\n" }

        out += "\n## Sources\n\n"
        let attackers = report.entities.sources.filter(\.isAttacker)
        if attackers.isEmpty {
            out += "No source address is identified as an attacker.\n"
        } else {
            for source in attackers {
                out += "- **\(source.address)** — attacker: \(source.reasons.joined(separator: "; ")). \(source.failedLogins) failed logins, \(source.usersTriedCount) user names tried, logged in as \(source.usersLoggedIn.joined(separator: ", ")) on \(source.hostsTouched.joined(separator: ", ")); \(source.bytesRead) bytes read over sftp; seen \(source.firstSeen ?? "?") → \(source.lastSeen ?? "?").\(references(source.evidence, ids: []))\n"
            }
        }
        let others = report.entities.sources.filter { !$0.isAttacker }
        if !others.isEmpty {
            out += "\nOther sources: \(others.count) addresses, \(others.reduce(0) { $0 + $1.failedLogins }) failed logins; most active: "
            out += others.prefix(5).map { "\($0.address) (\($0.failedLogins) failed, \($0.successfulLogins) logins)" }.joined(separator: ", ") + ".\n"
        }

        out += "\n## Data accessed and taken\n\n"
        let malicious = report.sessions.filter(\.isMalicious)
        let transfers = malicious.flatMap { session in session.files.map { (session, $0) } }
        if transfers.isEmpty {
            out += "No file-level record of data read or taken in an attacker session.\n"
        } else {
            out += "| time (UTC) | host | session | operation | path | bytes read | bytes written | evidence |\n|---|---|---|---|---|---|---|---|\n"
            for (session, file) in transfers {
                out += "| \(file.time ?? "—") | \(cell(session.host)) | \(cell(session.id)) | \(file.operation) | \(cell(file.path)) | \(file.bytesRead.map(String.init) ?? "—") | \(file.bytesWritten.map(String.init) ?? "—") | `\(cell(file.evidence.path)):\(file.evidence.line)` |\n"
            }
        }
        let staged = Set(report.exposure.verdicts.flatMap(\.data.paths)).subtracting(transfers.map(\.1.path)).sorted()
        if !staged.isEmpty { out += "\nAlso named by collection or exfiltration findings: \(staged.map { "`\($0)`" }.joined(separator: ", ")).\n" }
        if !malicious.isEmpty {
            out += "\nAttacker sessions:\n\n"
            for session in malicious {
                out += "- `\(session.id)`: \(session.user) from \(session.source ?? "?") by \(session.authMethod ?? "?"), \(session.start ?? "?") → \(session.end ?? "still open at the end of the evidence"), \(session.commandsTotal) commands, \(session.bytesRead) bytes read.\(references(session.evidence, ids: []))\n"
            }
        }

        out += "\n## Secrets and personal data in the logs\n\n"
        if report.sensitiveData.isEmpty {
            out += "None found by the rules.\n"
        } else {
            for entry in report.sensitiveData {
                let check = entry.validation.map { ", validated by \($0)" } ?? ""
                out += "- \(entry.category) (rule \(entry.rule)): \(entry.count) found\(check): \(entry.values.prefix(5).joined(separator: ", ")) — at \(entry.locations.prefix(5).map { "`\($0.path):\($0.line)`" }.joined(separator: ", "))\n"
            }
        }

        out += "\n## Timeline\n\n"
        if report.timeline.isEmpty {
            out += "Nothing at medium or above, and no attacker session.\n"
        } else {
            out += "| time (UTC) | host | what | evidence |\n|---|---|---|---|\n"
            for entry in report.timeline.prefix(maximumTimelineEntries) {
                let level = entry.level.map { "[\($0)] " } ?? ""
                let id = entry.findingId.map { " (finding \($0))" } ?? ""
                out += "| \(entry.time) | \(cell(entry.host ?? "—")) | \(level)\(cell(entry.summary))\(id) | `\(cell(entry.evidence.path)):\(entry.evidence.line)` |\n"
            }
            if report.timeline.count > maximumTimelineEntries { out += "\n… \(report.timeline.count - maximumTimelineEntries) more entries in the JSON report.\n" }
        }

        out += "\n## Coverage\n\n"
        if report.coverage.isEmpty {
            out += "No dated line in the evidence: nothing can be assessed.\n"
        } else {
            out += "| host | log | files | lines | first | last | gaps |\n|---|---|---|---|---|---|---|\n"
            for entry in report.coverage {
                out += "| \(cell(entry.host)) | \(cell(entry.source)) | \(entry.files.count) | \(entry.lines) | \(entry.first ?? "—") | \(entry.last ?? "—") | \(entry.gaps.count) |\n"
            }
            for entry in report.coverage {
                for gap in entry.gaps {
                    let explanation = gap.explanation.map { "; explained by \($0)" } ?? ""
                    out += "- \(entry.host) \(entry.source): no line from \(gap.from) to \(gap.to) (\(duration(gap.seconds)); longer than \(duration(entry.gapThresholdSeconds)), its normal quiet period)\(explanation)\n"
                }
                for note in entry.integrity {
                    out += "- \(entry.host) \(entry.source): \(note.kind): \(note.detail)\(references(note.evidence, ids: []))\n"
                }
            }
            for verdict in report.exposure.verdicts where verdict.verdict == "cannot-assess" {
                out += "- **\(verdict.subject.name) cannot be assessed** \(verdict.window.map { "from \($0.first) to \($0.last)" } ?? ""): \(verdict.reasons.map(\.text).joined(separator: "; "))\n"
            }
        }

        if !report.summary.problems.isEmpty || !report.summary.warnings.isEmpty {
            out += "\n## Problems and notes\n\n"
            for problem in report.summary.problems { out += "- **problem:** \(problem)\n" }
            for warning in report.summary.warnings { out += "- note: \(warning)\n" }
        }
        out += "\n## Method\n\n"
        for line in report.exposure.method { out += "- \(line)\n" }
        out += "\nFindings: \(report.summary.findings) kept (\(report.summary.matchesByLevel.sorted { $0.key < $1.key }.map { "\($1) \($0)" }.joined(separator: ", ")) matches); the JSON report (`--format json`) has every finding with its evidence.\n"
        return out
    }

    static func dataText(_ data: ExposedData) -> String {
        var parts: [String] = []
        if !data.paths.isEmpty { parts.append(data.paths.joined(separator: ", ")) }
        if data.bytesRead > 0 { parts.append("\(data.bytesRead) bytes read") }
        if data.bytesWritten > 0 { parts.append("\(data.bytesWritten) bytes written") }
        if !data.categories.isEmpty { parts.append("categories: " + data.categories.joined(separator: ", ")) }
        return parts.isEmpty ? "—" : parts.joined(separator: "; ")
    }

    static func references(_ evidence: [EvidenceLocation], ids: [String]) -> String {
        var parts = evidence.prefix(3).map { "`\($0.path):\($0.line)`" }
        if !ids.isEmpty { parts.append("findings " + ids.prefix(4).joined(separator: ", ")) }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds >= 86_400 { return String(format: "%.1f days", Double(seconds) / 86_400) }
        if seconds >= 3600 { return String(format: "%.1f hours", Double(seconds) / 3600) }
        return "\(seconds / 60) minutes"
    }

    /// Table cell text: pipes and line breaks escaped.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
