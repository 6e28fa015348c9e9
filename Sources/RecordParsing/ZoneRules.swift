import Foundation

/// A time zone's UTC offsets, for turning local wall times into UTC.
///
/// Built once per zone and shared read-only; lookups are a binary search over the zone's transitions
/// (taken from the system's tz database through Foundation). A local time in the hour repeated when
/// clocks go back is *ambiguous*: the earlier instant is chosen and the result says so; a local time
/// in the hour skipped when clocks go forward does not exist: the offset before the gap is used, and
/// the result says so too.
public final class ZoneRules: Sendable {
    /// The zone's identifier (`Europe/London`, `UTC`).
    public let identifier: String
    /// (UTC second at which `offset` starts, offset in seconds), sorted.
    private let transitions: [(start: Int64, offset: Int)]
    private let initialOffset: Int

    /// Loads a zone by tz database name (or `UTC`); nil when unknown.
    public init?(identifier: String, fromYear: Int = 1990, toYear: Int = 2040) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        let start = Date(timeIntervalSince1970: TimeInterval(CivilTime.daysFromCivil(year: fromYear, month: 1, day: 1)) * 86_400)
        let end = Date(timeIntervalSince1970: TimeInterval(CivilTime.daysFromCivil(year: toYear, month: 12, day: 31)) * 86_400)
        initialOffset = zone.secondsFromGMT(for: start)
        var transitions: [(Int64, Int)] = []
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, transitions.count < 1000 {
            transitions.append((Int64(next.timeIntervalSince1970), zone.secondsFromGMT(for: next)))
            cursor = next
        }
        self.transitions = transitions
    }

    /// UTC, with no transitions.
    public static let utc = ZoneRules(identifier: "UTC")!

    /// The offset in force at a UTC instant.
    public func offset(atUTC seconds: Int64) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle].start <= seconds { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : transitions[low - 1].offset
    }

    /// The result of placing a local wall time on the UTC line.
    public struct Resolution: Sendable, Equatable {
        public var utcSeconds: Int64
        /// The wall time occurs twice (clocks went back); the earlier instant was taken.
        public var isAmbiguous: Bool
        /// The wall time never occurred (clocks went forward); the offset before the gap was used.
        public var isInGap: Bool
    }

    /// Converts local wall-clock seconds (the civil time read as if UTC) to UTC.
    public func resolve(localSeconds: Int64) -> Resolution {
        // Candidate offsets: those in force a day either side.
        let before = offset(atUTC: localSeconds - 86_400)
        let after = offset(atUTC: localSeconds + 86_400)
        var valid: [Int64] = []
        for candidate in Set([before, after]) {
            let utc = localSeconds - Int64(candidate)
            if offset(atUTC: utc) == candidate { valid.append(utc) }
        }
        valid.sort()
        if valid.isEmpty {
            return Resolution(utcSeconds: localSeconds - Int64(before), isAmbiguous: false, isInGap: true)
        }
        return Resolution(utcSeconds: valid[0], isAmbiguous: valid.count > 1, isInGap: false)
    }
}
