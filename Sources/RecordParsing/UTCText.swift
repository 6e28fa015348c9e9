/// ISO 8601 UTC text of an instant (`2025-03-07T10:31:07Z`, with `.ffffff` microseconds when the
/// instant has a fraction): the one formatter for every UTC time Spoor writes.
public enum UTCText {
    public static func format(nanoseconds: Int64) -> String {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let fraction = nanoseconds - seconds * 1_000_000_000
        return format(seconds: seconds, microseconds: Int(fraction / 1000))
    }

    public static func format(seconds: Int64, microseconds: Int) -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let date = CivilTime.civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(date.year)-\(two(date.month))-\(two(date.day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if microseconds > 0 {
            let digits = String(microseconds)
            text += "." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        }
        return text + "Z"
    }
}
