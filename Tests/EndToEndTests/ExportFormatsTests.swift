import ExposureReport
import Foundation
import Testing

/// `spoor scan --format sarif|jsonl` on `samples/var/log`: the same findings as the JSON report, in the
/// shapes those formats promise. The SARIF written here is kept for `scripts/validate-reports`, which
/// checks it against the official SARIF 2.1.0 schema.
@Suite("spoor scan --format sarif and jsonl")
struct ExportFormatsTests {
    private func scan(_ format: String, jobs: Int = 2, into folder: TemporaryFolder, test: String = #function) throws -> Data {
        let output = folder.url.appendingPathComponent("\(format)-\(jobs).out")
        let result = try SpoorProcess.run(["scan", "samples/var/log", "--format", format, "-o", output.path, "--no-progress", "--jobs", String(jobs)],
                                          environment: ["SPOOR_REDACTION_KEY": "spoor-export-formats"], test: test)
        #expect(result.status == 1, "spoor exits 1 on the samples (findings); stderr: \(result.standardError)")
        return try Data(contentsOf: output)
    }

    @Test("SARIF of the samples: one run, a result per finding at its line, every evidence file hashed, identical with 1 and 4 jobs")
    func sarifOfSamples() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let report = try JSONDecoder().decode(ScanReport.self, from: scan("json", into: folder))
        let data = try scan("sarif", jobs: 1, into: folder)
        #expect(try scan("sarif", jobs: 4, into: folder) == data, "SARIF leaves out the run: byte-identical whatever --jobs")

        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!report.findings.isEmpty)
        #expect(results.count == report.findings.count)
        for (result, finding) in zip(results, report.findings) {
            #expect(result["ruleId"] as? String == finding.rule.id)
            let locations = try #require(result["locations"] as? [[String: Any]])
            let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
            let region = try #require(physical["region"] as? [String: Any])
            let artifact = try #require(physical["artifactLocation"] as? [String: Any])
            #expect(artifact["uri"] as? String == finding.evidence[0].path)
            #expect(region["startLine"] as? Int == finding.evidence[0].line)
            #expect((region["snippet"] as? [String: Any])?["text"] as? String == finding.evidence[0].text)
        }
        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        #expect(artifacts.compactMap { ($0["hashes"] as? [String: String])?["sha-256"] } == report.evidence.compactMap(\.sha256))
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == report.summary.isComplete)
    }

    @Test("JSON Lines of the samples, on standard output: begin, one line per finding, summary")
    func jsonLinesOfSamples() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let report = try JSONDecoder().decode(ScanReport.self, from: scan("json", into: folder))
        let result = try SpoorProcess.run(["scan", "samples/var/log", "--format", "jsonl", "--no-progress", "--jobs", "2"],
                                          environment: ["SPOOR_REDACTION_KEY": "spoor-export-formats"])
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: 0x0a, omittingEmptySubsequences: false)
        #expect(lines.last?.isEmpty == true, "the output ends with a newline")
        let records = lines.dropLast()
        #expect(records.count == report.findings.count + 2)
        let types = try records.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])["type"] as? String
        }
        #expect(types.first == "begin")
        #expect(types.last == "summary")
        #expect(types.dropFirst().dropLast().allSatisfy { $0 == "finding" })
        let findings = try records.dropFirst().dropLast().map { line in
            try JSONDecoder().decode(FindingLine.self, from: Data(line)).finding
        }
        #expect(findings == report.findings)
    }

    @Test("spoor render: a saved report in another format is what spoor scan writes in it; a file that is not a report is refused, naming the place")
    func render() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try scan("json", into: folder)
        let saved = folder.url.appendingPathComponent("json-2.out").path
        let markdown = try scan("markdown", into: folder)
        let rendered = try SpoorProcess.run(["render", saved, "--format", "markdown"])
        #expect(rendered.status == 0, "\(rendered.standardError)")
        #expect(rendered.standardOutput == markdown, "the Markdown summary leaves out the run, so it is the same bytes")

        let page = folder.url.appendingPathComponent("page.html")
        let html = try SpoorProcess.run(["render", saved, "-o", page.path])
        #expect(html.status == 0, "\(html.standardError)")
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        #expect(text.contains(#"<script type="application/json" id="spoor-data">"#))
        let again = try SpoorProcess.run(["render", saved])
        #expect(again.standardOutput == Data(text.utf8), "html is the default format, and the page is deterministic")

        let notReport = try SpoorProcess.run(["render", "samples/var/log/auth.log"])
        #expect(notReport.status == 2)
        #expect(notReport.standardError.hasPrefix("spoor: samples/var/log/auth.log: not JSON"), "\(notReport.standardError)")
        // The golden report has "<volatile>" where the run's argv was: the error says where.
        let golden = try SpoorProcess.run(["render", "samples/expected/report.json"])
        #expect(golden.status == 2)
        #expect(golden.standardError.contains("samples/expected/report.json: at run.argv: expected an array"), "\(golden.standardError)")
        let missing = try SpoorProcess.run(["render", "no-such-report.json"])
        #expect(missing.status == 2 && missing.standardError.hasPrefix("spoor: cannot read no-such-report.json"), "\(missing.standardError)")
    }

    private struct FindingLine: Decodable {
        var finding: Finding
    }
}
