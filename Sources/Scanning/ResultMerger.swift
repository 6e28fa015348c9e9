import Foundation
import DetectionRules
import EvidenceInput
import RecordParsing
import ExposureReport
import ExposureAnalysis

/// Puts chunk results back in file order then chunk order, whatever order workers finish in, and
/// builds the report's findings, evidence entries and rule statistics from them.
///
/// Deterministic by construction: the per-rule cap keeps the first findings in evidence order.
final class ResultMerger: @unchecked Sendable {
    private let condition = NSCondition()
    private let rules: RuleSet
    private let configuration: ScanConfiguration
    private var pending: [Int: [Int: ChunkResult]] = [:]
    private var summaries: [Int: FileSummary] = [:]
    private var nextFile = 0
    private var nextChunk = 0
    private(set) var mergedFileCountStorage = 0

    private var evidence: [EvidenceEntry] = []
    private var findings: [Finding] = []
    /// The file index of each finding (a sharded scan's merge orders findings by it).
    private var findingFiles: [Int] = []
    private var statistics: [RuleStatistics]
    private var currentFileFindings: [Int] = []
    private let fileCount: Int

    private let paths: [String]
    /// Tells workers which rules' caps are full, so they stop building findings for them.
    let capBoard: FindingsCapBoard
    private var timeResolver: TimeResolver
    private var timeState = FileTimeState()
    /// Events of the rules correlations read, placed in time (the whole scan's).
    private var correlationEvents: [CorrelationEvent] = []
    /// This file's events with year-less stamps (in ``correlationEvents`` already, in line order), placed
    /// when the file is complete: 24 bytes each, so one large file's wait costs little.
    private var pendingEvents: [PendingEvent] = []
    /// The stamps ``PendingEvent/Stamp`` cannot hold (none from the parsers), by event index.
    private var unpackedStamps: [Int: CivilTime] = [:]
    /// Events correlations could not use: no time stamp.
    private var eventsWithoutTime = 0
    /// The events' lines, when ``ScanConfiguration/eventLineDirectory`` is set and a file could be made there.
    private let lineSpill: EventLineSpill?
    /// Events not kept because ``ScanConfiguration/maximumCorrelationEvents`` was reached.
    private var eventsOverLimit = 0
    /// Per rule, the fields its events keep for correlations: what they group and count by, and the
    /// rule's entities (empty for rules no correlation reads).
    private let correlationSlots: [Set<String>]

    /// This file's activities and coverage, placed in time when the file is complete.
    private var fileActivities: [ActivityDraft] = []
    /// This file's failed-login tallies, one per (kind, host, source, user): a brute force of millions
    /// of lines keeps one entry per name tried. In the order first seen, each key's found by its index:
    /// the drafts (a few hundred bytes each) are changed in place, the dictionary holds only indexes.
    private var fileTallies: [ActivityDraft] = []
    private var fileTallyIndex: [ActivityCollector.TallyKey: Int] = [:]
    /// The whole scan's failed logins, summed per source and account.
    private var failures = FailureSummary()
    private var fileCoverage: [String: ChunkCoverage] = [:]
    private var fileNulLines: NulLineCount?
    /// The whole scan's, placed in time.
    private var activities: [Activity] = []
    private var activitiesWithoutTime = 0
    private var coverageSeries: [String: CoverageAccumulator] = [:]
    private var nulLines: [Int: NulLineCount] = [:]
    /// Secrets rules redacted (value → marker), to scrub them from every part of the report.
    private var secrets: [[UInt8]: [UInt8]] = [:]

