/// Decides the year of year-less (RFC 3164) time stamps in one file, from the evidence's own dates.
///
/// The file is summarised while it is read: its first and last year-less stamps and how many times the
/// month went backwards (a New Year rollover, by plaso's rule `month + 1 < previous month`, which
/// tolerates the small reorderings of rsyslog's repeated-message reduction). Given one anchor, the
/// year of every line follows: `lastLineYear - (rolloversInFile - rolloversBeforeLine)`.
public enum YearInference {
    /// What the year is inferred from, strongest first.
    public enum Source: String, Sendable, Codable {
        /// A stamp with a year (RFC 3339/5424) in the same file.
        case inLine = "in-line"
        /// A neighbouring file of the same rotation set whose dates are already known.
        case rotationOrder = "rotation-order"
        /// The gzip header's MTIME (when the file was compressed, at or after its last line).
        case gzipModificationTime = "gzip-mtime"
        /// `--reference-date` given by the investigator.
        case referenceDate = "reference-date"
        /// When a triage collection (UAC) was made, from its own log: its files end at or before it.
        case acquisitionTime = "acquisition-time"
        /// The file's modification time as found (weak: copies may have reset it).
        case fileModificationTime = "file-mtime"
        /// Nothing better: the date of the scan.
        case scanDate = "scan-date"

        public var confidence: String {
            switch self {
            case .inLine: return "high"
            case .rotationOrder, .gzipModificationTime, .referenceDate, .acquisitionTime: return "medium"
            case .fileModificationTime, .scanDate: return "low"
            }
        }
    }

    /// An anchor: a date the file's lines are known to be at or before (`upperBound`), or at or after.
    public struct Anchor: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var day: Int
        public var isUpperBound: Bool
        public var source: Source

        public init(year: Int, month: Int, day: Int, isUpperBound: Bool, source: Source) {
            self.year = year
            self.month = month
            self.day = day
            self.isUpperBound = isUpperBound
            self.source = source
        }

        /// The anchor at a UTC instant.
        public init(utcSeconds: Int64, isUpperBound: Bool, source: Source) {
            let date = CivilTime.civilFromDays(Int(utcSeconds >= 0 ? utcSeconds / 86_400 : (utcSeconds - 86_399) / 86_400))
            self.init(year: date.year, month: date.month, day: date.day, isUpperBound: isUpperBound, source: source)
        }
    }

    /// True when the month sequence `previous → next` is a rollover into a new year.
    @inline(__always)
    public static func isRollover(previousMonth: Int, nextMonth: Int) -> Bool {
        nextMonth + 1 < previousMonth
    }

    /// The year of the file's **last** year-less line.
    ///
    /// - An upper bound (the file was written up to that date): the last line is in the anchor's year
    ///   unless its month and day are after the anchor's (then the year before). A day of slack allows
    ///   for zones.
    /// - A lower bound (an older file ended then): the first line is in the anchor's year unless its
    ///   month and day are before the anchor's (then the year after); the last line adds the rollovers.
    public static func lastLineYear(first: CivilTime, last: CivilTime, rollovers: Int, anchor: Anchor) -> Int {
        if anchor.isUpperBound {
            let isAfterAnchor = (last.month, last.day) > (anchor.month, min(anchor.day + 1, 31))
            var year = isAfterAnchor ? anchor.year - 1 : anchor.year
            // Feb 29 exists only in leap years.
            if last.month == 2 && last.day == 29 && !CivilTime.isLeapYear(year) { year -= 1 }
            return year
        }
        let isBeforeAnchor = (first.month, first.day) < (anchor.month, max(anchor.day - 1, 1))
        var firstYear = isBeforeAnchor ? anchor.year + 1 : anchor.year
        if first.month == 2 && first.day == 29 && !CivilTime.isLeapYear(firstYear) { firstYear += 1 }
        return firstYear + rollovers
    }
}
