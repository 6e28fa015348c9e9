import Crypto
import DetectionRules
import ExposureAnalysis
import ExposureReport
import Foundation
import RecordParsing

/// Builds the full report from a scan outcome and how the run was made: finding ids, the
/// investigator's filters, the exposure analysis (sessions, entities, verdicts, coverage, sensitive
/// data, timeline) and, unless `--no-redact`, the removal of every secret the rules found from every
/// part of the report.
public enum ReportAssembly {
    public static let toolVersion = "0.1.0"

    public static func report(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) -> ScanReport {
        var matchesByLevel: [String: Int] = [:]
        for (index, statistic) in outcome.statistics.enumerated() where statistic.matches > 0 {
            // Base rules that only feed correlations report nothing themselves: their events are not findings.
            let subject = rules.statisticSubject(index)
            guard subject.emitsFindings else { continue }
            matchesByLevel[subject.level.rawValue, default: 0] += statistic.matches
        }
        var problems = outcome.problems
        for entry in outcome.evidence where entry.status != .ok {
            problems.append("\(entry.path): \(entry.status.rawValue): \(entry.error ?? "unknown error")")
        }
        for statistic in outcome.statistics where statistic.engineErrors > 0 {
            problems.append("rule \(statistic.id): PCRE2 engine errors on \(statistic.engineErrors) lines")
        }
        let isComplete = problems.isEmpty
        var warnings = outcome.warnings
        for skipped in rules.skipped {
            warnings.append("rule \(skipped.id) (\(skipped.path)) not run: \(skipped.reason)")
        }
        var findings = outcome.findings
        for index in findings.indices { findings[index].id = findingID(findings[index]) }
        let filter = InvestigatorFilter(configuration: configuration)
        if filter.isActive {
            findings = findings.filter(filter.admits)
            warnings.append("findings filtered: \(filter.description); matches_by_level and rule statistics count every match")
        }
        var report = ScanReport(
            tool: ToolInfo(name: "spoor", version: toolVersion),
            run: run,
            rules: RuleSetSummary(count: rules.rules.count + rules.correlations.count, sha256: rules.sha256, statistics: outcome.statistics, findingsCapPerRule: configuration.findingsCapPerRule),
            evidence: outcome.evidence,
            findings: findings,
            summary: ScanSummary(isComplete: isComplete, findings: findings.count, matchesByLevel: matchesByLevel, evidenceFiles: outcome.evidence.count, problems: problems, warnings: warnings))

        var facts: [String: RuleFacts] = [:]
        for rule in rules.rules {
            var sensitive: [String: SensitiveCapture] = [:]
            for (name, entity) in rule.entities where entity.redact {
                sensitive[name] = SensitiveCapture(type: entity.type, check: (rule.captureChecks[name] ?? entity.check)?.rawValue)
            }
            facts[rule.id] = RuleFacts(level: rule.level.rawValue, title: rule.title, tags: rule.tags, exposureCategory: rule.exposure?.category, sensitiveCaptures: sensitive)
        }
        for correlation in rules.correlations {
            facts[correlation.id] = RuleFacts(level: correlation.level.rawValue, title: correlation.title, tags: correlation.tags,
                                              exposureCategory: correlation.exposure?.category, sensitiveCaptures: [:])
        }
        let matches = Dictionary(outcome.statistics.map { ($0.id, $0.matches) }, uniquingKeysWith: +)
        var input = AnalysisInput(paths: outcome.paths, activities: filter.isActive ? outcome.activities.filter(filter.admits) : outcome.activities,
                                  findings: findings, rules: facts, matches: matches, evidence: outcome.evidence,
                                  coverage: outcome.coverage, nulLines: outcome.nulLines)
        input.failures = outcome.failures
        if !filter.hosts.isEmpty {
            input.failures.accounts = input.failures.accounts.filter { filter.hosts.contains($0.key.host) }
            input.failures.sources = input.failures.sources.filter { !$0.value.hosts.isDisjoint(with: filter.hosts) }
            input.coverage = input.coverage.filter { filter.hosts.contains($0.host) }
        }
        let analysis = ExposureAnalysis.analyse(input)
        report.exposure = analysis.exposure
        report.entities = analysis.entities
        report.sessions = analysis.sessions
        report.coverage = analysis.coverage
        report.sensitiveData = analysis.sensitiveData
        report.timeline = analysis.timeline
        if configuration.isRedacting && !outcome.secrets.isEmpty {
            report = SecretScrubber(secrets: outcome.secrets).scrub(report)
        }
        return report
    }

