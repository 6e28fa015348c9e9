#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RecordParsing

/// An IPv4 or IPv6 network (`|cidr`). Addresses are kept as 16 bytes; IPv4 as IPv4-mapped IPv6, so
/// `::ffff:192.0.2.1` is inside `192.0.2.0/24` as well.
public final class IPNetwork: Sendable, Equatable, CustomStringConvertible {
    public let address: [UInt8]
    public let prefixLength: Int
    public let text: String

    /// Parses `a.b.c.d/n`, `a.b.c.d`, `x::y/n` or `x::y`. Host bits set below the prefix are an error
    /// (`10.1.2.3/8` is almost always a typo for a host or a network).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPNetwork.parse(Array(parts[0].utf8)) else { return nil }
        // The prefix counts bits of the address as written: 32 for dotted IPv4, 128 for IPv6
        // notation, the IPv4-mapped form `::ffff:a.b.c.d/120` included.
        let isIPv4 = IPNetwork.parseIPv4(Array(parts[0].utf8)[...]) != nil
        let maximum = isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            // Decimal digits only: no sign, no spaces (`Int` would take `+8`).
            let digits = Array(parts[1].utf8)
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        let bits = isIPv4 ? length + 96 : length
        for bit in bits..<128 where address[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { return nil }
        self.address = address
        prefixLength = bits
        self.text = text
    }

    public var description: String { text }

    public static func == (lhs: IPNetwork, rhs: IPNetwork) -> Bool {
        lhs.address == rhs.address && lhs.prefixLength == rhs.prefixLength
    }

    /// True when `bytes` (an address as written, optionally in `[…]`) is inside the network.
    public func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var slice = bytes[...]
        if slice.first == UInt8(ascii: "["), slice.last == UInt8(ascii: "]") { slice = slice.dropFirst().dropLast() }
        guard let candidate = IPNetwork.parse(Array(slice)) else { return false }
        var bit = 0
        while bit < prefixLength {
            let index = bit / 8
            if prefixLength - bit >= 8 {
                if candidate[index] != address[index] { return false }
                bit += 8
            } else {
                let mask = UInt8(0xFF) << UInt8(8 - (prefixLength - bit))
                return candidate[index] & mask == address[index] & mask
            }
        }
        return true
    }

    static func isMappedIPv4(_ address: [UInt8]) -> Bool {
        address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
    }

    /// 16 bytes for an IPv4 (mapped) or IPv6 literal; nil otherwise. A zone (`%eth0`) is ignored.
    static func parse(_ text: [UInt8]) -> [UInt8]? {
        guard !text.isEmpty, text.count <= 64 else { return nil }
        if let v4 = parseIPv4(text[...]) { return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4 }
        guard text.contains(UInt8(ascii: ":")) else { return nil }
        var string = text
        if let zone = string.firstIndex(of: UInt8(ascii: "%")) { string = Array(string[..<zone]) }
        string.append(0)
        var result = [UInt8](repeating: 0, count: 16)
        let status = string.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBytes { inet_pton(AF_INET6, UnsafeRawPointer(source.baseAddress!).assumingMemoryBound(to: CChar.self), $0.baseAddress) }
        }
        return status == 1 ? result : nil
    }

    /// Dotted-quad IPv4 with decimal parts (no leading-zero octal forms).
    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var octets: [UInt8] = []
        var value = 0
        var digits = 0
        for byte in text {
            if byte >= 0x30 && byte <= 0x39 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                if digits > 3 || value > 255 { return nil }
            } else if byte == UInt8(ascii: ".") {
                guard digits > 0, octets.count < 3 else { return nil }
                octets.append(UInt8(value))
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, octets.count == 3 else { return nil }
        octets.append(UInt8(value))
        return octets
    }
}

/// The part of a time stamp a time modifier reads (Sigma 2.1 `minute` … `year`), as written: no zone
/// conversion (the Sigma appendix says so).
public enum TimePart: String, Sendable, CaseIterable {
    case minute, hour, day, week, month, year

    /// The part of the stamp in `bytes` (RFC 3339, RFC 3164, a web access log's
    /// `dd/Mon/yyyy:hh:mm:ss ±hhmm`, auditd's `epoch.fraction[:serial]` or journald's microseconds since
    /// the epoch, both read in UTC); nil when the stamp cannot be read or lacks the part (a year-less
    /// RFC 3164 stamp has no `year` or `week`).
    public func value(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let time = TimePart.civilTime(bytes) else { return nil }
        switch self {
        case .minute: return time.minute
        case .hour: return time.hour
        case .day: return time.day
        case .month: return time.month
        case .year: return time.year
        case .week:
            guard let year = time.year else { return nil }
            return TimePart.isoWeek(year: year, month: time.month, day: time.day)
        }
    }

    static func civilTime(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        if let time = TimestampParser.parseRFC3339(bytes) { return time }
        if let time = TimestampParser.parseRFC3164(bytes) { return time }
        // Web access logs: `07/Mar/2025:10:00:21 +0000`.
        if let time = RecordTime.parseWebTime(bytes) { return time }
        // auditd: seconds since the epoch (`epoch.fraction:serial`); journald's `__REALTIME_TIMESTAMP`:
        // microseconds since the epoch. Both UTC.
        var epoch: Int64 = 0
        var digits = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { break }
            epoch = epoch * 10 + Int64(byte - 0x30)
            digits += 1
            if digits > 17 { return nil }
        }
        let seconds: Int64
        switch digits {
        case 9...12: seconds = epoch
        case 15...17 where digits == bytes.count: seconds = epoch / 1_000_000
        default: return nil
        }
        let days = Int(seconds / 86_400)
        let rest = Int(seconds % 86_400)
        let (year, month, day) = CivilTime.civilFromDays(days)
        return CivilTime(year: year, month: month, day: day, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60, utcOffsetSeconds: 0)
    }

    /// ISO 8601 week number (1–53).
    static func isoWeek(year: Int, month: Int, day: Int) -> Int {
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let weekday = ((days % 7) + 10) % 7 // Monday 0 … Sunday 6 (1970-01-01 was a Thursday)
        let thursday = days - weekday + 3
        let thursdayYear = CivilTime.civilFromDays(thursday).year
        let firstOfYear = CivilTime.daysFromCivil(year: thursdayYear, month: 1, day: 1)
        return (thursday - firstOfYear) / 7 + 1
    }
}

/// Reads a field's bytes as a decimal number: optional sign, digits, optional fraction; surrounding
/// spaces allowed. Nil for anything else (an absent or non-numeric field never compares).
public enum DecimalValue {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end, end - start <= 64 else { return nil }
        var sawDigit = false
        var sawPoint = false
        for index in start..<end {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 { sawDigit = true; continue }
            if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) && index == start { continue }
            if byte == UInt8(ascii: ".") && !sawPoint { sawPoint = true; continue }
            return nil
        }
        guard sawDigit else { return nil }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }
}
