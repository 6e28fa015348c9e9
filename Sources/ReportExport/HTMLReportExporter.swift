import Crypto
import ExposureReport
import Foundation

/// The report as one self-contained HTML page for people who will never read JSON: verdict cards
/// first, a timeline chart, sortable and filterable tables, provenance at the foot.
///
/// The page needs nothing outside itself: its style, its script (``HTMLReportPage``) and its data are
/// inline, and a Content-Security-Policy (`default-src 'none'`, the script and style allowed by their
/// SHA-256 only) stops it from loading or running anything else. The data is a JSON view of the
/// report in a `<script type="application/json">` block; every `<`, `>` and `&` in it is written as a
/// `\u00XX` escape, so evidence text (which an attacker may have written) cannot close the block, and
/// the script puts text into the page only as text, never as markup.
///
/// Large reports are summarised: each table holds at most ``Limits`` rows (the findings a verdict or
/// the timeline cites are always kept), and says how many more the JSON report has; the chart counts
/// every finding of the report. The page shows only what the report holds, so what the scan redacted
/// stays redacted. A pure function of the report: the same report gives the same bytes.
public struct HTMLReportExporter: ReportExporter {
    public let formatName = "html"
    public let fileExtension = "html"
    public let mediaType = "text/html; charset=utf-8"
    public let isStreaming = false

    /// How much of a large report the page embeds.
    public struct Limits: Sendable, Equatable {
        /// Rows per table (findings, sources, sessions, accounts, evidence files, timeline…).
        public var rowsPerTable: Int
        /// Characters of one evidence line or field shown; the rest is counted.
        public var textCharacters: Int
        /// Values and locations shown per sensitive-data entry, paths per verdict.
        public var listItems: Int

        public init(rowsPerTable: Int = 2000, textCharacters: Int = 1000, listItems: Int = 20) {
            self.rowsPerTable = rowsPerTable
            self.textCharacters = textCharacters
            self.listItems = listItems
        }
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func export(_ report: ScanReport) throws -> Data {
        Data(try Self.render(report, limits: limits).utf8)
    }

    /// The page's HTML.
    public static func render(_ report: ScanReport, limits: Limits = Limits()) throws -> String {
        let model = HTMLPageModel(report: report, limits: limits)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = scriptSafe(try encoder.encode(model))
        let script = HTMLReportPage.script
        let style = HTMLReportPage.style
        let policy = "default-src 'none'; script-src '\(sha256Source(script))'; style-src '\(sha256Source(style))'; img-src data:; base-uri 'none'; form-action 'none'"
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<meta name=\"generator\" content=\"\(escape(report.tool.name)) \(escape(report.tool.version))\">\n"
        html += "<title>Spoor incident report</title>\n<style>\(style)</style>\n</head>\n"
        html += HTMLReportPage.body
        html += "<script type=\"application/json\" id=\"spoor-data\">\(json)</script>\n"
        html += "<script>\(script)</script>\n</body>\n</html>\n"
        return html
    }

    /// JSON bytes as text that cannot end a `<script>` block or open a comment: `<`, `>` and `&`
    /// (which JSON only has inside strings) become `\u003c`, `\u003e`, `\u0026`, and U+2028/U+2029
    /// their escapes.
    static func scriptSafe(_ json: Data) -> String {
        var out = ""
        out.reserveCapacity(json.count + json.count / 16)
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A CSP source for inline text: `sha256-BASE64`.
    static func sha256Source(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }

    /// Text for an HTML attribute or element.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

// MARK: - The page's data

/// A table cell: text, a whole number, or empty.
enum HTMLCell: Encodable, Equatable {
    case text(String)
    case number(Int64)
    case empty

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .empty: try container.encodeNil()
        }
    }
}

/// One table of the page: columns, rows (capped), and how many rows the report has.
struct HTMLTable: Encodable {
    struct Column: Encodable {
        var key: String
        var label: String
        /// `text`, `num`, `bytes`, `time`, `code` (monospaced), `level`, `long` (wrapped evidence text).
        var type: String
    }

