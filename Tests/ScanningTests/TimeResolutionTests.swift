import DetectionRules
import ExposureReport
import Foundation
import Scanning
import Testing

/// Times in reports come with their provenance; these pin how years and zones are decided.
@Suite("Time resolution in scans")
struct TimeResolutionTests {
    private static let failureRule = """
    title: SSH password failure
    id: 5f0f7a57-8a0b-4c1e-9d35-000000000101
    logsource: {product: linux, service: sshd}
    detection:
        selection:
            message|contains: 'Failed password'
        condition: selection
    level: low
    """

    private func scan(_ root: URL, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanOutcome {
        let loaded = try RuleLoader().loadDocuments(Self.failureRule, path: "t.yml")
        let rules = try RuleSet(rules: loaded, files: ["t.yml"], sha256: "t")
        var configuration = ScanConfiguration(evidencePaths: [root.path], jobs: 2, redactionKey: [1])
        configuration.chunkBytes = 4096
        configure(&configuration)
        return ScanPipeline(configuration: configuration, rules: rules).run()
    }

    private static func failure(_ stamp: String, port: Int) -> String {
        "\(stamp) web01 sshd[2101]: Failed password for root from 203.0.113.50 port \(port) ssh2\n"
    }

    @Test("a rotation set that crosses New Year gets 2024 before the rollover and 2025 after")
    func newYearAcrossRotation() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        // auth.log.1 runs Dec 30 -> Jan 1 (a rollover inside it); auth.log holds Jan 2. No file carries a
        // year: the reference date bounds the newest file and the set is chained from it.
        try fixtures.write("var/log/auth.log.1", Array((Self.failure("Dec 30 23:59:58", port: 1) + Self.failure("Dec 31 12:00:00", port: 2) + Self.failure("Jan  1 00:00:01", port: 3)).utf8))
        try fixtures.write("var/log/auth.log", Array(Self.failure("Jan  2 08:00:00", port: 4).utf8))
        let outcome = try scan(fixtures.root) { $0.referenceDate = CalendarDate(year: 2025, month: 1, day: 3); $0.timeZoneIdentifier = "UTC" }
        let times = outcome.findings.map { $0.time?.utc ?? "?" }
        #expect(times == ["2025-01-02T08:00:00Z", "2024-12-30T23:59:58Z", "2024-12-31T12:00:00Z", "2025-01-01T00:00:01Z"])
        #expect(outcome.findings.map { $0.time?.yearSource } == ["reference-date", "rotation-order", "rotation-order", "rotation-order"])
        let older = try #require(outcome.evidence.first { $0.path.hasSuffix("auth.log.1") })
        #expect(older.timeRange == TimeRange(first: "2024-12-30T23:59:58Z", last: "2025-01-01T00:00:01Z"))
    }

