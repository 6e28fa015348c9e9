/// Log lines of one simulation, written in any order and handed out in time order.
///
/// Activities append whole lines (header and message) to one reusable byte arena; each line is
/// indexed by its time, an insertion sequence number and the sink it belongs to. ``drain(before:deliver:)``
/// sorts the index by (time, sequence), hands every line older than a cut-off to its sink, and keeps
/// the rest for the next call, so an episode may write lines that lie hours ahead of the window being
/// simulated. No per-line allocation: the arena and the index keep their capacity between windows.
struct LineTimeline {
    /// One line's place in the arena.
    struct Entry {
        var time: Int64
        var sequence: UInt64
        var sink: Int
        var start: Int
        var length: Int
    }

    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    private var spareArena: [UInt8] = []
    private var spareEntries: [Entry] = []
    private var nextSequence: UInt64 = 0
    private var openLineStart = 0
    private var openLineTime: Int64 = 0
    private var openLineSink = 0
    private var cachedDay: Int64 = .min
    private var cachedDayPrefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0)

    init() {
        arena.reserveCapacity(1 << 20)
        spareArena.reserveCapacity(1 << 20)
        entries.reserveCapacity(8192)
        spareEntries.reserveCapacity(8192)
    }

    /// Number of lines waiting to be drained.
    var pendingLineCount: Int { entries.count }

    /// Starts a line `Mmm dd hh:mm:ss host program[pid]: ` (no `[pid]` when `pid` is nil).
    mutating func begin(at time: Int64, sink: Int, host: [UInt8], program: [UInt8], pid: Int?) {
        beginBare(at: time, sink: sink)
        appendTimestamp(time)
        arena.append(UInt8(ascii: " "))
        arena.append(contentsOf: host)
        arena.append(UInt8(ascii: " "))
        arena.append(contentsOf: program)
        if let pid {
            arena.append(UInt8(ascii: "["))
            append(decimal: pid)
            arena.append(UInt8(ascii: "]"))
        }
        arena.append(UInt8(ascii: ":"))
        arena.append(UInt8(ascii: " "))
    }

    /// Starts a line with no header at all: the caller writes every byte.
    mutating func beginBare(at time: Int64, sink: Int) {
        openLineStart = arena.count
        openLineTime = time
        openLineSink = sink
    }

    /// Ends the open line (appends the newline and indexes it).
    mutating func end() {
        arena.append(UInt8(ascii: "\n"))
        entries.append(Entry(time: openLineTime, sequence: nextSequence, sink: openLineSink,
                             start: openLineStart, length: arena.count - openLineStart))
        nextSequence &+= 1
    }

    /// Appends literal text to the open line.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { arena.append(contentsOf: $0) }
    }

    /// Appends bytes to the open line.
    mutating func append(_ bytes: [UInt8]) {
        arena.append(contentsOf: bytes)
    }

    /// Appends a string's UTF-8 bytes to the open line (for the few scripted lines; not the hot path).
    mutating func append(string: String) {
        arena.append(contentsOf: string.utf8)
    }

    /// Appends one byte.
    mutating func append(byte: UInt8) {
        arena.append(byte)
    }

    /// Appends a non-negative integer in decimal.
    mutating func append(decimal value: Int) {
        precondition(value >= 0, "decimal values are non-negative")
        if value < 10 {
            arena.append(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            arena.append(UInt8(truncatingIfNeeded: 48 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends a non-negative integer in decimal, left-padded with zeros to `width` digits.
    mutating func append(decimal value: Int, zeroPaddedTo width: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits += 1 }
        for _ in digits..<max(digits, width) { arena.append(UInt8(ascii: "0")) }
        append(decimal: value)
    }

    /// Appends a non-negative integer in decimal, left-padded with spaces to `width` characters.
    mutating func append(decimal value: Int, spacePaddedTo width: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits += 1 }
        for _ in digits..<max(digits, width) { arena.append(UInt8(ascii: " ")) }
        append(decimal: value)
    }

    /// Appends `value` as lower- or upper-case hexadecimal, zero-padded to `width` digits.
    mutating func append(hexadecimal value: UInt64, width: Int, uppercase: Bool = false) {
        let alphabet: StaticString = "0123456789abcdef0123456789ABCDEF"
        let offset = uppercase ? 16 : 0
        for index in stride(from: width - 1, through: 0, by: -1) {
            let nibble = Int((value >> UInt64(index * 4)) & 0xF)
            arena.append(alphabet.utf8Start[offset + nibble])
        }
    }

    /// Appends an IPv4 address in dotted-quad form.
    mutating func append(address: IPv4Address) {
        let value = address.value
        append(decimal: Int(value >> 24))
        arena.append(UInt8(ascii: "."))
        append(decimal: Int((value >> 16) & 0xFF))
        arena.append(UInt8(ascii: "."))
        append(decimal: Int((value >> 8) & 0xFF))
        arena.append(UInt8(ascii: "."))
        append(decimal: Int(value & 0xFF))
    }

    /// Appends the RFC 3164 time stamp `Mmm dd hh:mm:ss` (day space-padded) of `time`, read as UTC.
    mutating func appendTimestamp(_ time: Int64) {
        let day = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
        if day != cachedDay {
            let civil = UTCDateTime.civil(fromDays: day)
            let names: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"
            let base = (civil.month - 1) * 3
            let pointer = names.utf8Start
            cachedDayPrefix = (pointer[base], pointer[base + 1], pointer[base + 2], UInt8(ascii: " "),
                               civil.day < 10 ? UInt8(ascii: " ") : UInt8(truncatingIfNeeded: 48 + civil.day / 10),
                               UInt8(truncatingIfNeeded: 48 + civil.day % 10), UInt8(ascii: " "))
            cachedDay = day
        }
        let prefix = cachedDayPrefix
        arena.append(prefix.0); arena.append(prefix.1); arena.append(prefix.2); arena.append(prefix.3)
        arena.append(prefix.4); arena.append(prefix.5); arena.append(prefix.6)
        let secondOfDay = Int(time - day * 86_400)
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        arena.append(UInt8(truncatingIfNeeded: 48 + hour / 10)); arena.append(UInt8(truncatingIfNeeded: 48 + hour % 10))
        arena.append(UInt8(ascii: ":"))
        arena.append(UInt8(truncatingIfNeeded: 48 + minute / 10)); arena.append(UInt8(truncatingIfNeeded: 48 + minute % 10))
        arena.append(UInt8(ascii: ":"))
        arena.append(UInt8(truncatingIfNeeded: 48 + second / 10)); arena.append(UInt8(truncatingIfNeeded: 48 + second % 10))
    }

    /// Hands every line with `time < cutoff` to `deliver` in (time, sequence) order and keeps the rest.
    ///
    /// `deliver` returns false to stop early (a byte budget was reached); the undelivered lines are
    /// then dropped and the function returns false.
    mutating func drain<Failure: Error>(
        before cutoff: Int64,
        deliver: (_ sink: Int, _ time: Int64, _ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> Bool
    ) throws(Failure) -> Bool {
        entries.sort { left, right in
            left.time != right.time ? left.time < right.time : left.sequence < right.sequence
        }
        var delivered = 0
        var keepGoing = true
        try arena.withUnsafeBufferPointer { (bytes) throws(Failure) in
            for entry in entries {
                guard entry.time < cutoff else { break }
                let line = UnsafeBufferPointer(rebasing: bytes[entry.start..<(entry.start + entry.length)])
                delivered += 1
                if try !deliver(entry.sink, entry.time, line) {
                    keepGoing = false
                    break
                }
            }
        }
        guard keepGoing else {
            entries.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
            return false
        }
        // Move the lines that lie past the cut-off into the spare arena, then swap arenas.
        spareArena.removeAll(keepingCapacity: true)
        spareEntries.removeAll(keepingCapacity: true)
        for entry in entries[delivered...] {
            let newStart = spareArena.count
            spareArena.append(contentsOf: arena[entry.start..<(entry.start + entry.length)])
            spareEntries.append(Entry(time: entry.time, sequence: entry.sequence, sink: entry.sink,
                                      start: newStart, length: entry.length))
        }
        swap(&arena, &spareArena)
        swap(&entries, &spareEntries)
        return true
    }
}