    var id: String
    var title: String
    var intro: String
    var columns: [Column]
    var rows: [[HTMLCell]]
    /// Per row: the anchor id a link can point at (empty for none).
    var anchors: [String]
    /// Rows in the report (rows beyond the cap are left out and counted).
    var total: Int
    /// What the chart's filter reads: the host column (comma-separated hosts allowed), the time span.
    var hostColumn: Int?
    var fromColumn: Int?
    var toColumn: Int?
    var tacticColumn: Int?

    init(id: String, title: String, intro: String, columns: [(String, String, String)]) {
        self.id = id
        self.title = title
        self.intro = intro
        self.columns = columns.map { Column(key: $0.0, label: $0.1, type: $0.2) }
        self.rows = []
        self.anchors = []
        self.total = 0
    }

    func column(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }
}

struct HTMLCard: Encodable {
    struct Reason: Encodable {
        var text: String
        var findings: [String]
        /// Indexes into the cited evidence lines.
        var evidence: [Int]
    }

    var kind: String
    var name: String
    var host: String
    var verdict: String
    var confidence: String
    var window: TimeRange?
    var paths: [String]
    var pathsTotal: Int
    var bytesRead: Int64
    var bytesWritten: Int64
    var categories: [String]
    var reasons: [Reason]
    var counter: [String]
}

/// The chart's data: finding counts per host, UTC hour and ATT&CK tactic, over every finding.
struct HTMLChart: Encodable {
    struct Span: Encodable {
        var host: String
        var label: String
        var kind: String
        var first: String
        var last: String
    }

    struct Lane: Encodable {
        var host: String
        /// Per log source: covered from `first` to `last`, with `gaps` (from, to) not covered.
        var sources: [Source]
    }

    struct Source: Encodable {
        var name: String
        var first: String?
        var last: String?
        var gaps: [[String]]
    }

    var hosts: [String]
    var tactics: [String]
    /// `[host index, hour since 1970 (UTC), tactic index, count]`, sorted.
    var counts: [[Int64]]
    var events: Int
    /// Findings without a UTC time (not charted).
    var untimed: Int
    var lanes: [Lane]
    /// Exposure windows of confirmed/likely/possible verdicts, and cannot-assess periods.
    var spans: [Span]
}

struct HTMLProvenance: Encodable {
    var tool: String
    var version: String
    var schema: String
    var ruleCount: Int
    var ruleSetSHA256: String
    var findingsCap: Int
    var commandLine: String
    var runStart: String
    var durationSeconds: Double
    var jobs: Int
    var complete: Bool
    var problems: [String]
    var warnings: [String]
    var timeSources: [String]
    var unreadable: [String]
    var engineErrors: [String]
    var method: [String]
    var pageLimits: String
}

struct HTMLHeader: Encodable {
    var evidenceFiles: Int
    var lines: Int
    var first: String?
    var last: String?
    var findingsKept: Int
    var matchesByLevel: [String: Int]
    var complete: Bool
    var hosts: Int
    var accounts: Int
    var sources: Int
    var attackers: Int
    var sessions: Int
    var maliciousSessions: Int
}

struct HTMLPageModel: Encodable {
    var header: HTMLHeader
    var cards: [HTMLCard]
    var chart: HTMLChart
    var tables: [HTMLTable]
    var provenance: HTMLProvenance

    /// The ATT&CK tactics in kill-chain order, as Sigma tags name them (`attack.credential-access` or
    /// `attack.credential_access`).
    static let tactics = ["reconnaissance", "resource-development", "initial-access", "execution", "persistence",
                          "privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement",
                          "collection", "command-and-control", "exfiltration", "impact"]

    /// A finding's tactic: the first tactic among its rule's tags, or `other`.
    static func tactic(of tags: [String]) -> String {
        for tag in tags where tag.hasPrefix("attack.") {
            let name = String(tag.dropFirst(7)).replacingOccurrences(of: "_", with: "-").lowercased()
            if tactics.contains(name) { return name }
        }
        return "other"
    }

