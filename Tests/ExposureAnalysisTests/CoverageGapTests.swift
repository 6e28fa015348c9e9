@testable import ExposureAnalysis
import ExposureReport
import Foundation
import ReportExport
import Testing

/// A host whose logs stop for a month: that month cannot be assessed, and the report says why.
@Suite("Coverage gaps and cannot-assess")
struct CoverageGapTests {
    /// rsyslog RFC 3339 lines (they carry their year), every 10 minutes, for the given days of 2025.
    static func lines(host: String, days: [(month: Int, day: Int)]) -> String {
        var out = ""
        var pid = 4000
        for (month, day) in days {
            for minute in stride(from: 0, to: 24 * 60, by: 10) {
                pid += 1
                let stamp = String(format: "2025-%02d-%02dT%02d:%02d:00.000000+00:00", month, day, minute / 60, minute % 60)
                out += "\(stamp) \(host) CRON[\(pid)]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"
            }
        }
        return out
    }

    @Test("a month without a line from db02 is cannot-assess for db02 in that month; web02, logging throughout, is assessed")
    func monthLongGap() throws {
        let folder = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let january = (1...31).map { (1, $0) }
        let february = (1...28).map { (2, $0) }
        let march = (1...10).map { (3, $0) }
        // db02 writes nothing from Jan 31 to Mar 1; web02 writes every day.
        let text = Self.lines(host: "db02", days: january + march) + Self.lines(host: "web02", days: january + february + march)
        try Data(text.utf8).write(to: folder.appendingPathComponent("syslog"))
        let report = ExposureFixtures.report([folder.path])

        let unassessable = report.exposure.verdicts.filter { $0.verdict == "cannot-assess" }
        #expect(unassessable.map(\.subject.name) == ["db02"])
        let verdict = try #require(unassessable.first)
        #expect(verdict.subject == VerdictSubject(kind: "host", name: "db02", host: "db02"))
        #expect(verdict.window == TimeRange(first: "2025-01-31T23:50:00Z", last: "2025-03-01T00:00:00Z"))
        #expect(verdict.reasons.first?.text.contains("28.0 days") == true)
        let gaps = report.coverage.first { $0.host == "db02" }?.gaps ?? []
        #expect(gaps.map(\.from) == ["2025-01-31T23:50:00Z"])
        // db02's ordinary verdict says the hole limits it.
        let ordinary = try #require(report.exposure.verdicts.first { $0.subject.name == "db02" && $0.verdict != "cannot-assess" })
        #expect(ordinary.counterEvidence.contains { $0.contains("cannot be assessed") })

        let markdown = MarkdownReportExporter.render(report)
        #expect(markdown.contains("**db02 cannot be assessed** from 2025-01-31T23:50:00Z to 2025-03-01T00:00:00Z"))
        #expect(markdown.contains("no line from db02 in any log source for 28.0 days"))
        #expect(markdown.contains("db02 syslog: no line from 2025-01-31T23:50:00Z to 2025-03-01T00:00:00Z"))
    }

    @Test("a missing rotation member is an integrity note")
    func missingRotationMember() throws {
        let folder = try ExposureFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.lines(host: "web03", days: [(3, 3)]).utf8).write(to: folder.appendingPathComponent("syslog"))
        try Data(Self.lines(host: "web03", days: [(3, 2)]).utf8).write(to: folder.appendingPathComponent("syslog.1"))
        try Data(Self.lines(host: "web03", days: [(2, 28)]).utf8).write(to: folder.appendingPathComponent("syslog.3"))
        let report = ExposureFixtures.report([folder.path])
        let entry = try #require(report.coverage.first { $0.host == "web03" })
        let note = try #require(entry.integrity.first { $0.kind == "missing-rotation-member" })
        #expect(note.detail.contains("syslog.2 missing"))
        // Mar 1 is missing with it: a gap of a day and more.
        #expect(entry.gaps.count == 1)
    }
}

/// The gap threshold's percentile is found by selection, not by sorting: it must be the sorted value.
@Suite("Coverage: the interval percentile")
struct IntervalPercentileTests {
    @Test("the order statistic equals the sorted array's value, on runs of equal values, sorted, reversed and mixed input")
    func orderStatisticMatchesSorting() {
        var state: UInt64 = 0x5EED
        func next(_ bound: Int64) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int64((state >> 33) % UInt64(bound))
        }
        var cases: [[Int64]] = [[7], [3, 3, 3, 3], Array(0..<1000), Array((0..<1000).reversed())]
        for size in [2, 3, 10, 101, 1000, 5000] {
            cases.append((0..<size).map { _ in 60 * (1 + next(3)) })           // mostly equal intervals
            cases.append((0..<size).map { _ in next(1_000_000) })               // spread out
        }
        for values in cases {
            let sorted = values.sorted()
            for rank in Set([0, values.count / 2, Int(Double(values.count) * 0.99), values.count - 1]) where rank < values.count {
                var copy = values
                #expect(CoverageAnalysis.orderStatistic(rank, of: &copy) == sorted[rank], "rank \(rank) of \(values.count)")
            }
        }
    }
}
