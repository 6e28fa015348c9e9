import Crypto
import ExposureReport
import Foundation

/// Writes a report as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), for code
/// scanning dashboards and SARIF viewers.
///
/// One run. `tool.driver.rules` holds the rules that have findings, in order of their first finding;
/// `results` holds the findings in report order, each located at its evidence line (`uri` relative to
/// `EVIDENCE`, the folder the scan ran in, or a `file:` URI for an absolute path; `region.startLine` the
/// line or record number; `region.snippet` the line as the report holds it, redacted where the scan
/// redacted it, as base64 `binary` when it is not UTF-8). The other evidence lines of a correlation
/// finding are `relatedLocations`. `artifacts` lists every evidence file with its SHA-256;
/// `invocations[0]` says whether the scan was complete, with its problems as error notifications and
/// its warnings as warning notifications.
///
/// Level mapping: `critical`/`high` → `error`, `medium` → `warning`, `low`/`informational` → `note`.
///
/// The output leaves out the report's `run` object (argv, start time, duration), so two scans of the
/// same evidence give byte-identical SARIF; keys are sorted, pretty-printed, with a final newline.
/// `partialFingerprints["spoorEvidence/v1"]` is the SHA-256 of rule id, path, line and offset:
/// stable across scans for the same hit on the same evidence.
public struct SARIFExporter: ReportExporter {
    public let formatName = "sarif"
    public let fileExtension = "sarif"
    public let mediaType = "application/sarif+json"
    public let isStreaming = false

    /// The `uriBaseId` of relative evidence paths: the folder `spoor scan` ran in.
    public static let evidenceBaseIdentifier = "EVIDENCE"
    /// The key of the one partial fingerprint each result carries.
    public static let fingerprintKey = "spoorEvidence/v1"

    public init() {}