    static func tacticList(_ tags: [String]) -> String {
        var seen: [String] = []
        for tag in tags where tag.hasPrefix("attack.") {
            let name = String(tag.dropFirst(7)).replacingOccurrences(of: "_", with: "-").lowercased()
            if tactics.contains(name) && !seen.contains(name) { seen.append(name) }
        }
        return seen.joined(separator: ", ")
    }

    /// Hours since 1970 of an ISO 8601 UTC time (`YYYY-MM-DDTHH…Z`), or nil.
    static func hour(of iso: String) -> Int64? {
        let bytes = Array(iso.utf8)
        guard bytes.count >= 13, bytes[4] == 0x2d, bytes[7] == 0x2d, bytes[10] == 0x54 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              (1...12).contains(month), (1...31).contains(day), hour < 24 else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 24 + hour
    }

    init(report: ScanReport, limits: HTMLReportExporter.Limits) {
        func clip(_ text: String) -> String {
            guard text.count > limits.textCharacters else { return text }
            let kept = text.prefix(limits.textCharacters)
            return kept + " … [\(text.utf8.count - kept.utf8.count) more bytes in the JSON report]"
        }
        func lineText(_ location: EvidenceLocation) -> String {
            if let text = location.text { return clip(text) + (location.isTruncated == true ? " [line cut at the scan's line limit]" : "") }
            if let bytes = location.bytes { return "[not UTF-8; base64] " + clip(bytes) }
            return ""
        }
        func place(_ location: EvidenceLocation) -> String { "\(location.path):\(location.line)" }
        func text(_ value: String?) -> HTMLCell { value.map { HTMLCell.text($0) } ?? .empty }
        func number<T: BinaryInteger>(_ value: T) -> HTMLCell { .number(Int64(value)) }

        // Header.
        let first = report.evidence.compactMap { $0.timeRange?.first }.min()
        let last = report.evidence.compactMap { $0.timeRange?.last }.max()
        header = HTMLHeader(evidenceFiles: report.evidence.count, lines: report.evidence.reduce(0) { $0 + $1.lines },
                            first: first, last: last, findingsKept: report.findings.count, matchesByLevel: report.summary.matchesByLevel,
                            complete: report.summary.isComplete, hosts: report.entities.hosts.count, accounts: report.entities.accounts.count,
                            sources: report.entities.sources.count, attackers: report.entities.sources.filter(\.isAttacker).count,
                            sessions: report.sessions.count, maliciousSessions: report.sessions.filter(\.isMalicious).count)

        // Verdict cards, and the evidence lines their reasons cite (each once, in citation order).
        var cited: [EvidenceLocation] = []
        var citedIndex: [String: Int] = [:]
        var citedBy: [[String]] = []
        var citedFindings = Set<String>()
        cards = report.exposure.verdicts.map { verdict in
            let subject = verdict.subject.kind == "host" ? "host \(verdict.subject.name)" : "\(verdict.subject.name) on \(verdict.subject.host)"
            let reasons = verdict.reasons.map { reason -> HTMLCard.Reason in
                citedFindings.formUnion(reason.findingIds)
                let indexes = reason.evidence.map { location -> Int in
                    let key = "\(location.path)\u{0}\(location.line)\u{0}\(location.offset)"
                    if let index = citedIndex[key] {
                        if !citedBy[index].contains(subject) { citedBy[index].append(subject) }
                        return index
                    }
                    cited.append(location)
                    citedBy.append([subject])
                    citedIndex[key] = cited.count - 1
                    return cited.count - 1
                }
                return HTMLCard.Reason(text: clip(reason.text), findings: reason.findingIds, evidence: indexes)
            }
            return HTMLCard(kind: verdict.subject.kind, name: verdict.subject.name, host: verdict.subject.host, verdict: verdict.verdict,
                            confidence: verdict.confidence, window: verdict.window, paths: Array(verdict.data.paths.prefix(limits.listItems)),
                            pathsTotal: verdict.data.paths.count, bytesRead: verdict.data.bytesRead, bytesWritten: verdict.data.bytesWritten,
                            categories: verdict.data.categories, reasons: reasons, counter: verdict.counterEvidence.map(clip))
        }
        for entry in report.timeline { if let id = entry.findingId { citedFindings.insert(id) } }

        // The chart, over every finding of the report.
        var hostNames = Set(report.entities.hosts.map(\.name))
        hostNames.formUnion(report.coverage.map(\.host))
        var counts: [[Int64]: Int64] = [:]
        var untimed = 0
        var keyed: [(host: String, hour: Int64, tactic: String)] = []
        for finding in report.findings {
            guard let utc = finding.time?.utc, let hour = Self.hour(of: utc) else { untimed += 1; continue }
            let host = finding.fields["host"] ?? "(no host)"
            hostNames.insert(host)
            keyed.append((host, hour, Self.tactic(of: finding.rule.tags)))
        }
        let hosts = hostNames.sorted()
        let hostIndex = Dictionary(uniqueKeysWithValues: hosts.enumerated().map { ($1, Int64($0)) })
        let usedTactics = Set(keyed.map(\.tactic))
        let tactics = (Self.tactics + ["other"]).filter(usedTactics.contains)
        let tacticIndex = Dictionary(uniqueKeysWithValues: tactics.enumerated().map { ($1, Int64($0)) })
        for event in keyed {
            counts[[hostIndex[event.host]!, event.hour, tacticIndex[event.tactic]!], default: 0] += 1
        }
        let sortedCounts = counts.map { $0.key + [$0.value] }.sorted { $0.lexicographicallyPrecedes($1) }
        let lanes = hosts.map { host in
            HTMLChart.Lane(host: host, sources: report.coverage.filter { $0.host == host }.map { entry in
                HTMLChart.Source(name: entry.source, first: entry.first, last: entry.last, gaps: entry.gaps.map { [$0.from, $0.to] })
            })
        }
        let spans = report.exposure.verdicts.compactMap { verdict -> HTMLChart.Span? in
            guard let window = verdict.window, ["confirmed", "likely", "possible", "cannot-assess"].contains(verdict.verdict) else { return nil }
            let label = verdict.subject.kind == "host" ? "host \(verdict.subject.name)" : "\(verdict.subject.name) on \(verdict.subject.host)"
            return HTMLChart.Span(host: verdict.subject.host, label: label, kind: verdict.verdict, first: window.first, last: window.last)
        }
        chart = HTMLChart(hosts: hosts, tactics: tactics, counts: sortedCounts, events: keyed.count, untimed: untimed, lanes: lanes, spans: spans)

        // Tables.
        var tables: [HTMLTable] = []
        let cap = limits.rowsPerTable

        var cites = HTMLTable(id: "cited", title: "Evidence lines behind the verdicts",
                              intro: "Every line a verdict's reasons cite, once, in the order the cards cite them.",
                              columns: [("n", "#", "num"), ("file", "file", "code"), ("line", "line", "num"), ("offset", "byte offset", "num"),
                                        ("text", "line as read", "long"), ("by", "cited by", "text")])
        cites.total = cited.count
        for (index, location) in cited.enumerated().prefix(cap) {
            cites.rows.append([number(index + 1), .text(location.path), number(location.line), .number(location.offset),
                               .text(lineText(location)), .text(citedBy[index].joined(separator: "; "))])
            cites.anchors.append("e-\(index)")
        }
        tables.append(cites)

        // Rules that matched, with first and last seen from their findings.
        var ruleSpan: [String: (first: String, last: String, kept: Int)] = [:]
        var ruleInfo: [String: FindingRule] = [:]
        for finding in report.findings {
            if ruleInfo[finding.rule.id] == nil { ruleInfo[finding.rule.id] = finding.rule }
            guard let utc = finding.time?.utc else { continue }
            if let span = ruleSpan[finding.rule.id] {
                ruleSpan[finding.rule.id] = (min(span.first, utc), max(span.last, utc), span.kept + 1)
            } else {
                ruleSpan[finding.rule.id] = (utc, utc, 1)
            }
        }
        var rules = HTMLTable(id: "rules", title: "Findings by rule",
                              intro: "Each rule that matched: events it matched over the whole scan, findings kept in the report (at most \(report.rules.findingsCapPerRule) per rule), first and last seen among the kept findings. Choose a rule to filter the findings below.",
                              columns: [("rule", "rule", "text"), ("level", "level", "level"), ("tactics", "ATT&CK tactics", "text"),
                                        ("matches", "events matched", "num"), ("kept", "findings kept", "num"), ("errors", "engine errors", "num"),
                                        ("first", "first seen (UTC)", "time"), ("last", "last seen (UTC)", "time"), ("id", "rule id", "code")])
        let matchedRules = report.rules.statistics.filter { $0.matches > 0 || $0.reported > 0 || $0.engineErrors > 0 }
        rules.total = matchedRules.count
        for statistic in matchedRules.prefix(cap) {
            let rule = ruleInfo[statistic.id]
            let span = ruleSpan[statistic.id]
            rules.rows.append([.text(rule?.title ?? statistic.id), text(rule?.level), .text(rule.map { Self.tacticList($0.tags) } ?? ""),
                               number(statistic.matches), number(statistic.reported), number(statistic.engineErrors),
                               text(span?.first), text(span?.last), .text(statistic.id)])
            rules.anchors.append("")
        }
        rules.fromColumn = rules.column("first")
        rules.toColumn = rules.column("last")
        tables.append(rules)

        var findings = HTMLTable(id: "findings", title: "Findings",
                                 intro: "Rule hits in evidence order, each with its first evidence line; the findings a verdict or the timeline cites are always shown.",
                                 columns: [("time", "time (UTC)", "time"), ("host", "host", "text"), ("level", "level", "level"),
                                           ("rule", "rule", "text"), ("tactic", "tactic", "text"), ("user", "user", "text"),
                                           ("source", "source", "code"), ("place", "evidence", "code"), ("text", "line as read", "long"),
                                           ("id", "finding id", "code"), ("ruleid", "rule id", "code")])
        findings.total = report.findings.count
        var shownFindings = 0
        for (index, finding) in report.findings.enumerated() where index < cap || citedFindings.contains(finding.id) {
            shownFindings += 1
            let evidence = finding.evidence.first
            var place = evidence.map(place) ?? ""
            if finding.evidence.count > 1 { place += " (+\(finding.evidence.count - 1) lines)" }
            findings.rows.append([text(finding.time?.utc ?? finding.time.map { "\($0.text) (not dated)" }), text(finding.fields["host"]),
                                  .text(finding.rule.level), .text(finding.rule.title), .text(Self.tactic(of: finding.rule.tags)),
                                  text(finding.fields["user"].map(clip)), text(finding.fields["src_ip"].map(clip)), .text(place),
                                  .text(evidence.map(lineText) ?? ""), .text(finding.id), .text(finding.rule.id)])
            findings.anchors.append("f-\(finding.id)")
        }
        findings.hostColumn = findings.column("host")
        findings.fromColumn = findings.column("time")
        findings.toColumn = findings.column("time")
        findings.tacticColumn = findings.column("tactic")
        tables.append(findings)

        var timeline = HTMLTable(id: "timeline", title: "Timeline",
                                 intro: "What happened, in time order: medium-and-above findings, attacker logins and logouts, file transfers, commands.",
                                 columns: [("time", "time (UTC)", "time"), ("host", "host", "text"), ("kind", "what", "text"),
                                           ("level", "level", "level"), ("summary", "summary", "long"), ("user", "user", "text"),
                                           ("source", "source", "code"), ("place", "evidence", "code"), ("finding", "finding id", "code")])
        timeline.total = report.timeline.count
        for entry in report.timeline.prefix(cap) {
            timeline.rows.append([.text(entry.time), text(entry.host), .text(entry.kind), text(entry.level), .text(clip(entry.summary)),
                                  text(entry.user), text(entry.source), .text(place(entry.evidence)), text(entry.findingId)])
            timeline.anchors.append("")
        }
        timeline.hostColumn = timeline.column("host")
        timeline.fromColumn = timeline.column("time")
        timeline.toColumn = timeline.column("time")
        tables.append(timeline)

        var accounts = HTMLTable(id: "accounts", title: "Accounts",
                                 intro: "Accounts the evidence names, by host: roles, logins, where from.",
                                 columns: [("name", "account", "text"), ("host", "host", "text"), ("roles", "roles", "text"),
                                           ("failed", "failed logins", "num"), ("successful", "successful logins", "num"),
                                           ("from", "logged in from", "code"), ("first", "first seen (UTC)", "time"), ("last", "last seen (UTC)", "time"),
                                           ("evidence", "evidence", "code")])
        accounts.total = report.entities.accounts.count
        for account in report.entities.accounts.prefix(cap) {
            accounts.rows.append([.text(account.name), .text(account.host), .text(account.roles.joined(separator: ", ")),
                                  number(account.failedLogins), number(account.successfulLogins),
                                  .text(account.loginSources.prefix(limits.listItems).joined(separator: ", ") + (account.loginSources.count > limits.listItems ? " (+\(account.loginSources.count - limits.listItems))" : "")),
                                  text(account.firstSeen), text(account.lastSeen), .text(account.evidence.prefix(3).map(place).joined(separator: ", "))])
            accounts.anchors.append("")
        }
        accounts.hostColumn = accounts.column("host")
        accounts.fromColumn = accounts.column("first")
        accounts.toColumn = accounts.column("last")
        tables.append(accounts)

        var sources = HTMLTable(id: "sources", title: "Sources",
                                intro: "Addresses that connected: attackers first, then by failed logins.",
                                columns: [("address", "address", "code"), ("attacker", "attacker", "text"), ("failed", "failed logins", "num"),
                                          ("successful", "successful logins", "num"), ("tried", "user names tried", "num"),
                                          ("loggedin", "logged in as", "text"), ("hosts", "hosts touched", "text"),
                                          ("read", "bytes read", "bytes"), ("written", "bytes written", "bytes"),
                                          ("first", "first seen (UTC)", "time"), ("last", "last seen (UTC)", "time"), ("reasons", "why", "long")])
        sources.total = report.entities.sources.count
        for source in report.entities.sources.prefix(cap) {
            sources.rows.append([.text(source.address), .text(source.isAttacker ? "attacker" : ""), number(source.failedLogins),
                                 number(source.successfulLogins), number(source.usersTriedCount), .text(source.usersLoggedIn.joined(separator: ", ")),
                                 .text(source.hostsTouched.joined(separator: ", ")), .number(source.bytesRead), .number(source.bytesWritten),
                                 text(source.firstSeen), text(source.lastSeen), .text(source.reasons.map(clip).joined(separator: "; "))])
            sources.anchors.append("")
        }
        sources.hostColumn = sources.column("hosts")
        sources.fromColumn = sources.column("first")
        sources.toColumn = sources.column("last")
        tables.append(sources)

        var sessions = HTMLTable(id: "sessions", title: "Sessions",
                                 intro: "SSH login sessions joined from sshd, PAM, logind, sudo/su and sftp-server lines.",
                                 columns: [("id", "session", "code"), ("host", "host", "text"), ("user", "user", "text"), ("source", "from", "code"),
                                           ("auth", "method", "text"), ("malicious", "malicious", "text"), ("start", "start (UTC)", "time"),
                                           ("end", "end (UTC)", "time"), ("seconds", "seconds", "num"), ("commands", "commands", "num"),
                                           ("files", "file operations", "num"), ("read", "bytes read", "bytes"), ("written", "bytes written", "bytes"),
                                           ("paths", "files read or written", "long"), ("evidence", "evidence", "code")])
        sessions.total = report.sessions.count
        for session in report.sessions.prefix(cap) {
            let paths = session.files.filter { $0.operation == "read" || $0.operation == "write" }.map(\.path)
            var pathText = paths.prefix(limits.listItems).joined(separator: ", ")
            if paths.count > limits.listItems { pathText += " (+\(paths.count - limits.listItems))" }
            sessions.rows.append([.text(session.id), .text(session.host), .text(session.user), text(session.source), text(session.authMethod),
                                  .text(session.isMalicious ? "malicious" : ""), text(session.start), text(session.end),
                                  session.durationSeconds.map { .number($0) } ?? .empty, number(session.commandsTotal), number(session.filesTotal),
                                  .number(session.bytesRead), .number(session.bytesWritten), .text(clip(pathText)),
                                  .text(session.evidence.prefix(2).map(place).joined(separator: ", "))])
            sessions.anchors.append("s-\(session.id)")
        }
        sessions.hostColumn = sessions.column("host")
        sessions.fromColumn = sessions.column("start")
        sessions.toColumn = sessions.column("end")
        tables.append(sessions)

        var sensitive = HTMLTable(id: "sensitive", title: "Sensitive data in the logs",
                                  intro: "Secrets and personal data written into the logs, per category, as the report holds them (redacted unless the scan was run with --no-redact).",
                                  columns: [("category", "category", "text"), ("count", "found", "num"), ("validation", "validated by", "text"),
                                            ("values", "values", "long"), ("locations", "where", "code"), ("rule", "rule id", "code")])
        sensitive.total = report.sensitiveData.count
        for entry in report.sensitiveData.prefix(cap) {
            var values = entry.values.prefix(limits.listItems).map(clip).joined(separator: ", ")
            if entry.values.count > limits.listItems { values += " (+\(entry.values.count - limits.listItems) more)" }
            var places = entry.locations.prefix(limits.listItems).map(place).joined(separator: ", ")
            if entry.locations.count > limits.listItems { places += " (+\(entry.locations.count - limits.listItems) more)" }
            sensitive.rows.append([.text(entry.category), number(entry.count), text(entry.validation), .text(values), .text(places), .text(entry.rule)])
            sensitive.anchors.append("")
        }
        tables.append(sensitive)

        var coverage = HTMLTable(id: "coverage", title: "Coverage",
                                 intro: "What the logs of each host and source cover: quiet periods longer than normal (gaps) and integrity problems.",
                                 columns: [("host", "host", "text"), ("source", "log", "text"), ("files", "files", "num"), ("lines", "lines", "num"),
                                           ("first", "first (UTC)", "time"), ("last", "last (UTC)", "time"), ("gaps", "gaps", "num"),
                                           ("gapList", "gaps (UTC)", "long"), ("integrity", "integrity", "long")])
        coverage.total = report.coverage.count
        for entry in report.coverage.prefix(cap) {
            let gaps = entry.gaps.prefix(limits.listItems).map { "\($0.from) → \($0.to)" + ($0.explanation.map { " (\($0))" } ?? "") }
            coverage.rows.append([.text(entry.host), .text(entry.source), number(entry.files.count), number(entry.lines), text(entry.first), text(entry.last),
                                  number(entry.gaps.count), .text(clip(gaps.joined(separator: "; ") + (entry.gaps.count > limits.listItems ? " …" : ""))),
                                  .text(clip(entry.integrity.map { "\($0.kind): \($0.detail)" }.joined(separator: "; ")))])
            coverage.anchors.append("")
        }
        coverage.hostColumn = coverage.column("host")
        coverage.fromColumn = coverage.column("first")
        coverage.toColumn = coverage.column("last")
        tables.append(coverage)

        var evidence = HTMLTable(id: "evidence", title: "Evidence files",
                                 intro: "Every file read, in scan order, with the SHA-256 of its bytes as stored and how far it could be read.",
                                 columns: [("path", "file", "code"), ("status", "status", "text"), ("sha256", "SHA-256 (as stored)", "code"),
                                           ("bytes", "bytes", "bytes"), ("compression", "compression", "text"), ("lines", "lines", "num"),
                                           ("first", "first (UTC)", "time"), ("last", "last (UTC)", "time"), ("time", "year / zone from", "text"),
                                           ("problems", "error and warnings", "long")])
        evidence.total = report.evidence.count
        for entry in report.evidence.prefix(cap) {
            var problems = entry.warnings.map(clip)
            if let error = entry.error { problems.insert(clip(error), at: 0) }
            if entry.hasDamagedData { problems.append("damaged gzip data") }
            let compression = entry.archiveFormat.map { "\($0) archive" + (entry.compression == "none" ? "" : ", \(entry.compression)") } ?? entry.compression
            let time = [entry.yearSource, entry.zoneSource].compactMap { $0 }.joined(separator: " / ")
            evidence.rows.append([.text(entry.path), .text(entry.status.rawValue), text(entry.sha256), .number(entry.bytes), .text(compression),
                                  number(entry.lines), text(entry.timeRange?.first), text(entry.timeRange?.last), .text(time),
                                  .text(problems.joined(separator: "; "))])
            evidence.anchors.append("")
        }
        evidence.fromColumn = evidence.column("first")
        evidence.toColumn = evidence.column("last")
        tables.append(evidence)
        self.tables = tables

        // Provenance.
        func counted(_ values: [String]) -> String {
            var counts: [String: Int] = [:]
            for value in values { counts[value, default: 0] += 1 }
            return counts.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) files)" }.joined(separator: ", ")
        }
        var timeSources: [String] = []
        let years = report.evidence.compactMap(\.yearSource)
        let zones = report.evidence.compactMap(\.zoneSource)
        if !years.isEmpty { timeSources.append("Years of year-less stamps from: " + counted(years) + ".") }
        if !zones.isEmpty { timeSources.append("Zones of local stamps from: " + counted(zones) + ".") }
        let ambiguous = report.findings.filter { $0.time?.isAmbiguous == true }.count
        if ambiguous > 0 { timeSources.append("\(ambiguous) findings fall in an hour repeated when clocks went back (the earlier instant was taken).") }
        let unreadable = report.evidence.filter { $0.status != .ok }.map { "\($0.path): \($0.status.rawValue)" + ($0.error.map { " — \(clip($0))" } ?? "") }
        let engineErrors = report.rules.statistics.filter { $0.engineErrors > 0 }.map { statistic in
            "rule \(statistic.id): \(statistic.engineErrors) lines not assessed (PCRE2 limit)" + (statistic.firstEngineError.map { ", first at \(place($0))" } ?? "")
        }
        provenance = HTMLProvenance(tool: report.tool.name, version: report.tool.version, schema: report.schema, ruleCount: report.rules.count,
                                    ruleSetSHA256: report.rules.sha256, findingsCap: report.rules.findingsCapPerRule,
                                    commandLine: report.run.argv.map(Self.shellQuoted).joined(separator: " "), runStart: report.run.start,
                                    durationSeconds: report.run.durationSeconds, jobs: report.run.jobs, complete: report.summary.isComplete,
                                    problems: report.summary.problems.map(clip), warnings: report.summary.warnings.map(clip), timeSources: timeSources,
                                    unreadable: unreadable, engineErrors: engineErrors, method: report.exposure.method,
                                    pageLimits: "This page shows at most \(cap) rows per table (the findings a verdict or the timeline cites are always shown; \(shownFindings) of \(report.findings.count) findings here) and \(limits.textCharacters) characters of a line; the chart counts every finding of the report. The JSON report (--format json) has everything.")
    }

    /// An argument as a POSIX shell would need it written.
    static func shellQuoted(_ argument: String) -> String {
        let plain = argument.unicodeScalars.allSatisfy { scalar in
            CharacterSet.alphanumerics.contains(scalar) || "-_./=:,@%+".unicodeScalars.contains(scalar)
        }
        if plain && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
