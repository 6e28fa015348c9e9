/// The FTP servers' own log files (not syslog):
///
///     vsftpd (vsftpd_log_file, xferlog_std_format=NO):
///     Fri Jan 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client "192.0.2.7"
///     Mon Jun  8 12:08:44 2020 [pid 27245] CONNECT: Client "::ffff:192.0.2.8"
///
///     ProFTPD SystemLog:
///     2013-11-16 21:59:30,121 novo proftpd[25891] localhost (andy[192.0.2.4]): USER kjsad: no such user found from …
///
/// Contract: ``header(_:)`` is nil unless the line starts with one of these shapes.
/// * vsftpd-log: `timestamp` is the ctime stamp with its year (the day space-padded, zero-padded or
///   unpadded), `pid` the digits of `[pid N]`, `message` everything after `[pid N] `; no `host`.
///   vsftpd names no program in the line: `program` is absent, and the format itself says vsftpd
///   (a `service: vsftpd` scope admits the format without a program).
/// * proftpd-log: `timestamp` is `YYYY-MM-DD hh:mm:ss,mmm` (local time, no zone), then `host`,
///   `program` and `pid` from `prog[pid]` (followed by a space, no colon), and `message` the rest
///   (`server (remotehost[remoteip]): …`).
///
/// ``value(of:format:in:message:)`` fields:
/// * vsftpd-log: `user` (the bracketed user after `[pid N]`, absent when there is none, as on
///   `CONNECT` lines), `src_ip` (the IP literal after `Client "`; `::ffff:a.b.c.d` gives `a.b.c.d`,
///   as fail2ban's annotations write it).
/// * proftpd-log: `src_host` (the remote host name before `[`, as written), `src_ip` (the IP literal
///   inside the brackets, `::ffff:` unmapped likewise), `user` (the word after `USER ` that opens the
///   text after `): ` or `) - `, up to a space or colon; or `X` of `SECURITY VIOLATION: X login attempted`).
/// Nothing allocates; positions index the line.
enum FTPServerFields {
    // MARK: - Headers

    /// The format and header of a vsftpd or ProFTPD own-log line, or nil.
    static func header(_ line: UnsafeBufferPointer<UInt8>) -> (format: RecordFormat, header: SyslogHeader)? {
        let count = line.count
        guard count >= 30 else { return nil }
        if line[3] == 0x20 && line[7] == 0x20 && FieldText.isUpper(line[0]) {
            return vsftpdHeader(line).map { (.vsftpdLog, $0) }
        }
        if line[4] == UInt8(ascii: "-") && line[10] == 0x20 && line[19] == UInt8(ascii: ",") {
            return proftpdHeader(line).map { (.proftpdLog, $0) }
        }
        return nil
    }

    /// The end of a vsftpd ctime stamp (`Www Mmm dd hh:mm:ss yyyy`) at the start of `line`, or nil.
    static func vsftpdStampEnd(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = line.count
        guard count >= 23, line[3] == 0x20, line[7] == 0x20,
              FieldText.isUpper(line[0]), FieldText.isLower(line[1]), FieldText.isLower(line[2]),
              TimestampParser.monthIndex(line[4], line[5], line[6]) != nil else { return nil }
        var position = 8
        if line[position] == 0x20 { position += 1 }
        let dayEnd = FieldText.digitsEnd(line, from: position, end: min(count, position + 3))
        guard dayEnd > position, dayEnd - position <= 2, dayEnd - 8 <= 2 else { return nil }
        position = dayEnd
        // " hh:mm:ss yyyy"
        guard position + 14 <= count, line[position] == 0x20 else { return nil }
        let time = position + 1
        guard isTime(line, at: time), line[time + 8] == 0x20 else { return nil }
        let year = time + 9
        guard FieldText.digitsEnd(line, from: year, end: year + 4) == year + 4 else { return nil }
        return year + 4
    }

    static func vsftpdHeader(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        let count = line.count
        guard let stampEnd = vsftpdStampEnd(line), FieldText.hasPrefix(line, " [pid ", at: stampEnd, end: count) else { return nil }
        let pidStart = stampEnd + 6
        let pidEnd = FieldText.digitsEnd(line, from: pidStart, end: count)
        guard pidEnd > pidStart, pidEnd - pidStart <= 10, pidEnd < count, line[pidEnd] == UInt8(ascii: "]") else { return nil }
        var messageStart = pidEnd + 1
        if messageStart < count && line[messageStart] == 0x20 { messageStart += 1 }
        var header = SyslogHeader(message: messageStart..<count)
        header.timestamp = 0..<stampEnd
        header.pid = pidStart..<pidEnd
        return header
    }

