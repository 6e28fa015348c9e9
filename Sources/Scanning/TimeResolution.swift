import EvidenceInput
import DetectionRules
import ExposureReport
import RecordParsing

/// Dates known about a file before it is read: its gzip header MTIME and its own modification time.
struct FileDates: Sendable {
    var gzipModificationTime: Int64?
    var fileModificationTime: Int64?
}

/// The zone local stamps are read in, and why.
struct ZoneChoice: Sendable {
    var rules: ZoneRules
    /// `--timezone`, `evidence:PATH`, or `assumed-utc`.
    var source: String
}

/// What a file's records said about time, accumulated chunk by chunk in order by the merger.
struct FileTimeState {
    var formatCounts: [Int] = Array(repeating: 0, count: RecordFormat.allCases.count)
    var repeatedMessageEvents = 0
    /// Year rollovers counted so far (month going back, over dated and year-less lines).
    var rollovers = 0
    var previousMonth: Int?
    var firstLocal: CivilTime?
    var firstLocalRollovers = 0
    var lastLocal: CivilTime?
    var lastLocalRollovers = 0
    /// A stamp with a year, and the rollovers counted at it.
    var inLineYear: (time: CivilTime, rollovers: Int)?
    var earliestExact: Int64?
    var latestExact: Int64?
    /// Findings of this file with a year-less stamp: index in the report's findings, and rollovers at it.
    var pendingLocal: [(findingIndex: Int, time: CivilTime, rollovers: Int)] = []

    /// Folds in a chunk's summary; returns the rollovers counted before the chunk's first line.
    mutating func merge(_ summary: ChunkRecordSummary) -> Int {
        for index in formatCounts.indices { formatCounts[index] += summary.formatCounts[index] }
        repeatedMessageEvents += summary.repeatedMessageEvents
        if let previous = previousMonth, let first = summary.firstMonth, YearInference.isRollover(previousMonth: previous, nextMonth: first) {
            rollovers += 1
        }
        let base = rollovers
        if firstLocal == nil, let first = summary.firstLocal {
            firstLocal = first
            firstLocalRollovers = base + summary.firstLocalRollovers
        }
        if let last = summary.lastLocal {
            lastLocal = last
            lastLocalRollovers = base + summary.lastLocalRollovers
        }
        if let month = summary.lastMonth { previousMonth = month }
        if let anchor = summary.inLineYear {
            inLineYear = (anchor.time, base + summary.rollovers(atOrBefore: anchor.lineIndex))
        }
        rollovers += summary.rolloverLines.count
        if let earliest = summary.earliestExact { earliestExact = min(earliestExact ?? .max, earliest) }
        if let latest = summary.latestExact { latestExact = max(latestExact ?? .min, latest) }
        return base
    }
}

/// Decides years and zones file by file, in merge order, from the evidence's own dates (see
/// ``YearInference``), and remembers each file's resolved span so later members of its rotation set
/// can be placed from it.
struct TimeResolver {
    let dates: [FileDates]
    let zone: ZoneChoice
    let referenceDate: CalendarDate?
    let scanDate: Int64
    /// For each file: when the collection holding it was made (``CollectorBundle``), if known.
    let acquisitionTimes: [Int64?]
    /// For each file: its rotation set and its age rank in it (0 newest).
    private let rotation: [(set: Int, rank: Int)]
    private let setMembers: [[Int]]
    /// Resolved first and last local dates of year-less files, by file index.
    private var resolvedSpans: [Int: (first: CalendarDate, last: CalendarDate)] = [:]

    init(paths: [String], dates: [FileDates], zone: ZoneChoice, referenceDate: CalendarDate?, scanDate: Int64, acquisitionTimes: [Int64?]? = nil) {
        self.dates = dates
        self.acquisitionTimes = acquisitionTimes ?? Array(repeating: nil, count: paths.count)
        self.zone = zone
        self.referenceDate = referenceDate
        self.scanDate = scanDate
        var rotation = Array(repeating: (set: 0, rank: 0), count: paths.count)
        let sets = RotationSet.group(paths)
        for (setIndex, set) in sets.enumerated() {
            for (rank, member) in set.members.enumerated() { rotation[member] = (setIndex, rank) }
        }
        self.rotation = rotation
        setMembers = sets.map(\.members)
    }

