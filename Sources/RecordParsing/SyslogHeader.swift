/// Byte ranges of a syslog line's header fields, relative to the start of the line.
///
/// A value type with no storage beyond six ranges, filled by ``SyslogHeader/parse(_:)`` without
/// allocating. Absent fields are nil (absent is not empty).
public struct SyslogHeader: Sendable, Equatable {
    /// Which header shape was recognised.
    public enum Format: UInt8, Sendable {
        /// No syslog header: `message` is the whole line.
        case unrecognised
        /// RFC 3164 "traditional": `Mar  7 10:00:21 host prog[pid]: msg`.
        case rfc3164
        /// rsyslog high precision: `2025-03-07T10:00:21.123456+00:00 host prog[pid]: msg`.
        case rfc3339
        /// RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`.
        case rfc5424
    }

    public var format: Format = .unrecognised
    public var timestamp: Range<Int>?
    public var host: Range<Int>?
    public var program: Range<Int>?
    public var pid: Range<Int>?
    public var message: Range<Int>

    /// A header with only a message range (what an unrecognised line gets).
    public init(message: Range<Int>) {
        self.message = message
    }

    /// The range of `field` in the line (`raw` is the whole line of length `lineLength`).
    public func range(of field: RecordField, lineLength: Int) -> Range<Int>? {
        switch field {
        case .raw: return 0..<lineLength
        case .timestamp: return timestamp
        case .host: return host
        case .program: return program
        case .pid: return pid
        case .message: return message
        }
    }

