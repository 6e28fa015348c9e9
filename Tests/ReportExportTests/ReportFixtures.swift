import ExposureReport
import Foundation

/// Hand-made reports for the exporters: small, but with every shape an exporter must handle.
enum ReportFixtures {
    static let sshRule = FindingRule(id: "rule-ssh-invalid-user", name: "ssh_invalid_user", title: "SSH login for an unknown account",
                                     level: "low", tags: ["attack.t1110", "attack.t1110"])
    static let sudoRule = FindingRule(id: "rule-sudo-shell", name: nil, title: "sudo to a shell", level: "high", tags: [],
                                      author: "Someone", license: "DRL-1.1", source: "https://example.org/rule")
    static let bruteForce = FindingRule(id: "corr-brute-force", name: "brute_force", title: "Brute force", level: "critical", tags: ["attack.t1110"])
    static let mediumRule = FindingRule(id: "rule-medium", name: nil, title: "Medium thing", level: "medium", tags: [])
    static let infoRule = FindingRule(id: "rule-info", name: nil, title: "Informational thing", level: "informational", tags: [])

    static func location(_ line: Int, path: String = "var/log/auth.log", text: String? = nil, bytes: String? = nil) -> EvidenceLocation {
        EvidenceLocation(path: path, line: line, offset: Int64(line * 100), text: text ?? (bytes == nil ? "line \(line)" : nil), bytes: bytes,
                         isTruncated: nil, isRedacted: nil)
    }

    static func finding(_ rule: FindingRule, _ evidence: [EvidenceLocation], fields: [String: String] = ["user": "root"]) -> Finding {
        var finding = Finding(rule: rule, fields: fields,
                time: FindingTime(text: "Mar  7 10:00:21", utc: "2025-03-07T10:00:21Z", yearSource: "in-line", zoneSource: "assumed-utc",
                                  isAmbiguous: nil, confidence: "low"),
                evidence: evidence, isFromDamagedData: nil)
        // A report's finding ids are 16 hex digits (the scan derives them; here the line is enough).
        finding.id = String(repeating: "0", count: 12) + String(format: "%04x", (evidence.first?.line ?? 0) * 16 + rule.id.count % 16)
        return finding
    }

    /// Two evidence files (one with a space and a colon in its name, one absolute), five findings over
    /// five levels, one of them a correlation with three evidence lines and one on a line that is not UTF-8.
    static var report: ScanReport {
        let evidence = [
            EvidenceEntry(path: "var/log/auth.log", sha256: String(repeating: "a", count: 64), bytes: 1000, compression: "none",
                          decompressedBytes: 1000, lines: 10, status: .ok, error: nil, warnings: [], gzipMembers: nil,
                          truncatedLines: 0, hasDamagedData: false),
            EvidenceEntry(path: "/evidence/odd name:1.log", sha256: String(repeating: "b", count: 64), bytes: 10, compression: "gzip",
                          decompressedBytes: 20, lines: 2, status: .partial, error: "truncated", warnings: ["cut"], gzipMembers: 0,
                          truncatedLines: 0, hasDamagedData: false),
        ]
        let findings = [
            finding(sshRule, [location(3)]),
            finding(sudoRule, [location(5)]),
            finding(mediumRule, [location(1, path: "/evidence/odd name:1.log", bytes: "/w==")]),
            finding(infoRule, [location(6)], fields: [:]),
            finding(bruteForce, [location(9), location(3), location(4)]),
        ]
        let statistics = [sshRule, sudoRule, mediumRule, infoRule, bruteForce].map {
            RuleStatistics(id: $0.id, matches: 1, reported: 1, engineErrors: 0, firstEngineError: nil)
        }
        return ScanReport(tool: ToolInfo(name: "spoor", version: "0.0.0-test"),
                          run: RunInfo(argv: ["spoor", "scan"], start: "2025-03-07T10:00:00Z", durationSeconds: 0.5, jobs: 1),
                          rules: RuleSetSummary(count: 5, sha256: String(repeating: "c", count: 64), statistics: statistics, findingsCapPerRule: 1000),
                          evidence: evidence, findings: findings,
                          summary: ScanSummary(isComplete: false, findings: findings.count,
                                               matchesByLevel: ["low": 1, "high": 1, "medium": 1, "informational": 1, "critical": 1],
                                               evidenceFiles: 2, problems: ["/evidence/odd name:1.log: partial: truncated"],
                                               warnings: ["time zone assumed UTC"]))
    }
}
