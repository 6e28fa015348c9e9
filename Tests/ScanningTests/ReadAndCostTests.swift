import DetectionRules
import Foundation
import Scanning
import Testing

/// The benchmark's reading baseline (`spoor read-through`) and the rule cost report (`spoor lint
/// --cost`) read what a scan reads, on the sample host's logs (plain, rotated and gzip).
@Suite("ReadThrough and RuleCostProfile")
struct ReadAndCostTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.appendingPathComponent("samples/var/log").path

    static func scan(_ rules: RuleSet) -> ScanOutcome {
        var configuration = ScanConfiguration(evidencePaths: [samples], jobs: 2, redactionKey: Array("t".utf8))
        configuration.referenceDate = CalendarDate(year: 2025, month: 12, day: 31)
        configuration.timeZoneIdentifier = "UTC"
        return ScanPipeline(configuration: configuration, rules: rules).run()
    }

    @Test("read-through counts the bytes and lines a scan reads, whatever the thread count")
    func readThroughAgreesWithScan() throws {
        let outcome = Self.scan(try RuleLoader().load(paths: [Self.root.appendingPathComponent("rules").path]))
        let one = ReadThrough.run(paths: [Self.samples], jobs: 1)
        let two = ReadThrough.run(paths: [Self.samples], jobs: 2)
        #expect(one == two)
        #expect(one.errors.isEmpty && one.skippedArchives == 0)
        #expect(one.files == outcome.evidence.count)
        #expect(one.decompressedBytes == outcome.evidence.reduce(0) { $0 + $1.decompressedBytes })
        #expect(one.lines == outcome.evidence.reduce(0) { $0 + $1.lines })
        #expect(one.storedBytes < one.decompressedBytes, "the samples hold gzip files")
    }

    @Test("the cost report lists every rule once, with the matches the scan counts")
    func costReportMatchesScan() throws {
        let rules = try RuleLoader().load(paths: [Self.root.appendingPathComponent("rules").path])
        let outcome = Self.scan(rules)
        var configuration = ScanConfiguration(evidencePaths: [Self.samples], jobs: 1, redactionKey: Array("t".utf8))
        configuration.referenceDate = CalendarDate(year: 2025, month: 12, day: 31)
        let report = RuleCostProfile.measure(rules: rules, configuration: configuration)
        #expect(report.errors.isEmpty)
        #expect(report.rules.count == rules.rules.count)
        #expect(Set(report.rules.map(\.ruleIndex)) == Set(rules.rules.indices))
        #expect(report.lines == outcome.evidence.reduce(0) { $0 + $1.lines })
        for cost in report.rules {
            #expect(cost.matches == outcome.statistics[cost.ruleIndex].matches, "\(rules.rules[cost.ruleIndex].id)")
            if cost.candidateLines == 0 { #expect(cost.matches == 0, "a rule matches only lines it was evaluated on") }
            // An ungated rule sees every line in its scope; a gated one only the lines holding a literal.
            if !cost.isGated { #expect(cost.candidateLines <= report.lines) }
        }
        #expect(report.rules.contains { $0.matches > 0 })
        // Most expensive first.
        #expect(zip(report.rules, report.rules.dropFirst()).allSatisfy { $0.nanoseconds >= $1.nanoseconds })
        #expect(report.matchingNanoseconds >= report.prefilterNanoseconds)
    }
}
