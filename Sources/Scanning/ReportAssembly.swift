import ParallelWork
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

    /// The report, secrets removed (``assemble(outcome:rules:configuration:run:)`` then its report).
    public static func report(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) -> ScanReport {
        let unscrubbed = unscrubbedReport(outcome: outcome, rules: rules, configuration: configuration, run: run)
        guard configuration.isRedacting && !outcome.secrets.isEmpty else { return unscrubbed }
        return SecretScrubber(secrets: outcome.secrets).scrub(unscrubbed)
    }

    /// The report and its `spoor.report/v1` JSON (``ScanReport/encodedJSON()``), secrets removed from
    /// both. Scrubbing works on the encoded JSON, so the JSON costs one encoding; the report model is
    /// decoded from the scrubbed JSON only when asked for (``AssembledReport/report()``) and a secret
    /// was replaced. Throws what encoding the report throws.
    public static func assemble(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) throws -> AssembledReport {
        let (base, input) = reportBeforeAnalysis(outcome: outcome, rules: rules, configuration: configuration, run: run)
        var report = base
        let scrubber = configuration.isRedacting && !outcome.secrets.isEmpty ? SecretScrubber(secrets: outcome.secrets) : nil
        // The findings are final before the analysis: they are encoded (and scrubbed) while it runs.
        let findings = report.findings
        let (analysis, (findingsBytes, findingsScrubbed)) = ParallelWork.both(threads: configuration.jobs,
            { ExposureAnalysis.analyse(input) },
            { ReportJSON.scrubbed(ReportJSONWriter.encode(findings, capacity: findings.count * 1024), scrubber: scrubber) })
        apply(analysis, to: &report)
        // Then the sessions (the other large section), in parts, side by side with the rest.
        let sessions = report.sessions
        report.findings = []
        report.sessions = []
        let rest = report
        let sessionParts = ReportJSON.parts(sessions.count, threads: configuration.jobs)
        let encoded = ParallelWork.map(count: 1 + sessionParts.count, threads: configuration.jobs) { job -> Result<(json: [UInt8], isScrubbed: Bool), EncodingError> in
            do throws(EncodingError) {
                if job == 0 { return .success(ReportJSON.scrubbed(try ReportJSON.encode(rest), scrubber: scrubber)) }
                let part = Array(sessions[sessionParts[job - 1]])
                return .success(ReportJSON.scrubbed(ReportJSONWriter.encode(part, capacity: part.count * 2048), scrubber: scrubber))
            } catch { return .failure(error) }
        }
        let first = try encoded[0].get()
        var json = first.json
        var isScrubbed = findingsScrubbed || first.isScrubbed
        if !sessions.isEmpty {
            let parts = try encoded.dropFirst().map { try $0.get() }
            isScrubbed = isScrubbed || parts.contains { $0.isScrubbed }
            json = ReportJSON.splice(array: ReportJSON.join(parts.map(\.json)), key: "sessions", into: json)
        }
        if !findings.isEmpty { json = ReportJSON.splice(array: findingsBytes, key: "findings", into: json) }
        json.append(0x0a)
        report.findings = findings
        report.sessions = sessions
        return AssembledReport(json: Data(json), model: isScrubbed ? nil : report, summary: report.summary, statistics: report.rules.statistics)
    }

    /// Everything but the scrubbing.
    static func unscrubbedReport(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) -> ScanReport {
        var (report, input) = reportBeforeAnalysis(outcome: outcome, rules: rules, configuration: configuration, run: run)
        apply(ExposureAnalysis.analyse(input), to: &report)
        return report
    }

    static func apply(_ analysis: AnalysisResult, to report: inout ScanReport) {
        report.exposure = analysis.exposure
        report.entities = analysis.entities
        report.sessions = analysis.sessions
        report.coverage = analysis.coverage
        report.sensitiveData = analysis.sensitiveData
        report.timeline = analysis.timeline
    }

    /// The report with its findings and without the analysis' sections, and the analysis' input.
    static func reportBeforeAnalysis(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) -> (ScanReport, AnalysisInput) {
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
        let report = ScanReport(
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
        return (report, input)
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
    /// A bit for each pair of bytes that starts a secret as escaped: a string without one of these
    /// pairs holds no secret, so most strings are passed over in one look at each byte.
    let startingPairs: [UInt64]

    init(secrets: [(value: [UInt8], marker: String)]) {
        // A secret as the report's own encoder writes it inside a string (slashes unescaped).
        let encoder = ScanReport.makeJSONEncoder()
        self.secrets = secrets.filter { $0.value.count >= 6 }
            .sorted { $0.value.count > $1.value.count }
            .compactMap { secret in
                guard let text = String(validating: secret.value, as: UTF8.self),
                      let encoded = try? encoder.encode(text) else { return nil }
                return (Array(encoded.dropFirst().dropLast()), Array(secret.marker.utf8), secret.value)
            }
        var pairs = [UInt64](repeating: 0, count: 65536 / 64)
        for secret in self.secrets where secret.escaped.count >= 2 {
            let pair = Int(secret.escaped[0]) << 8 | Int(secret.escaped[1])
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        startingPairs = pairs
    }

    /// Whether `content` has a pair of bytes that starts a secret (``startingPairs``).
    func mayHoldSecret(_ content: UnsafeBufferPointer<UInt8>) -> Bool {
        guard content.count >= 2 else { return false }
        return startingPairs.withUnsafeBufferPointer { pairs in
            var previous = Int(content[0])
            for index in 1..<content.count {
                let current = Int(content[index])
                let pair = previous << 8 | current
                if pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 { return true }
                previous = current
            }
            return false
        }
    }

    func scrub(_ report: ScanReport) -> ScanReport {
        guard !secrets.isEmpty, let data = try? ScanReport.makeJSONEncoder().encode(report) else { return report }
        let original = Array(data)
        let scrubbed = scrub(json: original)
        // Decoding the report again costs as much as encoding it: only when a secret was replaced.
        guard scrubbed != original else { return report }
        return AssembledReport.decode(Data(scrubbed))
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
                    // A key: compared only with the keys of its length (the report has millions of keys).
                    lastKeyIsBytes = Self.equals(content, Self.bytesKey)
                    lastKeyIsOwn = content.count < Self.ownKeysByLength.count && Self.ownKeysByLength[content.count].contains { Self.equals(content, $0) }
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
                } else if mayHoldSecret(content) && secrets.contains(where: { Self.contains(content, $0.escaped) }) {
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

    /// ``ownKeys`` by their length.
    static let ownKeysByLength: [[[UInt8]]] = {
        var byLength = Array(repeating: [[UInt8]](), count: (ownKeys.map(\.count).max() ?? 0) + 1)
        for key in ownKeys { byLength[key.count].append(key) }
        return byLength
    }()

    static let bytesKey = Array("bytes".utf8)

    static func equals(_ content: UnsafeBufferPointer<UInt8>, _ key: [UInt8]) -> Bool {
        !key.isEmpty && content.count == key.count && key.withUnsafeBufferPointer { memcmp(content.baseAddress!, $0.baseAddress!, key.count) == 0 }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { ByteSearch.contains($0, needle) }
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        ByteSearch.contains(haystack, needle)
    }
}

/// A finished report: its `spoor.report/v1` JSON and, on demand, its model, both without the secrets
/// the rules found (``ReportAssembly/assemble(outcome:rules:configuration:run:)``).
public struct AssembledReport: Sendable {
    /// The report's JSON, byte for byte what ``ScanReport/encodedJSON()`` gives for ``report()``.
    public let json: Data
    /// The model when no secret had to be replaced in it; nil when it is to be decoded from `json`.
    let model: ScanReport?
    /// The summary and rule statistics, for the exit status and the problems said on standard error:
    /// counts, rule ids, evidence paths and errors, never evidence text.
    public let summary: ScanSummary
    public let statistics: [RuleStatistics]

    /// The report model, secrets removed: decoded from ``json`` when a secret was replaced (as costly as
    /// encoding it), else the model itself.
    public func report() -> ScanReport {
        model ?? Self.decode(json)
    }

    /// Decodes JSON this module has just encoded and scrubbed: a failure is a bug, never evidence.
    static func decode(_ json: Data) -> ScanReport {
        do {
            return try JSONDecoder().decode(ScanReport.self, from: json)
        } catch {
            fatalError("spoor: the report, secrets removed, does not decode again: \(error)")
        }
    }
}

/// The report's JSON made in two parts, the findings and the rest, joined into exactly the bytes
/// ``ScanReport/encodedJSON()`` gives for the whole (a test holds the two equal).
enum ReportJSON {
    /// A value as the report's encoder writes it (no final newline).
    static func encode<Value: Encodable>(_ value: Value) throws(EncodingError) -> [UInt8] {
        do { return Array(try ScanReport.makeJSONEncoder().encode(value)) } catch let error as EncodingError { throw error } catch {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "\(error)"))
        }
    }

    /// `json` scrubbed of secrets, and whether one was replaced.
    static func scrubbed(_ json: [UInt8], scrubber: SecretScrubber?) -> (json: [UInt8], isScrubbed: Bool) {
        guard let scrubber else { return (json, false) }
        let result = scrubber.scrub(json: json)
        return (result, result != json)
    }

    /// `count` elements cut into one part per thread (none when there are none).
    static func parts(_ count: Int, threads: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let partCount = max(1, min(threads, count / 64))
        return (0..<partCount).map { part in (count * part / partCount)..<(count * (part + 1) / partCount) }
    }

    /// Top-level arrays (each not empty, as the encoder writes them) joined into one: `[\n  a\n]` and
    /// `[\n  b\n]` give `[\n  a,\n  b\n]`, exactly what encoding all the elements at once gives.
    static func join(_ parts: [[UInt8]]) -> [UInt8] {
        guard var joined = parts.first else { return Array("[]".utf8) }
        for part in parts.dropFirst() {
            precondition(joined.suffix(2).elementsEqual("\n]".utf8) && part.first == UInt8(ascii: "["), "not a pretty-printed array")
            joined.removeLast(2)
            joined.append(UInt8(ascii: ","))
            joined.append(contentsOf: part.dropFirst())
        }
        return joined
    }

    /// Puts `array` (a top-level array, not empty) in place of the empty array under `key` at depth 1
    /// of `report` (the report encoded with that array empty): every line after its first is indented
    /// two more spaces, except the blank lines of empty arrays. A pretty-printed JSON string never holds a raw newline, so every newline byte
    /// is one of the layout's.
    static func splice(array: [UInt8], key: String, into report: [UInt8]) -> [UInt8] {
        let marker = Array("\n  \"\(key)\" : ".utf8)
        guard let keyStart = find(marker, in: report), let open = report[(keyStart + marker.count)...].firstIndex(of: UInt8(ascii: "[")),
              let close = report[open...].firstIndex(of: UInt8(ascii: "]")) else {
            preconditionFailure("the report's JSON has no \(key) array")
        }
        var output: [UInt8] = []
        output.reserveCapacity(report.count + array.count + array.count / 8)
        output.append(contentsOf: report[..<open])
        var lineStart = 0
        for (index, byte) in array.enumerated() where byte == 0x0a {
            output.append(contentsOf: array[lineStart...index])
            // The encoder leaves the blank line inside an empty array unindented.
            if index + 1 < array.count && array[index + 1] != 0x0a {
                output.append(0x20)
                output.append(0x20)
            }
            lineStart = index + 1
        }
        output.append(contentsOf: array[lineStart...])
        output.append(contentsOf: report[(close + 1)...])
        return output
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        while let start = haystack[index...].firstIndex(of: first), start + needle.count <= haystack.count {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
            index = start + 1
        }
        return nil
    }
}
