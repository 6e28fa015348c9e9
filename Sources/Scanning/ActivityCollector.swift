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

    func collect(record: LogRecord, line: UnsafeBufferPointer<UInt8>, lineNumber: Int, offset: Int64, rollovers: Int,
                 activities: inout [ActivityDraft], tallies: inout [TallyKey: Int], coverage: inout [String: ChunkCoverage], nulLines: inout NulLineCount?) {
        if line.first == 0 {
            if nulLines == nil { nulLines = NulLineCount(count: 0, firstLine: lineNumber, firstOffset: offset) }
            nulLines!.count += 1
            return
        }
        guard record.format != .unrecognised else { return }
        let instant = RecordTime.instant(of: record, line: line)
        let host = record.header.host.map { ActivityExtractor.escapedTextOf(UnsafeBufferPointer(rebasing: line[$0])) } ?? "-"
        if let instant {
            var entry = coverage[host] ?? ChunkCoverage()
            entry.lines += 1
            switch instant {
            case .exact(let nanoseconds):
                entry.minutes.insert(MinuteKey(value: nanoseconds / 60_000_000_000, isLocal: false, rollovers: 0, year: 0))
            case .local(let civil):
                let value = Int64(civil.month * 1_000_000 + civil.day * 10_000 + civil.hour * 100 + civil.minute)
                entry.minutes.insert(MinuteKey(value: value, isLocal: true, rollovers: rollovers, year: civil.year ?? 0))
            }
            coverage[host] = entry
        }
        guard let kind = extractor.activity(of: record, line: line) else { return }
        var activity = extractor.fill(kind, record: record, line: line)
        activity.line = lineNumber
        activity.offset = offset
        activity.text = ActivityExtractor.escapedTextOf(line)
        if activity.isTally {
            let key = TallyKey(kind: kind, host: activity.host, source: activity.source, user: activity.user, isDenied: activity.isDenied)
            if let index = tallies[key] {
                activities[index].activity.count += activity.count
                activities[index].lastInstant = instant
                activities[index].lastRollovers = rollovers
                return
            }
            tallies[key] = activities.count
        }
        activities.append(ActivityDraft(activity: activity, instant: instant, rollovers: rollovers, lastInstant: instant, lastRollovers: rollovers))
    }
}