    init(paths: [String], rules: RuleSet, configuration: ScanConfiguration, timeResolver: TimeResolver) {
        self.paths = paths
        capBoard = FindingsCapBoard(ruleCount: rules.rules.count)
        self.timeResolver = timeResolver
        self.fileCount = paths.count
        self.rules = rules
        self.configuration = configuration
        lineSpill = configuration.eventLineDirectory.flatMap { EventLineSpill(directory: $0) }
        statistics = rules.rules.map { RuleStatistics(id: $0.id, matches: 0, reported: 0, engineErrors: 0, firstEngineError: nil) }
        var slots = rules.rules.map { $0.feedsCorrelation ? Set($0.entities.keys) : Set<String>() }
        for correlation in rules.correlations {
            for (position, input) in correlation.inputs.enumerated() {
                guard case .rule(let index) = input else { continue }
                for name in correlation.groupBy { slots[index].insert(correlation.field(for: name, input: position)) }
                if let field = correlation.valueField { slots[index].insert(field) }
                // first_seen: the tuple's fields, and the fields `exclude` tests (and `|fieldref`s).
                slots[index].formUnion(correlation.fields)
                for test in correlation.exclude.joined() {
                    slots[index].insert(test.field.text)
                    for case .fieldReference(let reference) in test.values { slots[index].insert(reference.field.text) }
                }
            }
        }
        correlationSlots = slots
    }

    var mergedFileCount: Int {
        condition.lock(); defer { condition.unlock() }
        return mergedFileCountStorage
    }

    func wait(untilMergedFiles count: Int) {
        condition.lock()
        while mergedFileCountStorage < count && mergedFileCountStorage < fileCount { condition.wait() }
        condition.unlock()
    }

    func accept(_ result: ChunkResult) {
        condition.lock()
        pending[result.fileIndex, default: [:]][result.chunkIndex] = result
        drain()
        condition.unlock()
    }

    func fileRead(_ fileIndex: Int, summary: FileSummary) {
        condition.lock()
        summaries[fileIndex] = summary
        drain()
        condition.unlock()
    }

    /// An archive's hash, size and status, known once its members are read (its entry was made from the
    /// summary ``fileRead(_:summary:)`` got when it was opened, so its members never wait for it).
    func archiveRead(_ fileIndex: Int, sha256: String?, storedBytes: Int64, status: EvidenceEntry.Status, error: String?) {
        condition.lock()
        defer { condition.unlock() }
        if fileIndex < nextFile {
            evidence[fileIndex].sha256 = sha256
            evidence[fileIndex].bytes = storedBytes
            evidence[fileIndex].status = status
            evidence[fileIndex].error = error
        } else {
            summaries[fileIndex]?.sha256 = sha256
            summaries[fileIndex]?.storedBytes = storedBytes
            summaries[fileIndex]?.status = status
            summaries[fileIndex]?.error = error
        }
    }

    /// Merges everything that is next in order. Called with the lock held.
    private func drain() {
        while nextFile < fileCount {
            if let result = pending[nextFile]?.removeValue(forKey: nextChunk) {
                merge(result)
                nextChunk += 1
                continue
            }
            guard let summary = summaries[nextFile], summary.chunkCount == nextChunk else { return }
            finishFile(summary)
            summaries[nextFile] = nil
            pending[nextFile] = nil
            nextFile += 1
            nextChunk = 0
            mergedFileCountStorage = nextFile
            condition.broadcast()
        }
    }