    /// Parses the header of one line (no terminator). Never fails: an unrecognised line has only
    /// `message` (the whole line), so rules can still match it as `raw`/`message`.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader {
        let count = line.count
        var header = SyslogHeader(message: 0..<count)
        var position: Int
        if count >= 15, let afterStamp = rfc3164StampEnd(line), afterStamp < count, line[afterStamp] == UInt8(ascii: " ") {
            header.format = .rfc3164
            header.timestamp = 0..<afterStamp
            position = afterStamp
        } else if count >= 20, line[0] == UInt8(ascii: "<"), let parsed = parse5424(line) {
            return parsed
        } else if count >= 20, let afterStamp = rfc3339StampEnd(line, from: 0) {
            header.format = .rfc3339
            header.timestamp = 0..<afterStamp
            position = afterStamp
        } else {
            return header
        }
        // " host " — absent on some systems: the token after the stamp is then the tag itself
        // (`sshd[8148]:`, `[sshd]:`, `[sshd]`).
        guard position < count, line[position] == UInt8(ascii: " ") else { return SyslogHeader(message: 0..<count) }
        position += 1
        if position < count && line[position] == UInt8(ascii: "[") {
            return bracketedTag(line, from: position, header: header)
        }
        let hostStart = position
        while position < count && line[position] != UInt8(ascii: " ") { position += 1 }
        guard position > hostStart, position < count else {
            header.host = hostStart..<position
            header.message = position..<position
            return header
        }
        if line[position - 1] == UInt8(ascii: ":") && header.format == .rfc3164 {
            // `Nov 23 21:50:37 sshd[8148]: …`: no host, the token is the tag.
            position = hostStart
        } else {
            header.host = hostStart..<position
            position += 1
        }
        // "prog[pid]: " or "prog: "; the tag ends at ':' '[' or ' '.
        let tagStart = position
        var tagEnd = position
        while tagEnd < count && tagEnd - tagStart < 64 {
            let byte = line[tagEnd]
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ") { break }
            tagEnd += 1
        }
        guard tagEnd < count, tagEnd > tagStart else {
            header.message = tagStart..<count
            return header
        }
        var after = tagEnd
        var pidRange: Range<Int>? = nil
        if line[after] == UInt8(ascii: "[") {
            let pidStart = after + 1
            var pidEnd = pidStart
            while pidEnd < count && line[pidEnd] != UInt8(ascii: "]") && pidEnd - pidStart < 32 { pidEnd += 1 }
            guard pidEnd < count, line[pidEnd] == UInt8(ascii: "]") else {
                header.message = tagStart..<count
                return header
            }
            pidRange = pidStart..<pidEnd
            after = pidEnd + 1
        }
        if after < count && line[after] == UInt8(ascii: ":") {
            header.program = tagStart..<tagEnd
            header.pid = pidRange
            after += 1
            if after < count && line[after] == UInt8(ascii: " ") { after += 1 }
            header.message = after..<count
        } else {
            // No "tag:" — e.g. "kernel" lines in some formats, or free text after the host.
            header.message = tagStart..<count
        }
        return header
    }

    /// `[prog]:` or `[prog]` where a host and tag would be (old sshd configurations).
    private static func bracketedTag(_ line: UnsafeBufferPointer<UInt8>, from start: Int, header: SyslogHeader) -> SyslogHeader {
        var header = header
        var end = start + 1
        while end < line.count && end - start < 64 && line[end] != UInt8(ascii: "]") && line[end] != UInt8(ascii: " ") { end += 1 }
        guard end < line.count, line[end] == UInt8(ascii: "]"), end > start + 1 else {
            header.message = start..<line.count
            return header
        }
        header.program = (start + 1)..<end
        var after = end + 1
        if after < line.count && line[after] == UInt8(ascii: ":") { after += 1 }
        if after < line.count && line[after] == UInt8(ascii: " ") { after += 1 }
        header.message = min(after, line.count)..<line.count
        return header
    }

    private static let months: [(UInt8, UInt8, UInt8)] = [
        (74, 97, 110), (70, 101, 98), (77, 97, 114), (65, 112, 114), (77, 97, 121), (74, 117, 110),
        (74, 117, 108), (65, 117, 103), (83, 101, 112), (79, 99, 116), (78, 111, 118), (68, 101, 99),
    ]

    /// `Mmm dd hh:mm:ss` (day space-padded, zero-padded or unpadded: `Feb 7`), optionally with
    /// `.ffffff`; returns the end.
    public static func rfc3164StampEnd(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let timeStart = rfc3164TimeStart(line) else { return nil }
        var end = timeStart + 8
        if end < line.count && line[end] == UInt8(ascii: ".") {
            end += 1
            while end < line.count && isDigit(line[end]) { end += 1 }
        }
        return end
    }

    /// Where `hh:mm:ss` starts after `Mmm d ` / `Mmm  d ` / `Mmm dd `, when the stamp is well formed.
    static func rfc3164TimeStart(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line.count >= 14 else { return nil }
        let month = (line[0], line[1], line[2])
        guard line[3] == UInt8(ascii: " "), months.contains(where: { $0 == month }) else { return nil }
        var position = 4
        if line[position] == UInt8(ascii: " ") { position += 1 }
        guard position < line.count, isDigit(line[position]) else { return nil }
        position += 1
        if position < line.count && isDigit(line[position]) && line[4] != UInt8(ascii: " ") { position += 1 }
        guard position + 9 <= line.count, line[position] == UInt8(ascii: " ") else { return nil }
        let time = position + 1
        guard isDigit(line[time]), isDigit(line[time + 1]), line[time + 2] == UInt8(ascii: ":"), isDigit(line[time + 3]), isDigit(line[time + 4]),
              line[time + 5] == UInt8(ascii: ":"), isDigit(line[time + 6]), isDigit(line[time + 7]) else { return nil }
        return time
    }

    /// `YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)` starting at `start`; returns the end.
    static func rfc3339StampEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let count = line.count
        guard start + 20 <= count else { return nil }
        let digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        for offset in digitPositions where !isDigit(line[start + offset]) { return nil }
        guard line[start + 4] == UInt8(ascii: "-"), line[start + 7] == UInt8(ascii: "-"),
              line[start + 10] == UInt8(ascii: "T") || line[start + 10] == UInt8(ascii: " "),
              line[start + 13] == UInt8(ascii: ":"), line[start + 16] == UInt8(ascii: ":") else { return nil }
        var end = start + 19
        if end < count && line[end] == UInt8(ascii: ".") {
            end += 1
            while end < count && isDigit(line[end]) { end += 1 }
        }
        guard end < count else { return end }
        if line[end] == UInt8(ascii: "Z") { return end + 1 }
        if (line[end] == UInt8(ascii: "+") || line[end] == UInt8(ascii: "-")) && end + 6 <= count
            && isDigit(line[end + 1]) && isDigit(line[end + 2]) && line[end + 3] == UInt8(ascii: ":")
            && isDigit(line[end + 4]) && isDigit(line[end + 5]) {
            return end + 6
        }
        return end
    }

    /// RFC 5424: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
    static func parse5424(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        let count = line.count
        var position = 1
        while position < count && position < 5 && isDigit(line[position]) { position += 1 }
        guard position > 1, position < count, line[position] == UInt8(ascii: ">") else { return nil }
        position += 1
        guard position + 1 < count, isDigit(line[position]), line[position + 1] == UInt8(ascii: " ") else { return nil }
        position += 2
        var header = SyslogHeader(message: 0..<count)
        header.format = .rfc5424
        func nextToken() -> Range<Int>? {
            guard position < count else { return nil }
            let start = position
            while position < count && line[position] != UInt8(ascii: " ") { position += 1 }
            let token = start..<position
            if position < count { position += 1 }
            return token
        }
        func nilValue(_ range: Range<Int>?) -> Range<Int>? {
            guard let range else { return nil }
            return (range.count == 1 && line[range.lowerBound] == UInt8(ascii: "-")) ? nil : range
        }
        guard let stamp = nextToken() else { return nil }
        header.timestamp = nilValue(stamp)
        header.host = nilValue(nextToken())
        header.program = nilValue(nextToken())
        header.pid = nilValue(nextToken())
        _ = nextToken() // MSGID
        // Structured data: "-" or one or more [ ... ] elements (with \] escapes).
        if position < count && line[position] == UInt8(ascii: "-") {
            position += 1
        } else {
            while position < count && line[position] == UInt8(ascii: "[") {
                var inQuotes = false
                while position < count {
                    let byte = line[position]
                    if byte == UInt8(ascii: "\\") { position += 2; continue }
                    if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                    position += 1
                    if byte == UInt8(ascii: "]") && !inQuotes { break }
                }
            }
        }
        if position < count && line[position] == UInt8(ascii: " ") { position += 1 }
        // A UTF-8 BOM may start MSG.
        if position + 3 <= count && line[position] == 0xEF && line[position + 1] == 0xBB && line[position + 2] == 0xBF { position += 3 }
        header.message = min(position, count)..<count
        return header
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}