    /// A finding's id: the first 16 hex digits of SHA-256 over its rule id, evidence path, line and offset.
    static func findingID(_ finding: Finding) -> String {
        var text = finding.rule.id
        for location in finding.evidence.prefix(1) { text += "\u{0}\(location.path)\u{0}\(location.line)\u{0}\(location.offset)" }
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// `--host`, `--user`, `--source-ip`, `--min-level`: what the investigator asked to see.
struct InvestigatorFilter {
    let hosts: Set<String>
    let users: Set<String>
    let sources: Set<String>
    let minimumLevel: Int?
    static let levels = ["informational", "low", "medium", "high", "critical"]

    init(configuration: ScanConfiguration) {
        hosts = Set(configuration.hosts)
        users = Set(configuration.users)
        sources = Set(configuration.sourceAddresses)
        minimumLevel = configuration.minimumLevel.flatMap { Self.levels.firstIndex(of: $0) }
    }

    var isActive: Bool { !hosts.isEmpty || !users.isEmpty || !sources.isEmpty || minimumLevel != nil }

    var description: String {
        var parts: [String] = []
        if !hosts.isEmpty { parts.append("host in \(hosts.sorted().joined(separator: ","))") }
        if !users.isEmpty { parts.append("user in \(users.sorted().joined(separator: ","))") }
        if !sources.isEmpty { parts.append("source address in \(sources.sorted().joined(separator: ","))") }
        if let minimumLevel { parts.append("level at least \(Self.levels[minimumLevel])") }
        return parts.joined(separator: ", ")
    }

    func admits(_ finding: Finding) -> Bool {
        if !hosts.isEmpty && !hosts.contains(finding.fields["host"] ?? "") { return false }
        if !users.isEmpty && !users.contains(finding.fields["user"] ?? "") && !users.contains(finding.fields["target_user"] ?? "") { return false }
        if !sources.isEmpty && !sources.contains(finding.fields["src_ip"] ?? "") { return false }
        if let minimumLevel, (Self.levels.firstIndex(of: finding.rule.level) ?? 0) < minimumLevel { return false }
        return true
    }

    /// Activities pass the host filter only: a session's commands and transfers name neither its user's
    /// source nor always its user, so sessions, entities and verdicts stay whole for the hosts kept.
    func admits(_ activity: Activity) -> Bool {
        if !hosts.isEmpty && !hosts.contains(activity.host) { return false }
        return true
    }
}

/// Replaces every secret the rules found, wherever it appears in the report (fields, evidence lines of
/// other rules, sessions' commands, user names tried, the timeline), with its redaction marker.
///
/// The report is scrubbed as encoded JSON, string value by string value (keys are left alone), so no
/// string escapes the scrub whatever section holds it; lines stored as base64 `bytes` are decoded,
/// scrubbed and encoded again. Secrets shorter than 6 bytes are not scrubbed elsewhere (too likely to
/// hit unrelated text); their own findings still hide them.
struct SecretScrubber {
    /// Each secret as it appears inside a JSON string, its marker, and its raw bytes.
    let secrets: [(escaped: [UInt8], marker: [UInt8], raw: [UInt8])]

    init(secrets: [(value: [UInt8], marker: String)]) {
        let encoder = JSONEncoder()
        self.secrets = secrets.filter { $0.value.count >= 6 }
            .sorted { $0.value.count > $1.value.count }
            .compactMap { secret in
                guard let text = String(validating: secret.value, as: UTF8.self),
                      let encoded = try? encoder.encode(text) else { return nil }
                return (Array(encoded.dropFirst().dropLast()), Array(secret.marker.utf8), secret.value)
            }
    }

    func scrub(_ report: ScanReport) -> ScanReport {
        guard !secrets.isEmpty, let data = try? JSONEncoder().encode(report) else { return report }
        let scrubbed = scrub(json: Array(data))
        return (try? JSONDecoder().decode(ScanReport.self, from: Data(scrubbed))) ?? report
    }

    /// Copies `json`, replacing secrets inside string values. Runs of bytes are copied whole and a
    /// string is rewritten only when it holds a secret (memchr finds quotes, ``ByteSearch`` secrets), so a report of
    /// tens of megabytes costs milliseconds.
    func scrub(json: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count + 1024)
        json.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = buffer.count
            var index = 0
            var lastKeyIsBytes = false
            var lastKeyIsOwn = false
            while index < count {
                // Copy up to the next quote.
                guard let quote = memchr(base + index, Int32(UInt8(ascii: "\"")), count - index) else {
                    output.append(contentsOf: buffer[index..<count])
                    break
                }
                let start = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
                output.append(contentsOf: buffer[index...start])
                // The string's end: the next quote not escaped.
                var end = start + 1
                while end < count && buffer[end] != UInt8(ascii: "\"") { end += buffer[end] == UInt8(ascii: "\\") ? 2 : 1 }
                end = min(end, count)
                var next = end + 1
                while next < count && (buffer[next] == 0x20 || buffer[next] == 0x0a) { next += 1 }
                let content = UnsafeBufferPointer(rebasing: buffer[(start + 1)..<end])
                if next < count && buffer[next] == UInt8(ascii: ":") {
                    lastKeyIsBytes = content.elementsEqual("bytes".utf8)
                    lastKeyIsOwn = Self.ownKeys.contains { content.elementsEqual($0) }
                    output.append(contentsOf: content)
                } else if lastKeyIsOwn {
                    // Spoor's own identifiers and hashes: hex that a hex-looking secret could occur in.
                    output.append(contentsOf: content)
                } else if lastKeyIsBytes, let decoded = Data(base64Encoded: Data(content)) {
                    var bytes = Array(decoded)
                    for secret in secrets where Self.contains(bytes, secret.raw) {
                        bytes = Redaction.replacingOccurrences(of: secret.raw, in: bytes, with: secret.marker)
                    }
                    output.append(contentsOf: Data(bytes).base64EncodedString().utf8)
                } else if secrets.contains(where: { Self.contains(content, $0.escaped) }) {
                    var value = Array(content)
                    for secret in secrets where Self.contains(value, secret.escaped) {
                        value = Redaction.replacingOccurrences(of: secret.escaped, in: value, with: secret.marker)
                    }
                    output.append(contentsOf: value)
                } else {
                    output.append(contentsOf: content)
                }
                if end < count { output.append(UInt8(ascii: "\"")) }
                index = end + 1
            }
        }
        return output
    }

    /// Keys whose values Spoor makes itself (ids, hashes, enumerations): never evidence text, never
    /// scrubbed (a secret of hex digits could otherwise rewrite a finding id or a SHA-256).
    static let ownKeys: [[UInt8]] = ["id", "finding_id", "finding_ids", "sha256", "schema", "version", "level", "confidence",
                                     "verdict", "kind", "status", "compression", "rule"].map { Array($0.utf8) }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { ByteSearch.contains($0, needle) }
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        ByteSearch.contains(haystack, needle)
    }
}
