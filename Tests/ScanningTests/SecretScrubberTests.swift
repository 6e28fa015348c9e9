import ExposureReport
import Foundation
@testable import Scanning
import Testing

@Suite("Secret scrubbing of the whole report")
struct SecretScrubberTests {
    static func report(findingID: String, text: String) -> ScanReport {
        var finding = Finding(rule: FindingRule(id: "rule-1", name: nil, title: "t", level: "low", tags: []), fields: ["user": text],
                              time: nil, evidence: [EvidenceLocation(path: "auth.log", line: 1, offset: 0, text: text, bytes: nil, isTruncated: nil, isRedacted: nil)],
                              isFromDamagedData: nil)
        finding.id = findingID
        return ScanReport(tool: ToolInfo(name: "spoor", version: "test"), run: RunInfo(argv: [], start: "", durationSeconds: 0, jobs: 1),
                          rules: RuleSetSummary(count: 1, sha256: String(repeating: "b", count: 64), statistics: [], findingsCapPerRule: 1),
                          evidence: [], findings: [finding],
                          summary: ScanSummary(isComplete: true, findings: 1, matchesByLevel: [:], evidenceFiles: 0, problems: []))
    }

    @Test("a secret is replaced in every string value, with JSON escapes, but never in ids and hashes")
    func scrubs() throws {
        // A hex-looking secret that also occurs in the finding id and the rule set's hash.
        let secret = "bbbbbbbb"
        let report = Self.report(findingID: "00bbbbbbbb000000", text: "password=bbbbbbbb and a/slash")
        let scrubbed = SecretScrubber(secrets: [(Array(secret.utf8), "[redacted secret]")]).scrub(report)
        #expect(scrubbed.findings[0].id == "00bbbbbbbb000000")
        #expect(scrubbed.rules.sha256 == String(repeating: "b", count: 64))
        #expect(scrubbed.findings[0].evidence[0].text == "password=[redacted secret] and a/slash")
        #expect(scrubbed.findings[0].fields["user"] == "password=[redacted secret] and a/slash")
    }

    @Test("a secret in a line stored as base64 bytes is replaced inside the decoded bytes")
    func scrubsBytes() throws {
        var report = Self.report(findingID: "0000000000000000", text: "x")
        let line: [UInt8] = Array("key=Secr3t!x ".utf8) + [0xff]
        report.findings[0].evidence[0].text = nil
        report.findings[0].evidence[0].bytes = Data(line).base64EncodedString()
        let scrubbed = SecretScrubber(secrets: [(Array("Secr3t!x".utf8), "[r]")]).scrub(report)
        let bytes = try #require(scrubbed.findings[0].evidence[0].bytes.flatMap { Data(base64Encoded: $0) })
        #expect(Array(bytes) == Array("key=[r] ".utf8) + [0xff])
    }

    @Test("secrets shorter than 6 bytes are left to their own findings")
    func shortSecrets() {
        let report = Self.report(findingID: "0000000000000000", text: "pw=abc12")
        let scrubbed = SecretScrubber(secrets: [(Array("abc12".utf8), "[r]")]).scrub(report)
        #expect(scrubbed.findings[0].evidence[0].text == "pw=abc12")
    }
}