    static func proftpdHeader(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        let count = line.count
        guard isProftpdStamp(line), line[23] == 0x20 else { return nil }
        let hostStart = 24
        let hostEnd = FieldText.tokenEnd(line, from: hostStart, end: count)
        guard hostEnd > hostStart, hostEnd < count else { return nil }
        let tagStart = hostEnd + 1
        var tagEnd = tagStart
        while tagEnd < count && tagEnd - tagStart < 48 && line[tagEnd] != UInt8(ascii: "[") && line[tagEnd] != 0x20 { tagEnd += 1 }
        guard tagEnd > tagStart, tagEnd < count, line[tagEnd] == UInt8(ascii: "[") else { return nil }
        let pidStart = tagEnd + 1
        let pidEnd = FieldText.digitsEnd(line, from: pidStart, end: count)
        guard pidEnd > pidStart, pidEnd - pidStart <= 10, pidEnd < count, line[pidEnd] == UInt8(ascii: "]") else { return nil }
        var messageStart = pidEnd + 1
        if messageStart < count && line[messageStart] == UInt8(ascii: ":") { messageStart += 1 }
        guard messageStart < count, line[messageStart] == 0x20 else { return nil }
        messageStart += 1
        var header = SyslogHeader(message: messageStart..<count)
        header.timestamp = 0..<23
        header.host = hostStart..<hostEnd
        header.program = tagStart..<tagEnd
        header.pid = pidStart..<pidEnd
        return header
    }

    /// `YYYY-MM-DD hh:mm:ss,mmm` at the start of `line` (23 bytes).
    static func isProftpdStamp(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 23 else { return false }
        let d = ByteSearch.isDigit
        guard d(line[0]) && d(line[1]) && d(line[2]) && d(line[3]) && d(line[5]) && d(line[6]) && d(line[8]) && d(line[9])
                && d(line[20]) && d(line[21]) && d(line[22]) else { return false }
        return line[4] == UInt8(ascii: "-") && line[7] == UInt8(ascii: "-") && line[10] == 0x20
            && isTime(line, at: 11) && line[19] == UInt8(ascii: ",")
    }

    /// `hh:mm:ss` at `start` (the caller checked that 8 bytes are there).
    @inline(__always)
    static func isTime(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        ByteSearch.isDigit(line[start]) && ByteSearch.isDigit(line[start + 1]) && line[start + 2] == UInt8(ascii: ":")
            && ByteSearch.isDigit(line[start + 3]) && ByteSearch.isDigit(line[start + 4]) && line[start + 5] == UInt8(ascii: ":")
            && ByteSearch.isDigit(line[start + 6]) && ByteSearch.isDigit(line[start + 7])
    }

    // MARK: - Times

    /// `Www Mmm dd hh:mm:ss yyyy` → local civil time with its year.
    static func parseVsftpdTime(_ stamp: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        guard let end = vsftpdStampEnd(stamp), let month = TimestampParser.monthIndex(stamp[4], stamp[5], stamp[6]) else { return nil }
        let time = end - 13
        var day = 0
        for index in 8..<(time - 1) where ByteSearch.isDigit(stamp[index]) { day = day * 10 + digit(stamp[index]) }
        let year = digit(stamp[end - 4]) * 1000 + digit(stamp[end - 3]) * 100 + digit(stamp[end - 2]) * 10 + digit(stamp[end - 1])
        let civil = CivilTime(year: year, month: month, day: day, hour: digit(stamp[time]) * 10 + digit(stamp[time + 1]),
                              minute: digit(stamp[time + 3]) * 10 + digit(stamp[time + 4]),
                              second: digit(stamp[time + 6]) * 10 + digit(stamp[time + 7]))
        guard TimestampParser.isPlausible(civil), civil.isValid(inYear: year) else { return nil }
        return civil
    }