    private func merge(_ result: ChunkResult) {
        let path = evidencePath(nextFile)
        let rolloversBeforeChunk = timeState.merge(result.summary)
        for var draft in result.activities {
            draft.rollovers += rolloversBeforeChunk
            draft.lastRollovers += rolloversBeforeChunk
            draft.activity.fileIndex = nextFile
            guard draft.activity.isTally else {
                fileActivities.append(draft)
                continue
            }
            let activity = draft.activity
            let key = ActivityCollector.TallyKey(kind: activity.kind, host: activity.host, source: activity.source, user: activity.user, isDenied: activity.isDenied)
            if let index = fileTallyIndex[key] {
                fileTallies[index].activity.count += activity.count
                fileTallies[index].lastInstant = draft.lastInstant
                fileTallies[index].lastRollovers = draft.lastRollovers
            } else {
                fileTallyIndex[key] = fileTallies.count
                fileTallies.append(draft)
            }
        }
        for (host, coverage) in result.coverage {
            // In place: a copy taken out and put back would copy the host's minutes at every chunk.
            func update(_ entry: inout ChunkCoverage) {
                entry.lines += coverage.lines
                for var minute in coverage.minutes {
                    if minute.isLocal { minute.rollovers += rolloversBeforeChunk }
                    entry.minutes.insert(minute)
                }
            }
            update(&fileCoverage[host, default: ChunkCoverage()])
        }
        if let nul = result.nulLines {
            if fileNulLines == nil { fileNulLines = nul } else { fileNulLines!.count += nul.count }
        }
        for (index, counts) in result.counts.enumerated() where counts.matches > 0 || counts.engineErrors > 0 {
            statistics[index].matches += counts.matches
            statistics[index].engineErrors += counts.engineErrors
            if statistics[index].firstEngineError == nil, let first = counts.firstEngineError {
                statistics[index].firstEngineError = EvidenceLocation(path: path, line: first.line, offset: first.offset, text: nil, bytes: nil, isTruncated: nil, isRedacted: nil)
            }
        }
        for draft in result.findings {
            for (secret, marker) in draft.secrets where secrets.count < 10_000 { secrets[secret] = marker }
            let rule = rules.rules[draft.ruleIndex]
            let keeps = (rule.emitsFindings || configuration.reportsCorrelationInputs) && statistics[draft.ruleIndex].reported < configuration.findingsCapPerRule
            guard keeps || rule.feedsCorrelation else { continue }
            // The time first: an event a correlation reads needs it even when no finding is kept.
            var time = Self.statedTime(of: draft)
            var eventTime: Int64?
            var isPending = false
            switch draft.instant {
            case .exact(let nanoseconds)?:
                time?.utc = UTCText.format(nanoseconds: nanoseconds)
                time?.yearSource = YearInference.Source.inLine.rawValue
                time?.zoneSource = "in-line"
                time?.confidence = "high"
                if !isInsideTimeWindow(nanoseconds) {
                    if keeps { statistics[draft.ruleIndex].outsideTimeWindow += 1 }
                    continue
                }
                eventTime = nanoseconds
            case .local(let civil)?:
                if let year = civil.year {
                    let reading = timeResolver.utc(of: civil, year: year)
                    time?.utc = UTCText.format(nanoseconds: reading.nanoseconds)
                    time?.yearSource = YearInference.Source.inLine.rawValue
                    time?.zoneSource = timeResolver.zone.source
                    time?.isAmbiguous = reading.isAmbiguous ? true : nil
                    time?.confidence = timeResolver.zone.source == "assumed-utc" ? "low" : "medium"
                    if !isInsideTimeWindow(reading.nanoseconds) {
                        if keeps { statistics[draft.ruleIndex].outsideTimeWindow += 1 }
                        continue
                    }
                    eventTime = reading.nanoseconds
                } else {
                    isPending = true
                    if keeps { timeState.pendingLocal.append((findings.count, civil, rolloversBeforeChunk + draft.chunkRollovers)) }
                    if rule.feedsCorrelation, let event = correlationEvent(draft, time: time, nanoseconds: 0) {
                        let stamp = PendingEvent.Stamp(civil)
                        if stamp == nil { unpackedStamps[correlationEvents.count] = civil }
                        pendingEvents.append(PendingEvent(index: correlationEvents.count, stamp: stamp ?? .unpacked, rollovers: rolloversBeforeChunk + draft.chunkRollovers))
                        correlationEvents.append(event)
                    }
                }
            case nil:
                break
            }
            if rule.feedsCorrelation && !isPending {
                if let eventTime {
                    if let event = correlationEvent(draft, time: time, nanoseconds: eventTime) { correlationEvents.append(event) }
                } else {
                    eventsWithoutTime += 1
                }
            }
            guard keeps else { continue }
            var finding = Self.finding(from: draft, rule: rule, path: path)
            finding.time = time
            statistics[draft.ruleIndex].reported += 1
            // With a time window, year-less findings may still be removed when their file completes, so
            // the cap is never final before the end.
            if statistics[draft.ruleIndex].reported == configuration.findingsCapPerRule && configuration.since == nil && configuration.until == nil {
                capBoard.markFull(draft.ruleIndex)
            }
            findings.append(finding)
            findingFiles.append(nextFile)
            currentFileFindings.append(findings.count - 1)
        }
    }