    public func export(_ report: ScanReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Self.log(for: report))
        data.append(0x0a)
        return data
    }

    /// The SARIF level of a Spoor rule level.
    public static func level(forRuleLevel level: String) -> String {
        switch level {
        case "critical", "high": "error"
        case "medium": "warning"
        case "low", "informational": "note"
        default: "warning"
        }
    }

    /// The stable fingerprint of a finding: hex SHA-256 of `ruleId NUL path NUL line NUL offset` of its
    /// first evidence location.
    public static func fingerprint(ruleIdentifier: String, location: EvidenceLocation?) -> String {
        let text = [ruleIdentifier, location?.path ?? "", String(location?.line ?? 0), String(location?.offset ?? 0)].joined(separator: "\u{0}")
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// An evidence path as a SARIF artifact location: relative paths stay relative (to `EVIDENCE`),
    /// absolute ones become `file:` URIs; every byte outside `A-Z a-z 0-9 - . _ ~ /` is percent-encoded.
    static func artifactLocation(path: String, index: Int?) -> SARIFLog.ArtifactLocation {
        var allowed = CharacterSet(charactersIn: "-._~/")
        allowed.formUnion(CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        if path.hasPrefix("/") {
            return SARIFLog.ArtifactLocation(uri: "file://" + encoded, uriBaseId: nil, index: index)
        }
        return SARIFLog.ArtifactLocation(uri: encoded, uriBaseId: evidenceBaseIdentifier, index: index)
    }

    static func log(for report: ScanReport) -> SARIFLog.Log {
        var artifactIndex: [String: Int] = [:]
        let artifacts = report.evidence.enumerated().map { index, entry in
            artifactIndex[entry.path] = artifactIndex[entry.path] ?? index
            var properties: [String: SARIFLog.PropertyValue] = [
                "status": .string(entry.status.rawValue),
                "compression": .string(entry.compression),
                "lines": .integer(Int64(entry.lines)),
            ]
            if let error = entry.error { properties["error"] = .string(error) }
            return SARIFLog.Artifact(location: artifactLocation(path: entry.path, index: nil),
                                     length: entry.bytes,
                                     hashes: entry.sha256.map { ["sha-256": $0] },
                                     roles: ["analysisTarget"],
                                     properties: properties)
        }

        var rules: [SARIFLog.ReportingDescriptor] = []
        var ruleIndex: [String: Int] = [:]
        var results: [SARIFLog.Result] = []
        for finding in report.findings {
            let rule = finding.rule
            let index: Int
            if let known = ruleIndex[rule.id] {
                index = known
            } else {
                index = rules.count
                ruleIndex[rule.id] = index
                rules.append(descriptor(for: rule))
            }
            results.append(result(for: finding, ruleIndex: index, artifactIndex: artifactIndex))
        }

        let notifications = report.summary.problems.map { SARIFLog.Notification(level: "error", message: .init(text: $0)) }
            + report.summary.warnings.map { SARIFLog.Notification(level: "warning", message: .init(text: $0)) }
        let run = SARIFLog.Run(
            tool: SARIFLog.Tool(driver: SARIFLog.ToolComponent(name: report.tool.name, version: report.tool.version, informationUri: nil, rules: rules)),
            invocations: [SARIFLog.Invocation(executionSuccessful: report.summary.isComplete, toolExecutionNotifications: notifications)],
            originalUriBaseIds: [evidenceBaseIdentifier: SARIFLog.ArtifactLocation(
                description: .init(text: "The folder spoor scan ran in: relative evidence paths are as given on its command line."))],
            artifacts: artifacts,
            results: results,
            properties: [
                "report_schema": .string(report.schema),
                "rules_loaded": .integer(Int64(report.rules.count)),
                "rules_sha256": .string(report.rules.sha256),
                "findings_cap_per_rule": .integer(Int64(report.rules.findingsCapPerRule)),
                "matches_by_level": .counts(report.summary.matchesByLevel),
            ])
        return SARIFLog.Log(runs: [run])
    }

    private static func descriptor(for rule: FindingRule) -> SARIFLog.ReportingDescriptor {
        var properties: [String: SARIFLog.PropertyValue] = ["level": .string(rule.level)]
        // SARIF wants the tags distinct.
        var seen = Set<String>()
        properties["tags"] = .strings(rule.tags.filter { seen.insert($0).inserted })
        if let author = rule.author { properties["author"] = .string(author) }
        if let license = rule.license { properties["license"] = .string(license) }
        if let source = rule.source { properties["source"] = .string(source) }
        return SARIFLog.ReportingDescriptor(id: rule.id, name: rule.name, shortDescription: .init(text: rule.title),
                                            defaultConfiguration: .init(level: level(forRuleLevel: rule.level)),
                                            properties: properties)
    }

    private static func result(for finding: Finding, ruleIndex: Int, artifactIndex: [String: Int]) -> SARIFLog.Result {
        func location(_ evidence: EvidenceLocation, id: Int?, message: String?) -> SARIFLog.Location {
            let snippet = (evidence.text != nil || evidence.bytes != nil) ? SARIFLog.ArtifactContent(text: evidence.text, binary: evidence.text == nil ? evidence.bytes : nil) : nil
            let region = SARIFLog.Region(startLine: evidence.line >= 1 ? evidence.line : nil, snippet: snippet)
            return SARIFLog.Location(id: id,
                                     physicalLocation: .init(artifactLocation: artifactLocation(path: evidence.path, index: artifactIndex[evidence.path]), region: region),
                                     message: message.map { .init(text: $0) })
        }
        let first = finding.evidence.first
        var properties: [String: SARIFLog.PropertyValue] = ["fields": .dictionary(finding.fields)]
        if let first {
            properties["offset"] = .integer(first.offset)
            if first.isTruncated == true { properties["truncated"] = .boolean(true) }
            if first.isRedacted == true { properties["redacted"] = .boolean(true) }
        }
        if let time = finding.time {
            if let utc = time.utc { properties["utc"] = .string(utc) }
            properties["time_text"] = .string(time.text)
            properties["time_confidence"] = .string(time.confidence)
            if let source = time.yearSource { properties["year_source"] = .string(source) }
            if let source = time.zoneSource { properties["zone_source"] = .string(source) }
            if time.isAmbiguous == true { properties["time_ambiguous"] = .boolean(true) }
        }
        if finding.isFromDamagedData == true { properties["damaged_data"] = .boolean(true) }
        let related = finding.evidence.dropFirst().enumerated().map { index, evidence in
            location(evidence, id: index + 1, message: "contributing event at offset \(evidence.offset)")
        }
        return SARIFLog.Result(ruleId: finding.rule.id, ruleIndex: ruleIndex, level: level(forRuleLevel: finding.rule.level),
                               message: .init(text: messageText(finding)),
                               locations: first.map { [location($0, id: nil, message: nil)] } ?? [],
                               relatedLocations: related.isEmpty ? nil : related,
                               partialFingerprints: [fingerprintKey: fingerprint(ruleIdentifier: finding.rule.id, location: first)],
                               properties: properties)
    }

    /// The title, then up to eight of the finding's fields as `name=value`, sorted by name.
    static func messageText(_ finding: Finding) -> String {
        let names = finding.fields.keys.sorted()
        guard !names.isEmpty else { return finding.rule.title }
        var pairs = names.prefix(8).map { "\($0)=\(finding.fields[$0] ?? "")" }
        if names.count > 8 { pairs.append("… \(names.count - 8) more fields") }
        return finding.rule.title + ": " + pairs.joined(separator: ", ")
    }
}
