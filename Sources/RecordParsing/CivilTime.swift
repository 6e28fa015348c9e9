/// A wall-clock time as written in a log line, before its year or zone is known.
///
/// `year` is nil for RFC 3164 stamps (`Mar  7 10:00:21`); `utcOffsetSeconds` is nil when the line
/// carries no zone (local time of some host). Fields are validated when parsed: month 1–12, day
/// 1–31, hour 0–23, minute 0–59, second 0–60 (a leap second is kept as 60).
public struct CivilTime: Sendable, Hashable {
    public var year: Int?
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int
    public var utcOffsetSeconds: Int?

    public init(year: Int?, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int = 0, utcOffsetSeconds: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Seconds since the epoch of this wall time read as if it were UTC, for a given year.
    public func secondsAsUTC(year: Int) -> Int64 {
        Int64(CivilTime.daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// True when the date exists in `year` (February 29 only in leap years; April 31 never).
    public func isValid(inYear year: Int) -> Bool {
        day <= CivilTime.daysInMonth(year: year, month: month)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (era * 400 + yearOfEra + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads the time stamps of the header formats into ``CivilTime``.
public enum TimestampParser {
    /// Parses a stamp of the given header format from its bytes (as ``SyslogHeader/timestamp`` gives).
    public static func parse(_ stamp: UnsafeBufferPointer<UInt8>, format: SyslogHeader.Format) -> CivilTime? {
        switch format {
        case .rfc3164: return parseRFC3164(stamp)
        case .rfc3339, .rfc5424: return parseRFC3339(stamp)
        case .unrecognised: return nil
        }
    }

    static let monthNames: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    /// `Mmm dd hh:mm:ss[.ffffff]` (the day space-padded, zero-padded or unpadded).
    public static func parseRFC3164(_ stamp: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        guard let month = monthIndex(stamp.count > 2 ? stamp[0] : 0, stamp.count > 2 ? stamp[1] : 0, stamp.count > 2 ? stamp[2] : 0),
              let time = SyslogHeader.rfc3164TimeStart(stamp) else { return nil }
        var day = 0
        for index in 4..<(time - 1) where SyslogHeader.isDigit(stamp[index]) { day = day * 10 + digit(stamp[index]) }
        let hour = digit(stamp[time]) * 10 + digit(stamp[time + 1])
        let minute = digit(stamp[time + 3]) * 10 + digit(stamp[time + 4])
        let second = digit(stamp[time + 6]) * 10 + digit(stamp[time + 7])
        let nanosecond = fraction(stamp, from: time + 8)
        let parsed = CivilTime(year: nil, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        return isPlausible(parsed) ? parsed : nil
    }

    /// `YYYY-MM-DD(T| )hh:mm:ss[.f+](Z|±hh:mm)?`.
    public static func parseRFC3339(_ stamp: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        // Every digit position must hold a digit: `digit` maps any other byte to 10…255, so a damaged
        // year (`2\u{1}\u{0}4`, found by fuzzing) became a year near 280,000 whose seconds overflowed
        // Int64 in RecordTime (a trap on hostile input).
        guard stamp.count >= 19, areDigits(stamp, at: rfc3339DigitPositions) else { return nil }
        let year = digit(stamp[0]) * 1000 + digit(stamp[1]) * 100 + digit(stamp[2]) * 10 + digit(stamp[3])
        let month = digit(stamp[5]) * 10 + digit(stamp[6])
        let day = digit(stamp[8]) * 10 + digit(stamp[9])
        let hour = digit(stamp[11]) * 10 + digit(stamp[12])
        let minute = digit(stamp[14]) * 10 + digit(stamp[15])
        let second = digit(stamp[17]) * 10 + digit(stamp[18])
        var position = 19
        var nanosecond = 0
        if position < stamp.count && stamp[position] == UInt8(ascii: ".") {
            nanosecond = fraction(stamp, from: position)
            position += 1
            while position < stamp.count && SyslogHeader.isDigit(stamp[position]) { position += 1 }
        }
        var offset: Int?
        if position < stamp.count {
            let sign = stamp[position]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                offset = 0
            } else if (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && position + 6 <= stamp.count
                        && areDigits(stamp, at: [position + 1, position + 2, position + 4, position + 5]) {
                let hours = digit(stamp[position + 1]) * 10 + digit(stamp[position + 2])
                let minutes = digit(stamp[position + 4]) * 10 + digit(stamp[position + 5])
                offset = (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
        }
        let time = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanosecond, utcOffsetSeconds: offset)
        guard isPlausible(time), time.isValid(inYear: year) else { return nil }
        return time
    }

    public static func monthIndex(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Int? {
        for (index, name) in monthNames.enumerated() where name[0] == first && name[1] == second && name[2] == third {
            return index + 1
        }
        return nil
    }

    static func isPlausible(_ time: CivilTime) -> Bool {
        (1...12).contains(time.month) && (1...31).contains(time.day) && (0...23).contains(time.hour)
            && (0...59).contains(time.minute) && (0...60).contains(time.second)
    }

    @inline(__always) static func digit(_ byte: UInt8) -> Int { Int(byte &- 0x30) }

    /// Where `YYYY-MM-DDThh:mm:ss` has its digits.
    static let rfc3339DigitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]

    /// True when every one of `positions` (all inside `stamp`) holds an ASCII digit.
    static func areDigits(_ stamp: UnsafeBufferPointer<UInt8>, at positions: [Int]) -> Bool {
        positions.allSatisfy { SyslogHeader.isDigit(stamp[$0]) }
    }

    /// Nanoseconds of a `.ffff` fraction starting at `start` (the dot), 0 when absent.
    static func fraction(_ stamp: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < stamp.count, stamp[start] == UInt8(ascii: ".") else { return 0 }
        var value = 0
        var digits = 0
        var position = start + 1
        while position < stamp.count && SyslogHeader.isDigit(stamp[position]) {
            if digits < 9 { value = value * 10 + digit(stamp[position]); digits += 1 }
            position += 1
        }
        while digits < 9 { value *= 10; digits += 1 }
        return value
    }
}