    /// The compact event a correlation reads, or nil when the limit on kept events is reached (counted).
    private func correlationEvent(_ draft: FindingDraft, time: FindingTime?, nanoseconds: Int64) -> CorrelationEvent? {
        guard correlationEvents.count < configuration.maximumCorrelationEvents else {
            eventsOverLimit += 1
            return nil
        }
        var time = time
        time?.utc = nil
        let slots = correlationSlots[draft.ruleIndex]
        var fields: [(String, String)] = []
        for (name, value) in draft.fields where slots.contains(name) && !fields.contains(where: { $0.0 == name }) {
            fields.append((name, TextRendering.escapedText(value)))
        }
        // The line to the spill file when there is one (kept here when the file fails).
        let spilled = lineSpill?.append(draft.line).map { (offset: $0, count: draft.line.count) }
        return CorrelationEvent(input: .rule(draft.ruleIndex), nanoseconds: nanoseconds, fileIndex: nextFile, line: draft.lineNumber,
                                offset: draft.offset, fields: fields, text: spilled == nil ? draft.line : nil, spilledText: spilled,
                                isTruncated: draft.isLineTruncated,
                                isRedacted: draft.isRedacted, time: time)
    }

    private func isInsideTimeWindow(_ nanoseconds: Int64) -> Bool {
        let seconds = nanoseconds / 1_000_000_000
        if let since = configuration.since, seconds < since { return false }
        if let until = configuration.until, seconds > until { return false }
        return true
    }

    private func evidencePath(_ index: Int) -> String {
        paths[index]
    }

    private func finishFile(_ summary: FileSummary) {
        if summary.hasDamagedData {
            for index in currentFileFindings { findings[index].isFromDamagedData = true }
        }
        var entry = EvidenceEntry(
            path: summary.path, sha256: summary.sha256, bytes: summary.storedBytes, compression: summary.compression,
            decompressedBytes: summary.decompressedBytes, lines: summary.lines, status: summary.status, error: summary.error,
            warnings: summary.warnings, gzipMembers: summary.gzipMembers, truncatedLines: summary.truncatedLines,
            hasDamagedData: summary.hasDamagedData)
        entry.archiveFormat = summary.archiveFormat
        entry.duplicateOf = summary.duplicateOf
        if let mtime = summary.memberModificationTime {
            entry.memberModificationTime = UTCText.format(nanoseconds: mtime * 1_000_000_000)
        }
        resolveTimes(of: &entry)
        // Year-less events of a file whose year could not be placed cannot be ordered in time.
        eventsWithoutTime += pendingEvents.count
        removeEvents(pendingEvents.map(\.index))
        pendingEvents.removeAll()
        unpackedStamps.removeAll()
        evidence.append(entry)
        currentFileFindings.removeAll()
        timeState = FileTimeState()
        fileActivities.removeAll()
        fileCoverage.removeAll()
        if let nul = fileNulLines { nulLines[nextFile] = nul }
        fileNulLines = nil
    }

