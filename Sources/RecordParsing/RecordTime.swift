/// When a record happened, as far as its own line says.
public enum RecordInstant: Sendable, Equatable {
    /// An exact instant, nanoseconds since the epoch (UTC): audit and journal epochs, stamps with a zone.
    case exact(nanosecondsSinceEpoch: Int64)
    /// A wall-clock time of an unknown zone, possibly without a year (RFC 3164).
    case local(CivilTime)
}

/// Reads each format's time stamp.
public enum RecordTime {
    public static func instant(of record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> RecordInstant? {
        guard let range = record.header.timestamp else { return nil }
        let stamp = UnsafeBufferPointer(rebasing: line[range])
        switch record.format {
        case .syslogRFC3164:
            return TimestampParser.parseRFC3164(stamp).map { .local($0) }
        case .syslogRFC3339, .syslogRFC5424:
            guard let civil = TimestampParser.parseRFC3339(stamp), let year = civil.year else { return nil }
            guard let offset = civil.utcOffsetSeconds else { return .local(civil) }
            let seconds = civil.secondsAsUTC(year: year) - Int64(offset)
            return nanoseconds(seconds: seconds, plus: Int64(civil.nanosecond)).map { .exact(nanosecondsSinceEpoch: $0) }
        case .auditd:
            return parseEpoch(stamp, fractionDigitsStop: UInt8(ascii: ":")).map { .exact(nanosecondsSinceEpoch: $0) }
        case .journalJSON:
            // __REALTIME_TIMESTAMP: microseconds since the epoch.
            var value: Int64 = 0
            var digits = 0
            for byte in stamp {
                guard ByteSearch.isDigit(byte) else { break }
                // More than 18 digits do not fit Int64 (19 used to be read and trapped): no instant.
                guard digits < 18 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
                digits += 1
            }
            // ×1000 is checked too: microseconds past 2262 overflow Int64 nanoseconds.
            guard digits >= 10 else { return nil }
            let (nanos, overflow) = value.multipliedReportingOverflow(by: 1000)
            return overflow ? nil : .exact(nanosecondsSinceEpoch: nanos)
        case .webAccess:
            guard let civil = parseWebTime(stamp), let year = civil.year else { return nil }
            let seconds = civil.secondsAsUTC(year: year) - Int64(civil.utcOffsetSeconds ?? 0)
            return nanoseconds(seconds: seconds, plus: 0).map { .exact(nanosecondsSinceEpoch: $0) }
        case .vsftpdLog:
            return FTPServerFields.parseVsftpdTime(stamp).map { .local($0) }
        case .proftpdLog:
            return FTPServerFields.parseProftpdTime(stamp).map { .local($0) }
        case .unrecognised:
            return nil
        }
    }

    /// `1373330716.123:1234` → nanoseconds (the fraction before the colon).
    static func parseEpoch(_ stamp: UnsafeBufferPointer<UInt8>, fractionDigitsStop: UInt8) -> Int64? {
        var seconds: Int64 = 0
        var index = 0
        while index < stamp.count && ByteSearch.isDigit(stamp[index]) && index < 12 {
            seconds = seconds * 10 + Int64(stamp[index] - 0x30)
            index += 1
        }
        guard index >= 9 else { return nil }
        var nanos: Int64 = 0
        var scale: Int64 = 100_000_000
        if index < stamp.count && stamp[index] == UInt8(ascii: ".") {
            index += 1
            while index < stamp.count && ByteSearch.isDigit(stamp[index]) {
                nanos += Int64(stamp[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        return nanoseconds(seconds: seconds, plus: nanos)
    }

    /// `seconds` × 10⁹ + `nanos`, or nil when it does not fit Int64 nanoseconds (years after 2262 or
    /// before 1677). Stamps are read from hostile lines: fuzzing found a web-access year 4050 whose
    /// nanoseconds trapped on overflow, and 12-digit audit epochs overflow the same way; such a stamp
    /// is no instant.
    static func nanoseconds(seconds: Int64, plus nanos: Int64) -> Int64? {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (sum, carry) = scaled.addingReportingOverflow(nanos)
        return carry ? nil : sum
    }

    /// `10/Oct/2000:13:55:36 -0700`.
    public static func parseWebTime(_ stamp: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        // Digits checked for the same reason as in `TimestampParser.parseRFC3339`: a non-digit byte read
        // as a digit gives years far past what Int64 nanoseconds hold.
        guard stamp.count >= 26,
              TimestampParser.areDigits(stamp, at: [0, 1, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19, 22, 23, 24, 25]) else { return nil }
        let digit = { (index: Int) -> Int in Int(stamp[index] &- 0x30) }
        guard let month = TimestampParser.monthIndex(stamp[3], stamp[4], stamp[5]), stamp[2] == UInt8(ascii: "/"), stamp[6] == UInt8(ascii: "/") else { return nil }
        let day = digit(0) * 10 + digit(1)
        let year = digit(7) * 1000 + digit(8) * 100 + digit(9) * 10 + digit(10)
        let hour = digit(12) * 10 + digit(13)
        let minute = digit(15) * 10 + digit(16)
        let second = digit(18) * 10 + digit(19)
        let sign = stamp[21]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let offset = (digit(22) * 10 + digit(23)) * 3600 + (digit(24) * 10 + digit(25)) * 60
        let civil = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: 0,
                              utcOffsetSeconds: sign == UInt8(ascii: "-") ? -offset : offset)
        guard TimestampParser.isPlausible(civil), civil.isValid(inYear: year) else { return nil }
        return civil
    }
}
