/// Apache/nginx access logs in the common and combined formats (and Apache's vhost_combined):
///
///     [vhost[:port] ]client ident auth_user [10/Oct/2000:13:55:36 -0700] "GET /p?q HTTP/1.1" 200 2326[ "referer" "agent"[ …]]
///
/// Contract: ``header(_:)`` is nil unless the line has that shape (three or four fields, a
/// bracketed `dd/Mon/yyyy:hh:mm:ss ±hhmm` stamp, a quoted request, a three-digit status and a
/// byte count or `-`). `timestamp` is the text inside the brackets and `message` the request
/// line inside its quotes; `host`, `program` and `pid` are absent.
///
/// ``value(of:in:)`` fields: `client`, `ident`, `auth_user`, `vhost` (vhost_combined only),
/// `request`, `method`, `path` (query included), `protocol`, `status`, `bytes`, `referer`,
/// `user_agent`. Values are as written (`-` included, escapes such as `\"` not decoded), except
/// `bytes` `-`, which is absent. A request without spaces (`"-"`, binary junk) has no `method`,
/// `path` or `protocol`; one with a single space (HTTP/0.9) has no `protocol`. Quoted fields end at
/// the first `"` that is not escaped by a backslash (Apache writes `\"` and `\\`).
enum WebAccessFields {
    static func header(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        guard let parts = parse(line) else { return nil }
        var header = SyslogHeader(message: parts.request)
        header.timestamp = parts.time
        return header
    }

    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let parts = parse(line) else { return nil }
        let key = name.bytes
        switch key.count {
        case 4:
            if FieldText.equals(key, "path") { return parts.requestPart(line, 1) }
        case 5:
            if FieldText.equals(key, "ident") { return parts.ident }
            if FieldText.equals(key, "vhost") { return parts.vhost }
            if FieldText.equals(key, "bytes") {
                return FieldText.equals(line, parts.bytes, "-") ? nil : parts.bytes
            }
        case 6:
            if FieldText.equals(key, "client") { return parts.client }
            if FieldText.equals(key, "status") { return parts.status }
            if FieldText.equals(key, "method") { return parts.requestPart(line, 0) }
        case 7:
            if FieldText.equals(key, "referer") { return parts.referer }
            if FieldText.equals(key, "request") { return parts.request }
        case 8:
            if FieldText.equals(key, "protocol") { return parts.requestPart(line, 2) }
        case 9:
            if FieldText.equals(key, "auth_user") { return parts.authUser }
        case 10:
            if FieldText.equals(key, "user_agent") { return parts.userAgent }
        default:
            break
        }
        return nil
    }

    struct Parts {
        var vhost: Range<Int>?
        var client: Range<Int>
        var ident: Range<Int>
        var authUser: Range<Int>
        var time: Range<Int>
        var request: Range<Int>
        var status: Range<Int>
        var bytes: Range<Int>
        var referer: Range<Int>?
        var userAgent: Range<Int>?

        /// Method (0), path (1) or protocol (2) of the request line.
        func requestPart(_ line: UnsafeBufferPointer<UInt8>, _ part: Int) -> Range<Int>? {
            guard let firstSpace = FieldText.firstIndex(of: 0x20, in: line, from: request.lowerBound, end: request.upperBound) else { return nil }
            let lastSpace = FieldText.lastIndex(of: 0x20, in: line, from: firstSpace, end: request.upperBound) ?? firstSpace
            let hasProtocol = lastSpace > firstSpace && ByteSearch.hasPrefix(line, "HTTP/", at: lastSpace + 1)
            switch part {
            case 0: return request.lowerBound..<firstSpace
            case 1: return (firstSpace + 1)..<(hasProtocol ? lastSpace : request.upperBound)
            default: return hasProtocol ? (lastSpace + 1)..<request.upperBound : nil
            }
        }
    }

    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Parts? {
        let end = line.count
        guard end >= 40 else { return nil }
        // Up to four space-separated fields before " [".
        var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
        var fieldCount = 0
        var position = 0
        while position < end && line[position] != UInt8(ascii: "[") {
            guard fieldCount < 4 else { return nil }
            let fieldEnd = FieldText.tokenEnd(line, from: position, end: end)
            guard fieldEnd > position, fieldEnd < end, line[fieldEnd] == 0x20 else { return nil }
            switch fieldCount {
            case 0: fields.0 = position..<fieldEnd
            case 1: fields.1 = position..<fieldEnd
            case 2: fields.2 = position..<fieldEnd
            default: fields.3 = position..<fieldEnd
            }
            fieldCount += 1
            position = fieldEnd + 1
        }
        guard fieldCount == 3 || fieldCount == 4, position < end else { return nil }
        // [dd/Mon/yyyy:hh:mm:ss ±hhmm]
        let timeStart = position + 1
        guard timeStart + 27 <= end, line[timeStart + 26] == UInt8(ascii: "]"), isWebTime(line, timeStart) else { return nil }
        let time = timeStart..<(timeStart + 26)
        position = timeStart + 27
        guard FieldText.hasPrefix(line, " \"", at: position, end: end) else { return nil }
        guard let request = quoted(line, from: position + 1) else { return nil }
        position = request.upperBound + 1
        // " status bytes"
        guard position + 4 < end, line[position] == 0x20 else { return nil }
        let statusStart = position + 1
        let statusEnd = FieldText.digitsEnd(line, from: statusStart, end: end)
        guard statusEnd - statusStart == 3, statusEnd < end, line[statusEnd] == 0x20 else { return nil }
        let bytesStart = statusEnd + 1
        let bytesEnd = FieldText.tokenEnd(line, from: bytesStart, end: end)
        guard bytesEnd > bytesStart else { return nil }
        let bytes = bytesStart..<bytesEnd
        guard FieldText.equals(line, bytes, "-") || FieldText.digitsEnd(line, from: bytesStart, end: bytesEnd) == bytesEnd else { return nil }
        var referer: Range<Int>? = nil
        var agent: Range<Int>? = nil
        if FieldText.hasPrefix(line, " \"", at: bytesEnd, end: end), let first = quoted(line, from: bytesEnd + 1) {
            referer = first
            if FieldText.hasPrefix(line, " \"", at: first.upperBound + 1, end: end), let second = quoted(line, from: first.upperBound + 2) {
                agent = second
            }
        }
        let four = fieldCount == 4
        return Parts(vhost: four ? fields.0 : nil, client: four ? fields.1 : fields.0, ident: four ? fields.2 : fields.1,
                     authUser: four ? fields.3 : fields.2, time: time, request: request,
                     status: statusStart..<statusEnd, bytes: bytes, referer: referer, userAgent: agent)
    }

    /// The content of a `"…"` starting at the quote at `start` (a backslash escapes the next byte);
    /// nil when it does not close.
    static func quoted(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        guard start < line.count, line[start] == UInt8(ascii: "\"") else { return nil }
        var index = start + 1
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { return (start + 1)..<index }
            index += 1
        }
        return nil
    }

    /// `dd/Mon/yyyy:hh:mm:ss ±hhmm` at `start` (the shape; values are checked by ``RecordTime``).
    static func isWebTime(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        @inline(__always) func digit(_ offset: Int) -> Bool { ByteSearch.isDigit(line[start + offset]) }
        guard digit(0), digit(1), line[start + 2] == UInt8(ascii: "/"), FieldText.isUpper(line[start + 3]),
              FieldText.isLower(line[start + 4]), FieldText.isLower(line[start + 5]), line[start + 6] == UInt8(ascii: "/"),
              digit(7), digit(8), digit(9), digit(10), line[start + 11] == UInt8(ascii: ":"),
              digit(12), digit(13), line[start + 14] == UInt8(ascii: ":"), digit(15), digit(16),
              line[start + 17] == UInt8(ascii: ":"), digit(18), digit(19), line[start + 20] == 0x20,
              line[start + 21] == UInt8(ascii: "+") || line[start + 21] == UInt8(ascii: "-"),
              digit(22), digit(23), digit(24), digit(25) else { return false }
        return true
    }
}