    /// Places the file's year-less stamps in time, fills its summary, and applies the time window.
    private func resolveTimes(of entry: inout EvidenceEntry) {
        let state = timeState
        for (index, format) in RecordFormat.allCases.enumerated() where state.formatCounts[index] > 0 {
            entry.formats[format.rawValue] = state.formatCounts[index]
        }
        entry.unparsedLines = state.formatCounts[RecordFormat.allCases.firstIndex(of: .unrecognised)!]
        entry.parsedLines = state.formatCounts.reduce(0, +) - entry.unparsedLines
        entry.repeatedMessageEvents = state.repeatedMessageEvents
        if let mtime = timeResolver.dates[nextFile].gzipModificationTime {
            entry.gzipModificationTime = UTCText.format(nanoseconds: mtime * 1_000_000_000)
        }
        var earliest = state.earliestExact
        var latest = state.latestExact
        var removed = Set<Int>()
        let placement = timeResolver.endYear(fileIndex: nextFile, state: state)
        placeActivitiesAndCoverage(endYear: placement?.year, rollovers: state.rollovers, path: entry.path)
        if let (endYear, source) = placement, let first = state.firstLocal, let last = state.lastLocal {
            entry.yearSource = source.rawValue
            entry.zoneSource = timeResolver.zone.source
            let firstReading = timeResolver.utc(of: first, year: endYear - (state.rollovers - state.firstLocalRollovers))
            let lastReading = timeResolver.utc(of: last, year: endYear - (state.rollovers - state.lastLocalRollovers))
            earliest = min(earliest ?? .max, firstReading.nanoseconds)
            latest = max(latest ?? .min, lastReading.nanoseconds)
            let confidence = timeResolver.zone.source == "assumed-utc" ? "low" : source.confidence
            var outside: [Int] = []
            for pending in pendingEvents {
                let civil = pending.stamp.civil ?? unpackedStamps[pending.index]!
                let reading = timeResolver.utc(of: civil, year: endYear - (state.rollovers - pending.rollovers))
                guard isInsideTimeWindow(reading.nanoseconds) else {
                    outside.append(pending.index)
                    continue
                }
                // Changed where it lies, so its packed buffer is rewritten in place, not copied.
                correlationEvents[pending.index].nanoseconds = reading.nanoseconds
                if var time = correlationEvents[pending.index].time {
                    time.yearSource = source.rawValue
                    time.zoneSource = timeResolver.zone.source
                    time.confidence = confidence
                    correlationEvents[pending.index].time = time
                }
            }
            removeEvents(outside)
            pendingEvents.removeAll()
            unpackedStamps.removeAll()
            for pending in state.pendingLocal {
                let year = endYear - (state.rollovers - pending.rollovers)
                let reading = timeResolver.utc(of: pending.time, year: year)
                findings[pending.findingIndex].time?.utc = UTCText.format(nanoseconds: reading.nanoseconds)
                findings[pending.findingIndex].time?.yearSource = source.rawValue
                findings[pending.findingIndex].time?.zoneSource = timeResolver.zone.source
                findings[pending.findingIndex].time?.isAmbiguous = reading.isAmbiguous ? true : nil
                findings[pending.findingIndex].time?.confidence = confidence
                if !isInsideTimeWindow(reading.nanoseconds) { removed.insert(pending.findingIndex) }
            }
        }
        if let earliest, let latest {
            entry.timeRange = TimeRange(first: UTCText.format(nanoseconds: earliest), last: UTCText.format(nanoseconds: latest))
        }
        if !removed.isEmpty {
            // Only this file's findings sit at the end of the list, so removal keeps the order.
            for index in removed.sorted(by: >) {
                let ruleIndex = rules.rules.firstIndex { $0.id == findings[index].rule.id }!
                statistics[ruleIndex].reported -= 1
                statistics[ruleIndex].outsideTimeWindow += 1
                findings.remove(at: index)
                findingFiles.remove(at: index)
            }
        }
    }

    /// Removes events (indexes ascending, all of the current file's, so at the end of the list), keeping
    /// the others' order.
    private func removeEvents(_ removed: [Int]) {
        guard let first = removed.first else { return }
        var write = first
        var next = 0
        for read in first..<correlationEvents.count {
            if next < removed.count && removed[next] == read {
                next += 1
                continue
            }
            correlationEvents.swapAt(write, read)
            write += 1
        }
        correlationEvents.removeLast(correlationEvents.count - write)
    }

    /// The UTC instant of a stamp, or nil when it has none or its year cannot be placed.
    private func placed(_ instant: RecordInstant?, rollovers: Int, endYear: Int?, fileRollovers: Int) -> Int64? {
        switch instant {
        case .exact(let nanoseconds)?: return nanoseconds
        case .local(let civil)?:
            if let year = civil.year { return timeResolver.utc(of: civil, year: year).nanoseconds }
            guard let endYear else { return nil }
            return timeResolver.utc(of: civil, year: endYear - (fileRollovers - rollovers)).nanoseconds
        case nil: return nil
        }
    }

