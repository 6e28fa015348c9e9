#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// rsyslog writes control characters as `#NNN` (three octal digits: `#012` is a newline, `#011` a tab).
/// For matching, such a message is decoded; the raw line stays the evidence.
enum RsyslogEscapes {
    /// The decoded message when `range` holds at least one `#NNN` escape, else nil.
    static func decodedIfEscaped(_ line: UnsafeBufferPointer<UInt8>, range: Range<Int>, resolver: FieldResolver) -> FieldValue? {
        guard let first = firstEscape(line, range: range) else { return nil }
        return resolver.appendDecoded { out in
            out.append(contentsOf: line[range.lowerBound..<first])
            var index = first
            while index < range.upperBound {
                if isEscape(line, at: index, end: range.upperBound) {
                    out.append((line[index + 1] - 0x30) << 6 | (line[index + 2] - 0x30) << 3 | (line[index + 3] - 0x30))
                    index += 4
                } else {
                    out.append(line[index])
                    index += 1
                }
            }
        }
    }

    static func firstEscape(_ line: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int? {
        guard let base = line.baseAddress else { return nil }
        var index = range.lowerBound
        while index < range.upperBound {
            guard let found = memchr(base + index, Int32(UInt8(ascii: "#")), range.upperBound - index) else { return nil }
            let position = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if isEscape(line, at: position, end: range.upperBound) { return position }
            index = position + 1
        }
        return nil
    }

    /// `#` then three octal digits, the first 0–3, for a byte rsyslog escapes: a control character
    /// (below 040, or 0177) or, with `$Escape8BitCharactersOnReceive`, a byte of 0200 and above.
    /// A printable value is text as written: sudo's `USER=#1234` (a numeric runas user) stays itself.
    @inline(__always)
    static func isEscape(_ line: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        guard index + 3 < end, line[index] == UInt8(ascii: "#") else { return false }
        let a = line[index + 1], b = line[index + 2], c = line[index + 3]
        guard a >= 0x30 && a <= 0x33 && b >= 0x30 && b <= 0x37 && c >= 0x30 && c <= 0x37 else { return false }
        let value = Int(a - 0x30) * 64 + Int(b - 0x30) * 8 + Int(c - 0x30)
        return value < 0o40 || value >= 0o177
    }
}