    /// The year at the file's end (the year of a line = this − rollovers after it) and where it came from.
    mutating func endYear(fileIndex: Int, state: FileTimeState) -> (year: Int, source: YearInference.Source)? {
        guard let first = state.firstLocal, let last = state.lastLocal else {
            // A file of dated records only still places its rotation neighbours.
            if let earliest = state.earliestExact, let latest = state.latestExact {
                resolvedSpans[fileIndex] = (Self.date(nanoseconds: earliest), Self.date(nanoseconds: latest))
            }
            return nil
        }
        let between = state.lastLocalRollovers - state.firstLocalRollovers
        let afterLast = state.rollovers - state.lastLocalRollovers
        let decided: (lastLocalYear: Int, source: YearInference.Source)
        func fromAnchor(_ anchor: YearInference.Anchor) -> Int {
            YearInference.lastLineYear(first: first, last: last, rollovers: between, anchor: anchor)
        }
        if let anchor = state.inLineYear, let year = anchor.time.year {
            decided = (year + (state.lastLocalRollovers - anchor.rollovers), .inLine)
        } else if let anchor = siblingAnchor(of: fileIndex) {
            decided = (fromAnchor(anchor), .rotationOrder)
        } else if let mtime = dates[fileIndex].gzipModificationTime {
            decided = (fromAnchor(YearInference.Anchor(utcSeconds: mtime, isUpperBound: true, source: .gzipModificationTime)), .gzipModificationTime)
        } else if let reference = referenceDate {
            decided = (fromAnchor(YearInference.Anchor(year: reference.year, month: reference.month, day: reference.day, isUpperBound: true, source: .referenceDate)), .referenceDate)
        } else if let acquired = acquisitionTimes[fileIndex] {
            decided = (fromAnchor(YearInference.Anchor(utcSeconds: acquired, isUpperBound: true, source: .acquisitionTime)), .acquisitionTime)
        } else if let anchor = olderMemberCompressionAnchor(of: fileIndex) {
            decided = (fromAnchor(anchor), .rotationOrder)
        } else if let mtime = dates[fileIndex].fileModificationTime {
            decided = (fromAnchor(YearInference.Anchor(utcSeconds: mtime, isUpperBound: true, source: .fileModificationTime)), .fileModificationTime)
        } else {
            decided = (fromAnchor(YearInference.Anchor(utcSeconds: scanDate, isUpperBound: true, source: .scanDate)), .scanDate)
        }
        resolvedSpans[fileIndex] = (CalendarDate(year: decided.lastLocalYear - between, month: first.month, day: first.day),
                                    CalendarDate(year: decided.lastLocalYear, month: last.month, day: last.day))
        return (decided.lastLocalYear + afterLast, decided.source)
    }

    static func date(nanoseconds: Int64) -> CalendarDate {
        let seconds = nanoseconds / 1_000_000_000
        let date = CivilTime.civilFromDays(Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
        return CalendarDate(year: date.year, month: date.month, day: date.day)
    }

    /// From the nearest already-resolved member of the same rotation set: a newer one bounds this
    /// file from above (its first line), an older one from below (its last line).
    private func siblingAnchor(of fileIndex: Int) -> YearInference.Anchor? {
        let (set, rank) = rotation[fileIndex]
        let members = setMembers[set]
        guard members.count > 1 else { return nil }
        for distance in 1..<members.count {
            if rank - distance >= 0, let span = resolvedSpans[members[rank - distance]] {
                return YearInference.Anchor(year: span.first.year, month: span.first.month, day: span.first.day, isUpperBound: true, source: .rotationOrder)
            }
            if rank + distance < members.count, let span = resolvedSpans[members[rank + distance]] {
                return YearInference.Anchor(year: span.last.year, month: span.last.month, day: span.last.day, isUpperBound: false, source: .rotationOrder)
            }
        }
        return nil
    }

    /// An older member's gzip MTIME (its last write, when it was rotated): a lower bound for this file.
    private func olderMemberCompressionAnchor(of fileIndex: Int) -> YearInference.Anchor? {
        let (set, rank) = rotation[fileIndex]
        let members = setMembers[set]
        for older in members.dropFirst(rank + 1) {
            if let mtime = dates[older].gzipModificationTime {
                return YearInference.Anchor(utcSeconds: mtime, isUpperBound: false, source: .rotationOrder)
            }
        }
        return nil
    }

    /// The UTC reading of a local stamp in a year.
    func utc(of time: CivilTime, year: Int) -> (nanoseconds: Int64, isAmbiguous: Bool) {
        let local = time.secondsAsUTC(year: year)
        if let offset = time.utcOffsetSeconds {
            return ((local - Int64(offset)) * 1_000_000_000 + Int64(time.nanosecond), false)
        }
        let resolution = zone.rules.resolve(localSeconds: local)
        return (resolution.utcSeconds * 1_000_000_000 + Int64(time.nanosecond), resolution.isAmbiguous)
    }
}