    /// Places the file's activities and coverage minutes in time (the time window applies to activities).
    private func placeActivitiesAndCoverage(endYear: Int?, rollovers fileRollovers: Int, path: String) {
        for draft in fileTallies {
            guard let first = placed(draft.instant, rollovers: draft.rollovers, endYear: endYear, fileRollovers: fileRollovers) else {
                activitiesWithoutTime += draft.activity.count
                continue
            }
            let last = placed(draft.lastInstant, rollovers: draft.lastRollovers, endYear: endYear, fileRollovers: fileRollovers) ?? first
            guard isInsideTimeWindow(first) || isInsideTimeWindow(last) else { continue }
            var activity = draft.activity
            activity.nanoseconds = first
            activity.lastNanoseconds = last
            failures.add(activity)
        }
        fileTallies.removeAll()
        fileTallyIndex.removeAll()
        for draft in fileActivities {
            guard let nanoseconds = placed(draft.instant, rollovers: draft.rollovers, endYear: endYear, fileRollovers: fileRollovers) else {
                activitiesWithoutTime += 1
                continue
            }
            guard isInsideTimeWindow(nanoseconds) else { continue }
            var activity = draft.activity
            activity.nanoseconds = nanoseconds
            activity.lastNanoseconds = placed(draft.lastInstant, rollovers: draft.lastRollovers, endYear: endYear, fileRollovers: fileRollovers) ?? nanoseconds
            activities.append(activity)
        }
        let source = Self.logSource(of: path)
        for (host, coverage) in fileCoverage {
            let key = host + "\u{0}" + source
            // Taken out while it changes: a copy would copy its minutes at every file.
            var accumulator = coverageSeries.removeValue(forKey: key) ?? CoverageAccumulator(host: host, source: source)
            accumulator.files.insert(nextFile)
            accumulator.lines += coverage.lines
            // Minutes of one local hour share its UTC offset: place each hour once.
            var hours: [MinuteKey: Int64?] = [:]
            for minute in coverage.minutes {
                if !minute.isLocal {
                    accumulator.minutes.insert(minute.value)
                    continue
                }
                var hour = minute
                hour.value = minute.value / 100
                let base: Int64?
                if let cached = hours[hour] {
                    base = cached
                } else {
                    let value = Int(hour.value)
                    let civil = CivilTime(year: minute.year == 0 ? nil : minute.year, month: value / 10_000, day: value / 100 % 100,
                                          hour: value % 100, minute: 0, second: 0)
                    base = placed(.local(civil), rollovers: minute.rollovers, endYear: endYear, fileRollovers: fileRollovers).map { $0 / 60_000_000_000 }
                    hours[hour] = base
                }
                if let base { accumulator.minutes.insert(base + minute.value % 100) }
            }
            coverageSeries[key] = accumulator
        }
    }

    /// The log source a file belongs to: its rotation set's name without directories
    /// (`auth.log.2.gz` → `auth.log`, `secure-20240114` → `secure`, `a.tgz![root]/var/log/syslog.1` → `syslog`).
    static func logSource(of path: String) -> String {
        let key = RotationSet.rotationKey(path).key
        return String(key.split(separator: "/").last ?? Substring(key))
    }

    /// The draft's stamp as written, not yet read in a zone and year.
    static func statedTime(of draft: FindingDraft) -> FindingTime? {
        draft.timeText.map { FindingTime(text: TextRendering.escapedText($0), utc: nil, yearSource: nil, zoneSource: nil, isAmbiguous: nil, confidence: "low") }
    }

