/// One line read as a record: its format, where its common fields are, and its program's family.
///
/// A value over a line's bytes (no copy): ranges index the line. Family fields beyond the common
/// ones are found on demand by ``FieldResolver``, so lines no rule looks at cost only the classification.
public struct LogRecord: Sendable {
    public var format: RecordFormat
    /// Ranges of `timestamp`, `host`, `program`, `pid`, `message` for every format (absent when the
    /// format has no such part).
    public var header: SyslogHeader
    public var family: ProgramFamily
    /// rsyslog's `message repeated N times: [ … ]` stands for N events; 1 otherwise. `header.message`
    /// then covers the repeated message only.
    public var repeatCount: Int

    public init(format: RecordFormat, header: SyslogHeader, family: ProgramFamily, repeatCount: Int) {
        self.format = format
        self.header = header
        self.family = family
        self.repeatCount = repeatCount
    }

    /// Reads one line (no terminator).
    public static func read(_ line: UnsafeBufferPointer<UInt8>) -> LogRecord {
        let count = line.count
        // auditd: `type=…` first, or `node=HOST type=…` when the record names the node that wrote it.
        if count > 20 && (ByteSearch.hasPrefix(line, "type=", at: 0) || ByteSearch.hasPrefix(line, "node=", at: 0)),
           let stamp = AuditFields.stampRange(line) {
            var header = SyslogHeader(message: 0..<count)
            header.timestamp = stamp
            header.host = AuditFields.plainValue(of: "node", in: line)
            return LogRecord(format: .auditd, header: header, family: .other, repeatCount: 1)
        }
        if count > 2 && line[0] == UInt8(ascii: "{"), let header = JournalJSONFields.header(line) {
            let program = header.program.map { UnsafeBufferPointer(rebasing: line[$0]) }
            return LogRecord(format: .journalJSON, header: header, family: ProgramFamily.of(program), repeatCount: 1)
        }
        var header = SyslogHeader.parse(line)
        let format: RecordFormat
        switch header.format {
        case .rfc3164: format = .syslogRFC3164
        case .rfc3339: format = .syslogRFC3339
        case .rfc5424: format = .syslogRFC5424
        case .unrecognised:
            if let ftp = FTPServerFields.header(line) {
                return LogRecord(format: ftp.format, header: ftp.header, family: .other, repeatCount: 1)
            }
            if let web = WebAccessFields.header(line) {
                return LogRecord(format: .webAccess, header: web, family: .other, repeatCount: 1)
            }
            return LogRecord(format: .unrecognised, header: header, family: .other, repeatCount: 1)
        }
        let program = header.program.map { UnsafeBufferPointer(rebasing: line[$0]) }
        var repeats = 1
        if let inner = repeatedMessage(line, message: header.message) {
            header.message = inner.message
            repeats = inner.count
        }
        return LogRecord(format: format, header: header, family: ProgramFamily.of(program), repeatCount: repeats)
    }

    /// `message repeated N times: [ inner ]` (rsyslog RepeatedMsgReduction): the inner range and N.
    static func repeatedMessage(_ line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> (message: Range<Int>, count: Int)? {
        let start = message.lowerBound
        guard message.count > 30, ByteSearch.hasPrefix(line, "message repeated ", at: start) else { return nil }
        var position = start + 17
        let digitsEnd = ByteSearch.span(line, from: position, to: message.upperBound, while: ByteSearch.isDigit)
        guard digitsEnd > position, digitsEnd - position < 10 else { return nil }
        var count = 0
        for index in position..<digitsEnd { count = count * 10 + Int(line[index] - 0x30) }
        position = digitsEnd
        guard ByteSearch.hasPrefix(line, " times: [ ", at: position) else { return nil }
        position += 10
        var end = message.upperBound
        if end - 2 >= position && line[end - 1] == UInt8(ascii: "]") && line[end - 2] == UInt8(ascii: " ") { end -= 2 }
        else if end - 1 >= position && line[end - 1] == UInt8(ascii: "]") { end -= 1 }
        return (position..<end, max(count, 1))
    }
}
