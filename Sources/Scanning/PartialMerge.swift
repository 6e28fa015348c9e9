import DetectionRules
import ExposureAnalysis
import ExposureReport
import Foundation
import ParallelWork

/// `spoor merge`: joins the partial reports of a sharded scan into the state a single scan of all the
/// evidence would have reached, then the caller finishes it with the same code as `spoor scan`
/// (``ScanState/outcome(rules:configuration:)`` then ``ReportAssembly``).
///
/// Contract:
/// - Files are put back in the order a single scan walks them (units in evidence order, an archive's
///   members after it) and every file index is renumbered, so findings, correlation events, activities,
///   coverage and NUL counts are in that order; each rule keeps its first `findings-cap` findings in
///   that order (a shard kept its own first ones, which include them).
/// - Nothing is dropped silently. A shard missing, a shard given twice, a partial of another rule set,
///   evidence list or options: the merge says which in the report's problems, so the report is
///   marked incomplete (`summary.complete: false`, exit 2), and merges the rest.
public enum PartialMerge {
    public struct Result: Sendable {
        /// The union's state; finish it with ``ScanState/outcome(rules:configuration:)``.
        public var state: ScanState
        /// The configuration the partials were made with (for finishing and for the report).
        public var configuration: ScanConfiguration
        /// Each partial merged (`2/4 from SLURM_ARRAY_TASK_ID=1, …: file.partial`), for the report's run.
        public var shards: [String]
        /// The problems found with the set of partials (also in the state's problems).
        public var problems: [String]
    }

    public struct MergeError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Merges `partials` (named by their file, in the order given), made with `rules`.
    ///
    /// The correlation events of the partials merged are moved out of `partials` (hundreds of thousands
    /// of them: moved, not copied); the rest of each partial is left as it was.
    public static func merge(_ partials: inout [(name: String, report: PartialReport)], rules: RuleSet, threads: Int = 1) throws(MergeError) -> Result {
        var problems: [String] = []
        // The rule set: the one this merge loaded. Partials are named by their index in `partials`
        // (a copy of one would share, and so copy, its events when they are moved out).
        var accepted: [Int] = []
        for (index, partial) in partials.enumerated() {
            if partial.report.schema != PartialReport.schemaIdentifier {
                problems.append("\(partial.name): not a \(PartialReport.schemaIdentifier) partial report (schema \(partial.report.schema)): left out")
            } else if partial.report.rulesSHA256 != rules.sha256 {
                problems.append("\(partial.name) (shard \(partial.report.shard.description)): made with rule set sha256 \(partial.report.rulesSHA256), not \(rules.sha256) as the others and this merge: left out")
            } else {
                accepted.append(index)
            }
        }
        // What the others must share with the first (not the whole report: it would hold its events).
        guard let reference = accepted.first.map({ (shard: partials[$0].report.shard, units: partials[$0].report.units, settings: partials[$0].report.settings) }) else {
            throw MergeError(description: partials.isEmpty ? "no partial reports given"
                             : "no partial report was made with the rule set loaded here (sha256 \(rules.sha256)): give merge the rules, --profile and --logsources the shards used\n" + problems.joined(separator: "\n"))
        }
        // The same evidence list, shard count and options.
        var byShard: [Int: Int] = [:]
        for index in accepted {
            let partial = partials[index]
            let report = partial.report
            if report.shard.count != reference.shard.count {
                problems.append("\(partial.name): shard \(report.shard.description) of a scan cut into \(report.shard.count) shards, not \(reference.shard.count): left out")
            } else if report.units.listSHA256 != reference.units.listSHA256 || report.units.unitCount != reference.units.unitCount {
                problems.append("\(partial.name) (shard \(report.shard.description)): made from another evidence list (sha256 \(report.units.listSHA256), not \(reference.units.listSHA256)): left out")
            } else if report.settings != reference.settings {
                problems.append("\(partial.name) (shard \(report.shard.description)): made with other options (\(Self.differences(report.settings, reference.settings))): left out")
            } else if let first = byShard[report.shard.index] {
                problems.append("shard \(report.shard.description) given twice: \(partials[first].name) and \(partial.name); \(partial.name) left out")
            } else {
                byShard[report.shard.index] = index
            }
        }
        let count = reference.shard.count
        var claimed = Array(repeating: false, count: reference.units.unitCount)
        for index in 1...count {
            guard let partial = byShard[index] else { continue }
            for unit in partials[partial].report.units.assigned where unit < claimed.count { claimed[unit] = true }
        }
        for index in 1...count where byShard[index] == nil {
            problems.append("shard \(index)/\(count) missing: its evidence is not in this report")
        }
        let unscanned = claimed.indices.filter { !claimed[$0] }
        if !unscanned.isEmpty {
            let names = unscanned.prefix(10).map { reference.units.unitPaths.indices.contains($0) ? reference.units.unitPaths[$0] : "#\($0)" }
            problems.append("\(unscanned.count) evidence file\(unscanned.count == 1 ? "" : "s") of the scan not covered by the partials merged: \(names.joined(separator: ", "))\(unscanned.count > names.count ? ", …" : "")")
        }

        let shards = (1...count).compactMap { byShard[$0] }
        // The events leave the partials (each array then held once, so its events can be moved).
        var events = shards.map { index in
            let taken = partials[index].report.state.correlationEvents
            partials[index].report.state.correlationEvents = []
            return taken
        }
        var state = combine(shards.map { partials[$0].report.state }, events: &events, units: shards.map { partials[$0].report.units },
                            rules: rules, settings: reference.settings, threads: threads)
        state.problems += problems
        return Result(state: state, configuration: reference.settings.configuration,
                      shards: shards.map { "\(partials[$0].report.shard.description) from \(partials[$0].report.shard.source): \(partials[$0].name)" },
                      problems: problems)
    }