    static func finding(from draft: FindingDraft, rule: DetectionRule, path: String) -> Finding {
        var fields: [String: String] = [:]
        for (name, value) in draft.fields where fields[name] == nil { fields[name] = TextRendering.escapedText(value) }
        var location = EvidenceLocation(path: path, line: draft.lineNumber, offset: draft.offset, text: nil, bytes: nil,
                                        isTruncated: draft.isLineTruncated ? true : nil, isRedacted: draft.isRedacted ? true : nil)
        if let text = String(validating: draft.line, as: UTF8.self) {
            location.text = text
        } else {
            location.bytes = Data(draft.line).base64EncodedString()
        }
        let time = statedTime(of: draft)
        return Finding(rule: FindingRule(id: rule.id, name: rule.name, title: rule.title, level: rule.level.rawValue, tags: rule.tags,
                                                 author: rule.author, license: rule.provenance?.license,
                                                 source: rule.provenance?.url),
                       fields: fields, time: time, evidence: [location], isFromDamagedData: nil)
    }

    /// Everything merged, before correlation and analysis: what a partial report keeps, and what
    /// ``ScanState/outcome(rules:configuration:)`` finishes. The correlation events move out.
    func state(discoveryProblems: [DiscoveryProblem]) -> ScanState {
        condition.lock(); defer { condition.unlock() }
        var events: [CorrelationEvent] = []
        swap(&events, &correlationEvents)
        return ScanState(
            paths: paths, evidence: evidence, findings: findings, findingFiles: findingFiles, statistics: statistics,
            correlationEvents: events, eventsWithoutTime: eventsWithoutTime, eventsOverLimit: eventsOverLimit,
            activities: activities, activitiesWithoutTime: activitiesWithoutTime, failures: failures,
            coverage: coverageSeries.values.sorted { ($0.host, $0.source) < ($1.host, $1.source) },
            nulLines: nulLines, secrets: secrets,
            warnings: discoveryProblems.filter { !$0.isEvidenceMissed }.map { "\($0.path): \($0.reason)" },
            problems: discoveryProblems.filter(\.isEvidenceMissed).map { "\($0.path): \($0.reason)" }, zoneWarning: nil, shardUnits: nil,
            eventLines: lineSpill)
    }
}

/// One host's lines in one log source, gathered over the scan.
struct CoverageAccumulator: Codable {
    var host: String
    var source: String
    var files: Set<Int> = []
    var lines = 0
    var minutes: Set<Int64> = []
}

/// A correlation event waiting for its file's year: where it lies in the scan's events, its stamp and
/// the file's rollovers before it.
struct PendingEvent {
    var index: Int
    var stamp: Stamp
    var rollovers: Int

    /// A year-less local stamp in 8 bytes: month, day, hour, minute and second (7 bits each, month 5)
    /// and the nanosecond (30 bits). ``unpacked`` marks one kept aside (a field out of those ranges).
    struct Stamp: Equatable {
        private let bits: UInt64
        static let unpacked = Stamp(bits: .max)

        private init(bits: UInt64) { self.bits = bits }

        init?(_ civil: CivilTime) {
            let sevenBits = 0..<128
            guard civil.year == nil, civil.utcOffsetSeconds == nil, (0..<32).contains(civil.month), sevenBits.contains(civil.day),
                  sevenBits.contains(civil.hour), sevenBits.contains(civil.minute), sevenBits.contains(civil.second),
                  (0..<(1 << 30)).contains(civil.nanosecond) else { return nil }
            bits = UInt64(civil.month) << 58 | UInt64(civil.day) << 51 | UInt64(civil.hour) << 44 | UInt64(civil.minute) << 37
                | UInt64(civil.second) << 30 | UInt64(civil.nanosecond)
        }

        /// The stamp, nil for ``unpacked``.
        var civil: CivilTime? {
            guard self != .unpacked else { return nil }
            return CivilTime(year: nil, month: Int(bits >> 58), day: Int(bits >> 51 & 0x7f), hour: Int(bits >> 44 & 0x7f),
                             minute: Int(bits >> 37 & 0x7f), second: Int(bits >> 30 & 0x7f), nanosecond: Int(bits & (1 << 30 - 1)))
        }
    }
}