    /// `YYYY-MM-DD hh:mm:ss,mmm` → local civil time with its year and milliseconds.
    static func parseProftpdTime(_ stamp: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        guard isProftpdStamp(stamp) else { return nil }
        let two = { (index: Int) -> Int in digit(stamp[index]) * 10 + digit(stamp[index + 1]) }
        let year = two(0) * 100 + two(2)
        let millis = digit(stamp[20]) * 100 + two(21)
        let civil = CivilTime(year: year, month: two(5), day: two(8), hour: two(11), minute: two(14), second: two(17),
                              nanosecond: millis * 1_000_000)
        guard TimestampParser.isPlausible(civil), civil.isValid(inYear: year) else { return nil }
        return civil
    }

    @inline(__always) private static func digit(_ byte: UInt8) -> Int { Int(byte &- 0x30) }

    // MARK: - Fields

    static func value(of name: FieldName, format: RecordFormat, in line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let key = name.bytes
        switch format {
        case .vsftpdLog:
            if FieldText.equals(key, "user") { return vsftpdUser(line, message: message) }
            if FieldText.equals(key, "src_ip") { return vsftpdClient(line, message: message) }
        case .proftpdLog:
            if FieldText.equals(key, "user") { return proftpdUser(line, message: message) }
            if FieldText.equals(key, "src_ip") {
                guard let remote = proftpdRemote(line, message: message) else { return nil }
                return AddressText.ipRange(line, remote.ip)
            }
            if FieldText.equals(key, "src_host") {
                guard let remote = proftpdRemote(line, message: message), !remote.host.isEmpty else { return nil }
                return remote.host
            }
        default:
            break
        }
        return nil
    }

    /// `[user] ` opening a vsftpd message.
    static func vsftpdUser(_ line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let start = message.lowerBound
        guard start < message.upperBound, line[start] == UInt8(ascii: "["),
              let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: line, from: start + 1, end: message.upperBound),
              close > start + 1 else { return nil }
        return (start + 1)..<close
    }

    /// The IP literal of `Client "…"`.
    static func vsftpdClient(_ line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard let client = ByteSearch.firstIndex(of: "Client \"", in: line, range: message) else { return nil }
        let start = client + 8
        guard let quote = FieldText.firstIndex(of: UInt8(ascii: "\""), in: line, from: start, end: message.upperBound) else { return nil }
        return AddressText.ipRange(line, start..<quote)
    }

    /// `server (host[ip])` opening a ProFTPD message: the host, the text in the brackets, and the
    /// index after the `)`.
    static func proftpdRemote(_ line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> (host: Range<Int>, ip: Range<Int>, end: Int)? {
        let end = message.upperBound
        let serverEnd = FieldText.tokenEnd(line, from: message.lowerBound, end: end)
        guard serverEnd > message.lowerBound, serverEnd + 1 < end, line[serverEnd + 1] == UInt8(ascii: "(") else { return nil }
        let open = serverEnd + 1
        var index = open + 1
        while index < end && line[index] != UInt8(ascii: "[") && line[index] != UInt8(ascii: ")") && line[index] != 0x20 { index += 1 }
        guard index < end, line[index] == UInt8(ascii: "[") else { return nil }
        let bracket = index
        guard let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: line, from: bracket + 1, end: end),
              close + 1 < end, line[close + 1] == UInt8(ascii: ")") else { return nil }
        return ((open + 1)..<bracket, (bracket + 1)..<close, close + 2)
    }

    /// `USER name` opening the text after `): ` or `) - `, or `SECURITY VIOLATION: name login attempted`.
    static func proftpdUser(_ line: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let end = message.upperBound
        guard let remote = proftpdRemote(line, message: message) else { return nil }
        var start = remote.end
        if FieldText.hasPrefix(line, ": ", at: start, end: end) { start += 2 }
        else if FieldText.hasPrefix(line, " - ", at: start, end: end) { start += 3 }
        else { return nil }
        if FieldText.hasPrefix(line, "USER ", at: start, end: end) {
            let nameStart = start + 5
            var nameEnd = nameStart
            while nameEnd < end && line[nameEnd] != 0x20 && line[nameEnd] != UInt8(ascii: ":") { nameEnd += 1 }
            return nameEnd > nameStart ? nameStart..<nameEnd : nil
        }
        if FieldText.hasPrefix(line, "SECURITY VIOLATION: ", at: start, end: end) {
            let nameStart = start + 20
            let nameEnd = FieldText.tokenEnd(line, from: nameStart, end: end)
            guard nameEnd > nameStart, FieldText.hasPrefix(line, " login attempted", at: nameEnd, end: end) else { return nil }
            return nameStart..<nameEnd
        }
        return nil
    }
}
