import ExposureAnalysis
import LineChunking
import RecordParsing

/// An activity read from a chunk, with its time not yet placed (year-less stamps wait for their file).
struct ActivityDraft: Sendable {
    var activity: Activity
    var instant: RecordInstant?
    var rollovers: Int
    var lastInstant: RecordInstant?
    var lastRollovers: Int
}

/// A minute in which a host wrote a line, as the chunk knows it: exact (UTC minute) or local
/// (year-less, with the chunk's rollover count).
struct MinuteKey: Hashable, Sendable {
    /// UTC minutes since the epoch, for exact instants; for local times `month*1_000_000 + day*10_000 + hour*100 + minute`.
    var value: Int64
    var isLocal: Bool
    var rollovers: Int
    /// The year written in the line, for local times with a year.
    var year: Int
}

/// What one chunk says about coverage: per host, its minutes with lines and its line count.
struct ChunkCoverage: Sendable {
    var minutes: Set<MinuteKey> = []
    var lines = 0
}

/// Reads every line of a chunk for the report's activities and coverage: one per worker thread.
///
/// Failed logins and invalid-user lines are tallied per (host, source, user, kind) within the chunk:
/// one activity with a count, the first line as evidence and the last time, so a brute force of
/// millions of lines costs a few entries.
final class ActivityCollector {
    private let extractor = ActivityExtractor()

    struct TallyKey: Hashable {
        var kind: Activity.Kind
        var host: String
        var source: String?
        var user: String?
        var isDenied: Bool
    }

    /// The previous line's host (bytes and text) and minute, so that runs of lines from one host in
    /// one minute cost a comparison, not a hash.
    private var previousHost: [UInt8] = []
    private var previousHostText = "-"
    private var previousMinute: MinuteKey?

    /// Starts a chunk (the caches point into no chunk).
    func reset() {
        previousHost.removeAll(keepingCapacity: true)
        previousHostText = "-"
        previousMinute = nil
    }

    /// The other records of the auditd event of an `EXECVE` line, set by the caller before ``collect``.
    var auditEventSiblings: [UnsafeBufferPointer<UInt8>] = []

    func collect(record: LogRecord, line: UnsafeBufferPointer<UInt8>, lineNumber: Int, offset: Int64, rollovers: Int,
                 activities: inout [ActivityDraft], tallies: inout [TallyKey: Int], coverage: inout [String: ChunkCoverage], nulLines: inout NulLineCount?) {
        if line.first == 0 {
            if nulLines == nil { nulLines = NulLineCount(count: 0, firstLine: lineNumber, firstOffset: offset) }
            nulLines!.count += 1
            return
        }
        guard record.format != .unrecognised else { return }
        let instant = RecordTime.instant(of: record, line: line)
        var isSameHost = false
        if let range = record.header.host {
            let bytes = UnsafeBufferPointer(rebasing: line[range])
            isSameHost = bytes.elementsEqual(previousHost)
            if !isSameHost {
                previousHost = Array(bytes)
                previousHostText = TextRendering.escapedText(bytes)
            }
        } else {
            isSameHost = previousHost.isEmpty && previousHostText == "-"
            if !isSameHost {
                previousHost.removeAll(keepingCapacity: true)
                previousHostText = "-"
            }
        }
        if !isSameHost { previousMinute = nil }
        let host = previousHostText
        if let instant {
            let minute: MinuteKey
            switch instant {
            case .exact(let nanoseconds):
                minute = MinuteKey(value: nanoseconds / 60_000_000_000, isLocal: false, rollovers: 0, year: 0)
            case .local(let civil):
                let value = Int64(civil.month * 1_000_000 + civil.day * 10_000 + civil.hour * 100 + civil.minute)
                minute = MinuteKey(value: value, isLocal: true, rollovers: rollovers, year: civil.year ?? 0)
            }
            if minute == previousMinute {
                coverage[host]!.lines += 1
            } else {
                coverage[host, default: ChunkCoverage()].lines += 1
                coverage[host]!.minutes.insert(minute)
                previousMinute = minute
            }
        }
        if ActivityExtractor.isExecveRecord(record, line: line) {
            extractor.auditEventSiblings = auditEventSiblings
            defer { extractor.auditEventSiblings = [] }
            guard var activity = extractor.auditCommand(record: record, line: line) else { return }
            activity.line = lineNumber
            activity.offset = offset
            activity.text = TextRendering.escapedText(line)
            activities.append(ActivityDraft(activity: activity, instant: instant, rollovers: rollovers, lastInstant: instant, lastRollovers: rollovers))
            return
        }
        guard let kind = extractor.activity(of: record, line: line) else { return }
        let isTally = kind == .loginFailed || kind == .invalidUser
        var activity = isTally ? extractor.tally(kind, record: record, line: line) : extractor.fill(kind, record: record, line: line)
        if isTally {
            let key = TallyKey(kind: kind, host: activity.host, source: activity.source, user: activity.user, isDenied: activity.isDenied)
            if let index = tallies[key] {
                activities[index].activity.count += activity.count
                activities[index].lastInstant = instant
                activities[index].lastRollovers = rollovers
                return
            }
            tallies[key] = activities.count
        }
        activity.line = lineNumber
        activity.offset = offset
        activity.text = TextRendering.escapedText(line)
        activities.append(ActivityDraft(activity: activity, instant: instant, rollovers: rollovers, lastInstant: instant, lastRollovers: rollovers))
    }
}
