import RecordParsing
/// Conversions between seconds since the Unix epoch (UTC) and calendar fields.
///
/// The generated hosts keep UTC, so a syslog time stamp is the UTC calendar time of the event.
/// Integer arithmetic only (Howard Hinnant's `days_from_civil` / `civil_from_days`), valid for the
/// proleptic Gregorian calendar.
struct UTCDateTime: Sendable, Equatable {
    /// Four-digit year.
    var year: Int
    /// 1…12.
    var month: Int
    /// 1…31.
    var day: Int
    /// 0…23.
    var hour: Int
    /// 0…59.
    var minute: Int
    /// 0…59.
    var second: Int

    /// Creates calendar fields directly.
    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The calendar fields of `epochSeconds` in UTC.
    init(epochSeconds: Int64) {
        let days = Self.floorDivide(epochSeconds, 86_400)
        let secondOfDay = Int(epochSeconds - days * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        self.init(year: year, month: month, day: day,
                  hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Seconds since the epoch of these fields, read as UTC.
    var epochSeconds: Int64 {
        Self.days(fromYear: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a calendar date (the scanner's own calendar arithmetic).
    static func days(fromYear year: Int, month: Int, day: Int) -> Int64 {
        Int64(CivilTime.daysFromCivil(year: year, month: month, day: day))
    }

    /// The calendar date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let date = CivilTime.civilFromDays(Int(days))
        return (date.year, date.month, date.day)
    }

    /// 0 = Sunday … 6 = Saturday, for a day count since 1970-01-01 (a Thursday).
    static func weekday(fromDays days: Int64) -> Int {
        Int(((days % 7 + 7) % 7 + 4) % 7)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
