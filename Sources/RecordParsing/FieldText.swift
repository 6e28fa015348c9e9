/// Byte-range helpers shared by the family, web, journal and audit field parsers: name tests,
/// trimming, token ends, number runs. Positions index the buffer given; nothing allocates.
enum FieldText {
    /// True when `bytes` (a field name) spells `text` exactly.
    @inline(__always)
    static func equals(_ bytes: [UInt8], _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = text.utf8Start
        for index in 0..<count where bytes[index] != start[index] { return false }
        return true
    }

    /// True when `buffer[range]` spells `text` exactly.
    @inline(__always)
    static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ text: StaticString) -> Bool {
        range.count == text.utf8CodeUnitCount && ByteSearch.hasPrefix(buffer, text, at: range.lowerBound)
    }

    /// True when `buffer[range]` equals `key` (a field name's bytes).
    @inline(__always)
    static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == key.count else { return false }
        var index = 0
        for position in range {
            if buffer[position] != key[index] { return false }
            index += 1
        }
        return true
    }

    /// True when `text` occurs at `start` and ends no later than `end`.
    @inline(__always)
    static func hasPrefix(_ buffer: UnsafeBufferPointer<UInt8>, _ text: StaticString, at start: Int, end: Int) -> Bool {
        start + text.utf8CodeUnitCount <= end && ByteSearch.hasPrefix(buffer, text, at: start)
    }

    /// True when `buffer[..<end]` ends with `text` (and it starts at or after `start`).
    @inline(__always)
    static func hasSuffix(_ buffer: UnsafeBufferPointer<UInt8>, _ text: StaticString, start: Int, end: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        return end - count >= start && ByteSearch.hasPrefix(buffer, text, at: end - count)
    }

    /// `range` without leading and trailing spaces and tabs.
    @inline(__always)
    static func trimmed(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && ByteSearch.isSpace(buffer[lower]) { lower += 1 }
        while upper > lower && ByteSearch.isSpace(buffer[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The end of the token at `start`: the first space (or tab) at or after it, or `end`.
    @inline(__always)
    static func tokenEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
        var index = start
        while index < end && !ByteSearch.isSpace(buffer[index]) { index += 1 }
        return index
    }

    /// The end of a run of decimal digits at `start`.
    @inline(__always)
    static func digitsEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
        ByteSearch.span(buffer, from: start, to: end, while: ByteSearch.isDigit)
    }

    /// First index of `byte` in `buffer[start..<end]`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        var index = start
        while index < end {
            if buffer[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// Last index of `byte` in `buffer[start..<end]`.
    @inline(__always)
    static func lastIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        var index = end - 1
        while index >= start {
            if buffer[index] == byte { return index }
            index -= 1
        }
        return nil
    }

    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
}

/// IP address literals as written in log lines (no allocation, no `inet_pton`).
enum AddressText {
    /// The IP literal in `range`, or nil when the text is not one. An IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`) yields its IPv4 part, as sshd's and PAM's remote hosts are compared as IPv4;
    /// surrounding brackets (`[2001:db8::1]`) are dropped.
    static func ipRange(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var lower = range.lowerBound
        var upper = range.upperBound
        if upper - lower >= 2 && buffer[lower] == UInt8(ascii: "[") && buffer[upper - 1] == UInt8(ascii: "]") {
            lower += 1
            upper -= 1
        }
        guard upper > lower, upper - lower <= 64 else { return nil }
        if isIPv4(buffer, lower..<upper) { return lower..<upper }
        guard isIPv6(buffer, lower..<upper) else { return nil }
        // ::ffff:a.b.c.d → a.b.c.d
        if upper - lower > 7 && buffer[lower] == UInt8(ascii: ":") && buffer[lower + 1] == UInt8(ascii: ":")
            && (buffer[lower + 2] | 0x20) == UInt8(ascii: "f") && (buffer[lower + 3] | 0x20) == UInt8(ascii: "f")
            && (buffer[lower + 4] | 0x20) == UInt8(ascii: "f") && (buffer[lower + 5] | 0x20) == UInt8(ascii: "f")
            && buffer[lower + 6] == UInt8(ascii: ":") && isIPv4(buffer, (lower + 7)..<upper) {
            return (lower + 7)..<upper
        }
        return lower..<upper
    }

    /// Dotted quad of 1–3 digit groups (leading zeros allowed, as written; each group ≤ 255).
    static func isIPv4(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var groups = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let digitsEnd = FieldText.digitsEnd(buffer, from: index, end: range.upperBound)
            let count = digitsEnd - index
            guard count >= 1 && count <= 3 else { return false }
            var value = 0
            for position in index..<digitsEnd { value = value * 10 + Int(buffer[position] &- 0x30) }
            guard value <= 255 else { return false }
            groups += 1
            index = digitsEnd
            if index == range.upperBound { break }
            guard buffer[index] == UInt8(ascii: "."), groups < 4 else { return false }
            index += 1
            guard index < range.upperBound else { return false }
        }
        return groups == 4
    }

    /// Hex groups of 1–4 digits separated by `:`, at most one `::`, optionally ending in a dotted
    /// quad, optionally with a `%zone`.
    static func isIPv6(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var upper = range.upperBound
        if let percent = FieldText.firstIndex(of: UInt8(ascii: "%"), in: buffer, from: range.lowerBound, end: upper) {
            guard percent + 1 < upper else { return false }
            upper = percent
        }
        var index = range.lowerBound
        var groups = 0
        var colons = 0
        var doubleColon = false
        guard upper - index >= 2 else { return false }
        if buffer[index] == UInt8(ascii: ":") {
            guard buffer[index + 1] == UInt8(ascii: ":") else { return false }
            doubleColon = true
            colons = 2
            index += 2
        }
        while index < upper {
            let groupStart = index
            while index < upper && ByteSearch.isHex(buffer[index]) { index += 1 }
            if index < upper && buffer[index] == UInt8(ascii: ".") {
                // Embedded IPv4 tail.
                guard isIPv4(buffer, groupStart..<upper) else { return false }
                groups += 2
                index = upper
                break
            }
            let length = index - groupStart
            guard length >= 1 && length <= 4 else { return false }
            groups += 1
            if index == upper { break }
            guard buffer[index] == UInt8(ascii: ":") else { return false }
            colons += 1
            index += 1
            if index < upper && buffer[index] == UInt8(ascii: ":") {
                guard !doubleColon else { return false }
                doubleColon = true
                colons += 1
                index += 1
            } else if index == upper {
                return false
            }
        }
        guard colons >= 2 else { return false }
        return doubleColon ? groups <= 7 : groups == 8
    }
}