    @Test("fail2ban's reference: now = 2005-08-14 in CET, `Nov 11` is 2004 and `Feb 25` is 2005")
    func failToBanReference() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("a/auth.log", Array(Self.failure("Nov 11 08:04:51", port: 1).utf8))
        try fixtures.write("b/auth.log", Array(Self.failure("Feb 25 14:34:10", port: 2).utf8))
        let outcome = try scan(fixtures.root) { $0.referenceDate = CalendarDate(year: 2005, month: 8, day: 14); $0.timeZoneIdentifier = "CET" }
        // CET is UTC+1 in winter.
        #expect(outcome.findings.map { $0.time?.utc } == ["2004-11-11T07:04:51Z", "2005-02-25T13:34:10Z"])
        #expect(outcome.findings.allSatisfy { $0.time?.zoneSource == "--timezone" && $0.time?.confidence == "medium" })
    }

    @Test("the zone comes from etc/timezone in the evidence, and DST's repeated hour is flagged")
    func zoneFromEvidence() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("etc/timezone", Array("Europe/London\n".utf8))
        try fixtures.write("var/log/auth.log", Array((Self.failure("Oct 26 01:30:00", port: 1) + Self.failure("Oct 27 09:00:00", port: 2)).utf8))
        let outcome = try scan(fixtures.root) { $0.referenceDate = CalendarDate(year: 2025, month: 11, day: 1) }
        #expect(outcome.findings.map { $0.time?.utc } == ["2025-10-26T00:30:00Z", "2025-10-27T09:00:00Z"])
        #expect(outcome.findings.map { $0.time?.isAmbiguous } == [true, nil])
        #expect(outcome.findings[0].time?.zoneSource?.hasSuffix("etc/timezone") == true)
        #expect(outcome.warnings.isEmpty)
    }

    @Test("the zone comes from etc/localtime too: a symbolic link into zoneinfo, or a copied TZif file")
    func zoneFromLocaltime() throws {
        for asCopy in [false, true] {
            let fixtures = try ScanFixtures()
            defer { fixtures.remove() }
            let localtime = fixtures.root.appendingPathComponent("etc/localtime")
            try FileManager.default.createDirectory(at: localtime.deletingLastPathComponent(), withIntermediateDirectories: true)
            if asCopy {
                try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/Europe/Berlin", toPath: localtime.path)
            } else {
                try FileManager.default.createSymbolicLink(atPath: localtime.path, withDestinationPath: "/usr/share/zoneinfo/Europe/Berlin")
            }
            try fixtures.write("var/log/auth.log", Array(Self.failure("Jul  1 12:00:00", port: 1).utf8))
            let outcome = try scan(fixtures.root) { $0.referenceDate = CalendarDate(year: 2025, month: 8, day: 1) }
            // Berlin is UTC+2 in summer, whatever name the copy resolves to.
            #expect(outcome.findings.map { $0.time?.utc } == ["2025-07-01T10:00:00Z"], "copy: \(asCopy)")
            #expect(outcome.findings.first?.time?.zoneSource?.hasSuffix("etc/localtime") == true)
        }
    }

    @Test("with no zone anywhere, local stamps are read as UTC with a warning and low confidence")
    func assumedUTC() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("auth.log", Array(Self.failure("Mar  7 10:00:00", port: 1).utf8))
        let outcome = try scan(fixtures.root) { $0.referenceDate = CalendarDate(year: 2025, month: 3, day: 8) }
        #expect(outcome.findings.first?.time?.zoneSource == "assumed-utc")
        #expect(outcome.findings.first?.time?.confidence == "low")
        #expect(outcome.warnings.contains { $0.contains("read as UTC") })
    }

    @Test("a stamp with a year and offset is exact; a mixed file anchors its year-less lines on it")
    func inLineYear() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        // An upgrade switched rsyslog to RFC 3339 mid-file: the traditional lines before it take its year.
        let text = Self.failure("Dec 31 23:00:00", port: 1)
            + "2026-01-01T00:30:00.250000+01:00 web01 sshd[7]: Failed password for root from 203.0.113.50 port 9 ssh2\n"
        try fixtures.write("auth.log", Array(text.utf8))
        let outcome = try scan(fixtures.root) { $0.timeZoneIdentifier = "UTC" }
        #expect(outcome.findings.map { $0.time?.utc } == ["2025-12-31T23:00:00Z", "2025-12-31T23:30:00.250000Z"])
        #expect(outcome.findings.map { $0.time?.yearSource } == ["in-line", "in-line"])
    }

    @Test("a rotation set mixing RFC 3164 (before an upgrade) and RFC 3339 (after) takes the older file's year from the newer")
    func mixedRotationSet() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        // Ubuntu 24.04's rsyslog writes RFC 3339: the live file has years, the rotated one does not.
        try fixtures.write("var/log/auth.log", Array("2026-01-02T08:00:00.000000+00:00 web01 sshd[7]: Failed password for root from 203.0.113.50 port 9 ssh2\n".utf8))
        try fixtures.write("var/log/auth.log.1", Array((Self.failure("Dec 31 22:00:00", port: 1) + Self.failure("Jan  1 03:00:00", port: 2)).utf8))
        let outcome = try scan(fixtures.root) { $0.timeZoneIdentifier = "UTC" }
        #expect(outcome.findings.map { $0.time?.utc } == ["2026-01-02T08:00:00Z", "2025-12-31T22:00:00Z", "2026-01-01T03:00:00Z"])
        #expect(outcome.findings.map { $0.time?.yearSource } == ["in-line", "rotation-order", "rotation-order"])
        let live = try #require(outcome.evidence.first { $0.path.hasSuffix("auth.log") })
        #expect(live.formats == ["syslog-rfc3339": 1])
    }

    @Test("--since and --until keep only findings inside the window, counting the rest")
    func timeWindow() throws {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        try fixtures.write("auth.log", Array((Self.failure("Mar  7 09:59:59", port: 1) + Self.failure("Mar  7 10:00:00", port: 2) + Self.failure("Mar  7 11:00:01", port: 3)).utf8))
        let start = Int64(CivilTimeSeconds.of(2025, 3, 7, 10, 0, 0))
        let outcome = try scan(fixtures.root) {
            $0.referenceDate = CalendarDate(year: 2025, month: 3, day: 8)
            $0.timeZoneIdentifier = "UTC"
            $0.since = start
            $0.until = start + 3600
        }
        #expect(outcome.findings.map { $0.evidence[0].line } == [2])
        #expect(outcome.statistics[0].outsideTimeWindow == 2)
        #expect(outcome.statistics[0].reported == 1)
    }
}

enum CivilTimeSeconds {
    static func of(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Int {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute, components.second) = (year, month, day, hour, minute, second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return Int(calendar.date(from: components)!.timeIntervalSince1970)
    }
}
