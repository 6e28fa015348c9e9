import ExposureReport
import Foundation
import ReportArchive
import ReportExport
import Testing

@Suite("SARIF exporter")
struct SARIFExporterTests {
    /// The fixture report as SARIF, parsed (and kept for scripts/validate-reports).
    private func sarif(_ report: ScanReport = ReportFixtures.report, test: String = #function) throws -> [String: Any] {
        let data = try SARIFExporter().export(report)
        ReportArchive.keep(data, as: .sarif, test: test)
        #expect(data.last == 0x0a)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func run(_ log: [String: Any]) throws -> [String: Any] {
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    @Test("levels: critical and high are errors, medium a warning, low and informational notes", arguments: [
        ("critical", "error"), ("high", "error"), ("medium", "warning"), ("low", "note"), ("informational", "note"),
    ])
    func levelMapping(spoorLevel: String, sarifLevel: String) {
        #expect(SARIFExporter.level(forRuleLevel: spoorLevel) == sarifLevel)
    }

    @Test("rules are those with findings, in order of first finding, with level, distinct tags and attribution")
    func rules() throws {
        let run = try run(sarif())
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "spoor")
        #expect(driver["version"] as? String == "0.0.0-test")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["rule-ssh-invalid-user", "rule-sudo-shell", "rule-medium", "rule-info", "corr-brute-force"])
        #expect(rules.map { ($0["defaultConfiguration"] as? [String: Any])?["level"] as? String } == ["note", "error", "warning", "note", "error"])
        #expect((rules[0]["shortDescription"] as? [String: Any])?["text"] as? String == "SSH login for an unknown account")
        #expect(rules[0]["name"] as? String == "ssh_invalid_user")
        #expect(rules[1]["name"] == nil)
        let ssh = try #require(rules[0]["properties"] as? [String: Any])
        #expect(ssh["tags"] as? [String] == ["attack.t1110"])
        #expect(ssh["level"] as? String == "low")
        let sudo = try #require(rules[1]["properties"] as? [String: Any])
        #expect(sudo["author"] as? String == "Someone")
        #expect(sudo["license"] as? String == "DRL-1.1")
        #expect(sudo["source"] as? String == "https://example.org/rule")
    }

    @Test("each finding is a result at its evidence line, with a snippet, and a correlation's other lines are related locations")
    func results() throws {
        let run = try run(sarif())
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 5)
        #expect(results.map { $0["ruleIndex"] as? Int } == [0, 1, 2, 3, 4])
        #expect(results.map { $0["level"] as? String } == ["note", "error", "warning", "note", "error"])

        let first = results[0]
        #expect((first["message"] as? [String: Any])?["text"] as? String == "SSH login for an unknown account: user=root")
        let physical = try #require((first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let artifact = try #require(physical["artifactLocation"] as? [String: Any])
        #expect(artifact["uri"] as? String == "var/log/auth.log")
        #expect(artifact["uriBaseId"] as? String == "EVIDENCE")
        #expect(artifact["index"] as? Int == 0)
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 3)
        #expect((region["snippet"] as? [String: Any])?["text"] as? String == "line 3")
        let properties = try #require(first["properties"] as? [String: Any])
        #expect(properties["offset"] as? Int == 300)
        #expect(properties["utc"] as? String == "2025-03-07T10:00:21Z")
        #expect(properties["fields"] as? [String: String] == ["user": "root"])
        #expect(first["relatedLocations"] == nil)

        // An absolute path with a space and a colon, and a line that is not UTF-8.
        let odd = try #require((results[2]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let oddArtifact = try #require(odd["artifactLocation"] as? [String: Any])
        #expect(oddArtifact["uri"] as? String == "file:///evidence/odd%20name%3A1.log")
        #expect(oddArtifact["uriBaseId"] == nil)
        #expect(((odd["region"] as? [String: Any])?["snippet"] as? [String: Any])?["binary"] as? String == "/w==")

        let related = try #require(results[4]["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 2)
        #expect(related.map { $0["id"] as? Int } == [1, 2])
        #expect(related.map { (($0["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int } == [3, 4])
    }

    @Test("fingerprints: stable across runs and reports, different for different hits")
    func fingerprints() throws {
        func prints(_ log: [String: Any]) throws -> [String] {
            try #require(try run(log)["results"] as? [[String: Any]]).compactMap {
                ($0["partialFingerprints"] as? [String: String])?[SARIFExporter.fingerprintKey]
            }
        }
        let first = try prints(sarif())
        var changed = ReportFixtures.report
        changed.run = RunInfo(argv: ["other"], start: "2030-01-01T00:00:00Z", durationSeconds: 9, jobs: 8)
        changed.findings[0].fields["user"] = "admin"
        #expect(try prints(sarif(changed)) == first, "the fingerprint is rule, path, line and offset only")
        #expect(Set(first).count == first.count)
        #expect(first.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
        #expect(first[0] == SARIFExporter.fingerprint(ruleIdentifier: "rule-ssh-invalid-user", location: ReportFixtures.location(3)))
        // Pinned: a change of the recipe would break every dashboard's tracking of known results.
        let pinned = SARIFExporter.fingerprint(ruleIdentifier: "r", location: EvidenceLocation(path: "p", line: 1, offset: 0, text: nil, bytes: nil, isTruncated: nil, isRedacted: nil))
        #expect(pinned == Self.sha256Hex("r\u{0}p\u{0}1\u{0}0"))
    }

    @Test("byte-identical output whatever the run object says")
    func determinism() throws {
        var other = ReportFixtures.report
        other.run = RunInfo(argv: ["x"], start: "later", durationSeconds: 3, jobs: 16)
        #expect(try SARIFExporter().export(ReportFixtures.report) == SARIFExporter().export(other))
    }

    @Test("artifacts carry SHA-256 hashes; the invocation carries completeness, problems and warnings")
    func artifactsAndInvocation() throws {
        let run = try run(sarif())
        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        #expect(artifacts.count == 2)
        #expect((artifacts[0]["hashes"] as? [String: String])?["sha-256"] == String(repeating: "a", count: 64))
        #expect(artifacts[1]["length"] as? Int == 10)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.map { $0["level"] as? String } == ["error", "warning"])
        #expect((notifications[1]["message"] as? [String: Any])?["text"] as? String == "time zone assumed UTC")
    }

    static func sha256Hex(_ text: String) -> String {
        // Independent of the exporter: sha256sum's answer for the same bytes.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
