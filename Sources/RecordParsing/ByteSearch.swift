#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small byte-slice helpers for the record parsers: prefix tests and searches over a line's bytes.
/// All positions are indexes into the buffer given; nothing allocates.
public enum ByteSearch {
    /// True when `needle` occurs in `haystack` (memchr for its first byte, memcmp for the rest).
    /// An empty needle is never found.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
        return needle.withUnsafeBufferPointer { pattern in
            var index = 0
            let last = haystack.count - needle.count
            while index <= last {
                guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return false }
                let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + position, pattern.baseAddress!, needle.count) == 0 { return true }
                index = position + 1
            }
            return false
        }
    }

    @inline(__always)
    public static func hasPrefix(_ buffer: UnsafeBufferPointer<UInt8>, _ prefix: StaticString, at start: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard start >= 0, start + count <= buffer.count else { return false }
        let bytes = prefix.utf8Start
        for index in 0..<count where buffer[start + index] != bytes[index] { return false }
        return true
    }

    /// First occurrence of `needle` in `buffer[range]`.
    public static func firstIndex(of needle: StaticString, in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard count > 0, range.count >= count else { return nil }
        let first = needle.utf8Start[0]
        var index = range.lowerBound
        while index + count <= range.upperBound {
            if buffer[index] == first && hasPrefix(buffer, needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// Last occurrence of `needle` in `buffer[range]`.
    static func lastIndex(of needle: StaticString, in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard count > 0, range.count >= count else { return nil }
        var index = range.upperBound - count
        while index >= range.lowerBound {
            if hasPrefix(buffer, needle, at: index) { return index }
            index -= 1
        }
        return nil
    }

    /// The end of a run of bytes satisfying `predicate` from `start` (bounded by `end`).
    @inline(__always)
    static func span(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, while predicate: (UInt8) -> Bool) -> Int {
        var index = start
        while index < end && predicate(buffer[index]) { index += 1 }
        return index
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    @inline(__always) static func isAddressByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }
    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8 {
        isDigit(byte) ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
    }
}