    static func differences(_ lhs: PartialSettings, _ rhs: PartialSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let left = (try? JSONSerialization.jsonObject(with: encoder.encode(lhs))) as? [String: Any],
              let right = (try? JSONSerialization.jsonObject(with: encoder.encode(rhs))) as? [String: Any] else { return "settings differ" }
        let keys = Set(left.keys).union(right.keys).sorted().filter { "\(left[$0] ?? "none")" != "\(right[$0] ?? "none")" }
        return keys.map { "\($0) \(left[$0] ?? "none") vs \(right[$0] ?? "none")" }.joined(separator: ", ")
    }

    /// Joins shards' states (each with its units) in evidence order; the shards' correlation events
    /// are `events` (their states' are not read), moved out.
    static func combine(_ states: [ScanState], events shardEvents: inout [[CorrelationEvent]], units: [ShardUnits], rules: RuleSet, settings: PartialSettings,
                        threads: Int) -> ScanState {
        // The order a single scan walks: by unit, then the shard's own order (an archive, then its members).
        var order: [(unit: Int, shard: Int, file: Int)] = []
        for (shard, state) in states.enumerated() {
            for file in state.paths.indices { order.append((units[shard].fileUnits[file], shard, file)) }
        }
        order.sort { ($0.unit, $0.shard, $0.file) < ($1.unit, $1.shard, $1.file) }
        var global = states.map { Array(repeating: 0, count: $0.paths.count) }
        for (index, entry) in order.enumerated() { global[entry.shard][entry.file] = index }

        let reference = states.first
        var merged = ScanState(
            paths: order.map { states[$0.shard].paths[$0.file] }, evidence: order.map { states[$0.shard].evidence[$0.file] },
            findings: [], findingFiles: [], statistics: [], correlationEvents: [], eventsWithoutTime: 0, eventsOverLimit: 0,
            activities: [], activitiesWithoutTime: 0, failures: FailureSummary(), coverage: [], nulLines: [:], secrets: [:],
            warnings: reference?.warnings ?? [], problems: reference?.problems ?? [], zoneWarning: reference?.zoneWarning, shardUnits: nil)

        // Each shard's findings, events and activities grouped by file (a counting sort, each file's own
        // order kept), then taken file by file in the merged order: no per-item sort.
        let findingGroups = states.map { state in Self.groupByFile(state.findingFiles.count, fileCount: state.paths.count) { state.findingFiles[$0] } }
        let eventGroups = states.indices.map { shard in
            shardEvents[shard].withUnsafeBufferPointer { events in Self.groupByFile(events.count, fileCount: states[shard].paths.count) { events[$0].fileIndex } }
        }
        let activityGroups = states.map { state in Self.groupByFile(state.activities.count, fileCount: state.paths.count) { state.activities[$0].fileIndex } }

        // Findings: in file order, each rule's first findings-cap.
        var kept: [String: Int] = [:]
        merged.findings.reserveCapacity(states.reduce(0) { $0 + $1.findings.count })
        merged.findingFiles.reserveCapacity(merged.findings.capacity)
        for (file, entry) in order.enumerated() {
            let groups = findingGroups[entry.shard]
            for position in groups.positions[groups.starts[entry.file]..<groups.starts[entry.file + 1]] {
                let finding = states[entry.shard].findings[position]
                let count = kept[finding.rule.id, default: 0]
                guard count < settings.findingsCap else { continue }
                kept[finding.rule.id] = count + 1
                merged.findings.append(finding)
                merged.findingFiles.append(file)
            }
        }

        // Statistics: sums; the first engine error in evidence order; reported = findings kept.
        let pathIndex = Dictionary(merged.paths.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        merged.statistics = rules.rules.indices.map { index in
            var statistic = RuleStatistics(id: rules.rules[index].id, matches: 0, reported: kept[rules.rules[index].id, default: 0],
                                           engineErrors: 0, firstEngineError: nil)
            for state in states where index < state.statistics.count {
                let theirs = state.statistics[index]
                statistic.matches += theirs.matches
                statistic.engineErrors += theirs.engineErrors
                statistic.outsideTimeWindow += theirs.outsideTimeWindow
                if let error = theirs.firstEngineError,
                   statistic.firstEngineError.map({ pathIndex[error.path, default: .max] < pathIndex[$0.path, default: .max] }) ?? true {
                    statistic.firstEngineError = error
                }
            }
            return statistic
        }

        // Correlation events, activities: renumbered, file by file (each file's own order kept). The
        // events are moved, not copied, so their fields are neither retained here nor released when the
        // shards' arrays go: a file's events, one run in its shard's array, are moved whole to their place
        // in the merged order, and the shard's slots are filled with an empty event.
        let eventCount = shardEvents.reduce(0) { $0 + $1.count }
        let keptEvents = max(0, min(eventCount, settings.maximumCorrelationEvents))
        merged.eventsOverLimit += eventCount - keptEvents
        // Where each (shard, file)'s events start in the merged array.
        var destination = states.map { Array(repeating: 0, count: $0.paths.count) }
        var next = 0
        for entry in order {
            destination[entry.shard][entry.file] = next
            let events = eventGroups[entry.shard]
            next += events.starts[entry.file + 1] - events.starts[entry.file]
        }
        let empty = CorrelationEvent(input: .rule(0), nanoseconds: 0, fileIndex: 0, line: 0, offset: 0, fields: [], text: nil)
        // Shards side by side: each shard's array is one box, read by one thread; their places in the
        // merged array do not overlap.
        let boxes = shardEvents.indices.map { shard in
            var taken: [CorrelationEvent] = []
            swap(&taken, &shardEvents[shard])
            return EventsBox(taken)
        }
        let fileCounts = states.map(\.paths.count)
        let (starts, numbers) = (destination, global)
        merged.correlationEvents = Array(unsafeUninitializedCapacity: keptEvents) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let target = EventsTarget(base: base)
            _ = ParallelWork.map(count: boxes.count, threads: threads) { shard in
                let events = eventGroups[shard]
                boxes[shard].events.withUnsafeMutableBufferPointer { source in
                    for file in 0..<fileCounts[shard] {
                        let positions = events.positions[events.starts[file]..<events.starts[file + 1]]
                        let start = starts[shard][file]
                        let count = min(positions.count, keptEvents - start)
                        guard count > 0, let first = positions.first, let from = source.baseAddress else { continue }
                        let to = target.base + start
                        if positions.last! - first + 1 == positions.count {
                            // One run (as a shard writes them): moved whole, then renumbered.
                            to.moveInitialize(from: from + first, count: count)
                            (from + first).initialize(repeating: empty, count: count)
                        } else {
                            for (offset, position) in positions.prefix(count).enumerated() {
                                (to + offset).moveInitialize(from: from + position, count: 1)
                                (from + position).initialize(to: empty)
                            }
                        }
                        for offset in 0..<count { to[offset].fileIndex = numbers[shard][file] }
                    }
                }
            }
            initialized = keptEvents
        }
        for shard in boxes.indices { swap(&shardEvents[shard], &boxes[shard].events) }
        merged.activities.reserveCapacity(states.reduce(0) { $0 + $1.activities.count })
        for (file, entry) in order.enumerated() {
            let activities = activityGroups[entry.shard]
            for position in activities.positions[activities.starts[entry.file]..<activities.starts[entry.file + 1]] {
                merged.activities.append(states[entry.shard].activities[position])
                merged.activities[merged.activities.count - 1].fileIndex = file
            }
        }

        // Sums, coverage, NUL lines, secrets.
        var coverage: [String: CoverageAccumulator] = [:]
        for (shard, state) in states.enumerated() {
            merged.eventsWithoutTime += state.eventsWithoutTime
            merged.eventsOverLimit += state.eventsOverLimit
            merged.activitiesWithoutTime += state.activitiesWithoutTime
            var failures = state.failures
            for address in failures.sources.keys {
                if let first = failures.sources[address]?.first { failures.sources[address]?.first?.fileIndex = global[shard][first.fileIndex] }
            }
            merged.failures.add(failures)
            for series in state.coverage {
                let key = series.host + "\u{0}" + series.source
                // Taken out while it changes (no copy); a host's series is usually in one shard only, so
                // its minutes are taken whole rather than inserted one by one.
                var accumulator = coverage.removeValue(forKey: key) ?? CoverageAccumulator(host: series.host, source: series.source)
                accumulator.files.formUnion(series.files.map { global[shard][$0] })
                accumulator.lines += series.lines
                if accumulator.minutes.isEmpty { accumulator.minutes = series.minutes } else { accumulator.minutes.formUnion(series.minutes) }
                coverage[key] = accumulator
            }
            for (file, count) in state.nulLines { merged.nulLines[global[shard][file]] = count }
            for (secret, marker) in state.secrets where merged.secrets.count < 10_000 { merged.secrets[secret] = marker }
        }
        merged.coverage = coverage.values.sorted { ($0.host, $0.source) < ($1.host, $1.source) }
        return merged
    }

    /// Items `0..<count` grouped by their file (`fileOf`, below `fileCount`), in their order within a file:
    /// file `f`'s items are `positions[starts[f]..<starts[f + 1]]`.
    static func groupByFile(_ count: Int, fileCount: Int, fileOf: (Int) -> Int) -> (starts: [Int], positions: [Int]) {
        var starts = Array(repeating: 0, count: fileCount + 1)
        for item in 0..<count { starts[fileOf(item) + 1] += 1 }
        for file in 0..<fileCount { starts[file + 1] += starts[file] }
        var next = starts
        var positions = Array(repeating: 0, count: count)
        for item in 0..<count {
            let file = fileOf(item)
            positions[next[file]] = item
            next[file] += 1
        }
        return (starts, positions)
    }
}

/// One shard's correlation events, moved by one thread of ``PartialMerge/combine``.
private final class EventsBox: @unchecked Sendable {
    var events: [CorrelationEvent]

    init(_ events: [CorrelationEvent]) { self.events = events }
}

/// The merged events' buffer, written by several threads at places that do not overlap.
private struct EventsTarget: @unchecked Sendable {
    let base: UnsafeMutablePointer<CorrelationEvent>
}
