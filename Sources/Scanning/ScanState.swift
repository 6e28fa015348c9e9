import Dispatch
import DetectionRules
import EvidenceInput
import ExposureAnalysis
import ExposureReport

/// A scan's merged results before correlation and analysis: what every file gave, in evidence order.
///
/// A single scan makes one and finishes it at once (``outcome(rules:configuration:)``); a sharded scan
/// writes each shard's to a partial report (``PartialReport``), and `spoor merge` joins them in evidence
/// order (``PartialMerge``) and finishes the union with the same function, so both give the same report.
public struct ScanState: Sendable {
    /// Evidence paths by file index.
    var paths: [String]
    var evidence: [EvidenceEntry]
    /// Findings of base rules in evidence order, each rule's capped at the findings cap.
    var findings: [Finding]
    /// The file index of each finding.
    var findingFiles: [Int]
    /// Base rules' statistics, in rule order.
    var statistics: [RuleStatistics]
    /// Events of the rules correlations read, in merge order (file by file).
    var correlationEvents: [CorrelationEvent]
    var eventsWithoutTime: Int
    var eventsOverLimit: Int
    /// Placed in time, in merge order (file by file); sorted by ``outcome(rules:configuration:)``.
    var activities: [Activity]
    var activitiesWithoutTime: Int
    var failures: FailureSummary
    /// Sorted by host, then source.
    var coverage: [CoverageAccumulator]
    var nulLines: [Int: NulLineCount]
    var secrets: [[UInt8]: [UInt8]]
    /// What discovery said: reported, and (problems) making the scan incomplete.
    var warnings: [String]
    var problems: [String]
    /// Set when no zone was given or found and local stamps were read as UTC.
    var zoneWarning: String?
    /// For a shard: which evidence it was given, out of all.
    var shardUnits: ShardUnits?
    /// Where the correlation events' lines are when the scan spilled them (nil: in the events).
    var eventLines: EventLineSpill? = nil

    /// Runs the correlations over the events and builds the outcome ``ReportAssembly`` turns into the
    /// report. Consumes the events (they move into the correlation engine).
    public mutating func outcome(rules: RuleSet, configuration: ScanConfiguration) -> ScanOutcome {
        // The coverage series and the activities' order do not depend on the correlations: made on
        // another thread meanwhile.
        let side = SideWork()
        let (coverage, activities, paths) = (self.coverage, self.activities, self.paths)
        let sideWork = DispatchGroup()
        DispatchQueue.global().async(group: sideWork) {
            side.activities = activities.sorted { ($0.nanoseconds, $0.fileIndex, $0.line) < ($1.nanoseconds, $1.fileIndex, $1.line) }
            side.coverage = coverage.map { series in
                let files = series.files.sorted()
                let rotations = files.map { RotationSet.rotationKey(paths[$0]) }.map { (set: $0.key, age: $0.age) }
                return CoverageSeries(host: series.host, source: series.source, files: files, rotations: rotations, lines: series.lines, minutes: series.minutes.sorted())
            }
        }
        var allFindings = findings
        var allStatistics = statistics
        var warnings = self.warnings
        var problems = self.problems
        if !rules.correlations.isEmpty {
            // Correlations run once every file is merged and placed in time: sequential and deterministic.
            // The events move into the engine (no copy); the outcome is made once, at the end of the scan.
            var events: [CorrelationEvent] = []
            swap(&events, &correlationEvents)
            var engine = CorrelationEngine(rules: rules, paths: paths)
            engine.threads = configuration.jobs
            engine.lines = eventLines
            let (fired, firings) = engine.run(events: &events)
            // Freeing hundreds of thousands of events takes a third of a second: on another thread,
            // while the report is made.
            let spent = events
            events = []
            DispatchQueue.global(qos: .utility).async { _ = spent.count }
            var reportedByID: [String: Int] = [:]
            for finding in fired {
                let kept = reportedByID[finding.rule.id, default: 0]
                guard kept < configuration.findingsCapPerRule else { continue }
                reportedByID[finding.rule.id] = kept + 1
                allFindings.append(finding)
            }
            for (index, correlation) in rules.correlations.enumerated() {
                allStatistics.append(RuleStatistics(id: correlation.id, matches: firings[index],
                                                    reported: correlation.emitsFindings ? reportedByID[correlation.id, default: 0] : 0,
                                                    engineErrors: 0, firstEngineError: nil))
            }
            if eventsOverLimit > 0 {
                problems.append("correlations incomplete: \(eventsOverLimit) events of the rules they read were not kept beyond --max-correlation-events \(configuration.maximumCorrelationEvents)")
            }
            if eventsWithoutTime > 0 {
                warnings.append("\(eventsWithoutTime) events of rules read by correlations have no usable time stamp and were left out of the correlations")
            }
        }
        if activitiesWithoutTime > 0 {
            warnings.append("\(activitiesWithoutTime) login, session or command lines have no usable time stamp and were left out of sessions and entities")
        }
        var outcome = ScanOutcome(evidence: evidence, findings: allFindings, statistics: allStatistics, problems: problems, warnings: warnings)
        outcome.failures = failures
        sideWork.wait()
        outcome.activities = side.activities
        outcome.coverage = side.coverage
        outcome.nulLines = nulLines
        outcome.secrets = secrets.map { (value: $0.key, marker: String(decoding: $0.value, as: UTF8.self)) }.sorted { $0.value.lexicographicallyPrecedes($1.value) }
        outcome.paths = paths
        if let zoneWarning { outcome.warnings.append(zoneWarning) }
        return outcome
    }
}

/// What ``ScanState/outcome(rules:configuration:)`` makes on another thread while the correlations run;
/// written by that thread before the group it runs in is left, read after waiting for the group.
private final class SideWork: @unchecked Sendable {
    var activities: [Activity] = []
    var coverage: [CoverageSeries] = []
}
