import DetectionRules
import ExposureReport
import Foundation
import ReportArchive
import ReportExport
import Scanning
import Testing
import ZlibCodec

@Suite("Scan pipeline")
struct ScanPipelineTests {
    private func scan(_ paths: [String], jobs: Int, chunkBytes: Int = 4096, test: String = #function) throws -> ScanReport {
        let rules = try ScanFixtures.rules()
        var configuration = ScanConfiguration(evidencePaths: paths, jobs: jobs, redactionKey: Array("test-key".utf8))
        configuration.chunkBytes = chunkBytes
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        let report = ReportAssembly.report(outcome: outcome, rules: rules, configuration: configuration,
                                           run: RunInfo(argv: [], start: "fixed", durationSeconds: 0, jobs: 0))
        ReportArchive.keep(report, test: test)
        return report
    }

    @Test("one worker and eight workers give byte-identical JSON (determinism)")
    func determinismAcrossJobCounts() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        // Several files of different sizes and compressions, small chunks so many chunks race.
        try fixtures.write("var/log/auth.log", Array(ScanFixtures.authLog(lines: 3000).utf8))
        try fixtures.write("var/log/auth.log.1", Array(ScanFixtures.authLog(lines: 800, seed: 5).utf8))
        try fixtures.write("var/log/auth.log.2.gz", try ScanFixtures.gzip(ScanFixtures.authLog(lines: 5000, seed: 9)))
        let twoMembers = try ScanFixtures.gzip(ScanFixtures.authLog(lines: 300, host: "db01")) + ScanFixtures.gzip(ScanFixtures.authLog(lines: 700, host: "db01", seed: 3))
        try fixtures.write("var/log/auth.log.3.gz", twoMembers)
        for index in 0..<6 { try fixtures.write("other/host\(index).log", Array(ScanFixtures.authLog(lines: 100 * index + 1, seed: index).utf8)) }

        let single = try JSONReportExporter.encode(scan([fixtures.root.path], jobs: 1))
        let many = try JSONReportExporter.encode(scan([fixtures.root.path], jobs: 8))
        #expect(single == many)
        let report = try scan([fixtures.root.path], jobs: 8)
        #expect(report.findings.count > 1000)
        #expect(report.evidence.count == 10)
    }

    @Test("finding locations point at exactly their raw line, across chunks and gzip members")
    func locationsPointAtTheirLines() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        let first = ScanFixtures.authLog(lines: 400)
        let second = ScanFixtures.authLog(lines: 400, seed: 7)
        try fixtures.write("auth.log.2.gz", try ScanFixtures.gzip(first) + ScanFixtures.gzip(second))
        let report = try scan([fixtures.root.path], jobs: 2, chunkBytes: 1000)
        let stream = Array((first + second).utf8)
        let lines = (first + second).split(separator: "\n", omittingEmptySubsequences: false)
        let expected = lines.filter { $0.contains("Failed password") || $0.hasSuffix("COMMAND=/bin/bash") }.count
        #expect(report.findings.count == expected)
        for finding in report.findings {
            let location = try #require(finding.evidence.first)
            let text = try #require(location.text)
            #expect(String(lines[location.line - 1]) == text)
            let offset = Int(location.offset)
            #expect(Array(stream[offset..<(offset + text.utf8.count)]) == Array(text.utf8))
        }
    }

    @Test("a truncated gzip is partial, keeps its earlier hits, and the other files are scanned fully")
    func truncatedGzipKeepsEarlierHits() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        let whole = try ScanFixtures.gzip(ScanFixtures.authLog(lines: 20_000))
        // Cut in the middle of the deflate data: the first part decodes, then "unexpected end".
        try fixtures.write("a/auth.log.2.gz", Array(whole[0..<(whole.count / 2)]))
        try fixtures.write("b/auth.log", Array(ScanFixtures.authLog(lines: 700).utf8))
        let report = try scan([fixtures.root.path], jobs: 2)
        let damaged = try #require(report.evidence.first { $0.path.hasSuffix("auth.log.2.gz") })
        #expect(damaged.status == .partial)
        #expect(damaged.error?.contains("truncated") == true)
        #expect(damaged.lines > 0 && damaged.lines < 20_000)
        #expect(report.findings.contains { $0.evidence[0].path.hasSuffix("auth.log.2.gz") })
        let intact = try #require(report.evidence.first { $0.path.hasSuffix("b/auth.log") })
        #expect(intact.status == .ok && intact.lines == 700)
        #expect(report.summary.isComplete == false)
    }

    @Test("a bad CRC flags the file's findings as coming from damaged data")
    func checksumFailureFlagsFindings() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        var member = try ScanFixtures.gzip(ScanFixtures.authLog(lines: 100))
        member[member.count - 8] ^= 0xff // the CRC32 in the trailer
        try fixtures.write("auth.log.2.gz", member)
        let report = try scan([fixtures.root.path], jobs: 1)
        #expect(report.evidence[0].status == .partial)
        #expect(report.evidence[0].hasDamagedData)
        #expect(!report.findings.isEmpty)
        #expect(report.findings.allSatisfy { $0.isFromDamagedData == true })
    }

    @Test("unreadable and odd inputs each get a clear entry and nothing else is lost")
    func oddInputsAreReported() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("empty.log", [])
        try fixtures.write("good.log", Array(ScanFixtures.authLog(lines: 60).utf8))
        try FileManager.default.createSymbolicLink(atPath: fixtures.root.appendingPathComponent("loop").path, withDestinationPath: ".")
        let report = try scan([fixtures.root.path, fixtures.root.appendingPathComponent("missing.log").path], jobs: 2)
        #expect(report.evidence.map { ($0.path as NSString).lastPathComponent } == ["empty.log", "good.log"])
        #expect(report.evidence[0].warnings.contains("empty file"))
        #expect(report.summary.problems.contains { $0.contains("missing.log") })
        // A loop holds no evidence: a warning, not a gap in the scan; the missing path is a gap.
        #expect(report.summary.warnings.contains { $0.contains("loop") })
        #expect(!report.summary.problems.contains { $0.contains("loop") })
        #expect(report.findings.count == ScanFixtures.authLog(lines: 60).split(separator: "\n").filter { $0.contains("Failed password") || $0.hasSuffix("/bin/bash") }.count)
    }

    @Test("findings beyond the per-rule cap are counted, not kept")
    func findingsCap() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("auth.log", Array(ScanFixtures.authLog(lines: 7000).utf8))
        let rules = try ScanFixtures.rules()
        var configuration = ScanConfiguration(evidencePaths: [fixtures.root.path], jobs: 2, redactionKey: [1])
        configuration.findingsCapPerRule = 10
        configuration.chunkBytes = 4096
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        #expect(outcome.statistics[0].matches == ScanFixtures.authLog(lines: 7000).split(separator: "\n").filter { $0.contains("Failed password") }.count)
        #expect(outcome.statistics[0].reported == 10)
        #expect(outcome.findings.filter { $0.rule.id == rules.rules[0].id }.map { $0.evidence[0].line } == [4, 11, 18, 25, 32, 39, 46, 53, 60, 67])
    }
}
