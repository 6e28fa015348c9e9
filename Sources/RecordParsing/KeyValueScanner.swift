/// Finds `key=value` pairs in a byte range: a key starts the range or follows a space, `'`, `(`, or
/// the 0x1D separator, and is followed by `=`; a value is quoted (`"…"`, `'…'`) or runs to the next space.
enum KeyValueScanner {
    /// The value range of `key` (quotes excluded), first occurrence.
    static func value(of key: StaticString, in line: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Range<Int>? {
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return value(ofKey: keyBytes, in: line, range: range)
    }

    /// The value range of `key` (given as bytes), first occurrence.
    static func value(ofKey key: UnsafeBufferPointer<UInt8>, in line: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Range<Int>? {
        let count = key.count
        guard count > 0 else { return nil }
        var index = range.lowerBound
        while index + count < range.upperBound {
            if line[index] == key[0] && line[index + count] == UInt8(ascii: "=") && isKeyStart(line, at: index, rangeStart: range.lowerBound) {
                var matches = true
                for offset in 1..<count where line[index + offset] != key[offset] { matches = false; break }
                if matches { return valueRange(line, from: index + count + 1, end: range.upperBound) }
            }
            index += 1
        }
        return nil
    }

    static func isKeyStart(_ line: UnsafeBufferPointer<UInt8>, at index: Int, rangeStart: Int) -> Bool {
        guard index > rangeStart else { return true }
        let before = line[index - 1]
        return before == 0x20 || before == UInt8(ascii: "'") || before == UInt8(ascii: "(") || before == 0x1d || before == 0x09
    }

    /// A value from `start`: quoted up to the closing quote, else up to a space (or `'` closing an
    /// inner msg, or 0x1D).
    static func valueRange(_ line: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Range<Int> {
        guard start < end else { return start..<start }
        let first = line[start]
        if first == UInt8(ascii: "\"") {
            var close = start + 1
            while close < end && line[close] != UInt8(ascii: "\"") { close += 1 }
            return (start + 1)..<close
        }
        var stop = start
        while stop < end {
            let byte = line[stop]
            if byte == 0x20 || byte == 0x1d || byte == 0x09 || (byte == UInt8(ascii: "'") && stop > start) { break }
            stop += 1
        }
        return start..<stop
    }
}
