import RecordParsing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders login records as RFC 5424 lines that the syslog parsers and the `loginRecords` field
/// family read:
///
/// ```
/// <38>1 2025-03-07T10:31:07.123456Z - wtmp 327050 - - type=USER_PROCESS user=svc-backup tty=pts/2 src_host=203.0.113.77 src_ip=203.0.113.77 session=0 id=ts/2
/// <38>1 2025-03-07T09:12:44Z - lastlog - - - type=LASTLOG uid=1001 user=? tty=pts/0 src_host=203.0.113.77
/// ```
///
/// Contract:
/// - PRI 38 (auth.info), no host (`-`: the records do not say which host wrote them), the program
///   given (`wtmp`, `btmp`, `utmp`, `lastlog`), the pid when positive else `-`, no MSGID or structured
///   data. The time is UTC with microseconds when non-zero (`…07.123456Z`, `…07Z`); a zero time is `-`.
/// - `key=value` pairs in a fixed order; string values that are empty are left out, numbers never.
///   `src_ip` is `ut_addr_v6` (IPv4 when only its first word is set or it is an IPv4-mapped IPv6
///   address, else IPv6 as `inet_ntop` writes it), left out when all zero.
/// - Value bytes are kept as stored, except that a byte that is a control character (< 0x20, 0x7F),
///   `"`, `=`, `\`, or part of an invalid UTF-8 sequence is written `\xNN` (two upper-case hex
///   digits); a value with a space is then quoted `"…"`. So no value can hold a quote, a `key=` or a
///   newline of its own: a user name such as `x src_ip=10.0.0.1` (btmp user names are what the
///   attacker typed) renders `user="x src_ip\x3D10.0.0.1"` and cannot forge a field.
enum LoginRecordLine {
    static func utmp(_ record: LoginRecordLayout.Utmp, program: String) -> [UInt8] {
        var line = header(seconds: record.seconds, microseconds: record.microseconds, program: program, pid: record.pid)
        let type = Int(record.type)
        let typeName = (0..<LoginRecordLayout.typeNames.count).contains(type) ? LoginRecordLayout.typeNames[type] : "UNKNOWN_\(type)"
        appendPair(&line, "type", Array(typeName.utf8), first: true)
        appendPair(&line, "user", record.user)
        appendPair(&line, "tty", record.line)
        appendPair(&line, "src_host", record.host)
        if let address = ipAddress(record.address) { appendPair(&line, "src_ip", Array(address.utf8)) }
        appendPair(&line, "session", Array(String(record.session).utf8))
        appendPair(&line, "id", record.id)
        return line
    }

    static func lastlog(_ record: LoginRecordLayout.Lastlog, uid: Int) -> [UInt8] {
        var line = header(seconds: record.seconds, microseconds: 0, program: "lastlog", pid: 0)
        appendPair(&line, "type", Array("LASTLOG".utf8), first: true)
        appendPair(&line, "uid", Array(String(uid).utf8))
        appendPair(&line, "user", [UInt8(ascii: "?")])
        appendPair(&line, "tty", record.line)
        appendPair(&line, "src_host", record.host)
        return line
    }

    static func header(seconds: Int32, microseconds: Int32, program: String, pid: Int32) -> [UInt8] {
        var text = "<38>1 "
        if seconds == 0 {
            text += "-"
        } else {
            text += UTCStamp.rfc3339(seconds: Int64(seconds), microseconds: (0..<1_000_000).contains(microseconds) ? Int(microseconds) : 0)
        }
        text += " - \(program) \(pid > 0 ? String(pid) : "-") - - "
        return Array(text.utf8)
    }

    static func appendPair<Value: Collection<UInt8>>(_ line: inout [UInt8], _ key: StaticString, _ value: Value, first: Bool = false) {
        guard !value.isEmpty else { return }
        if !first { line.append(0x20) }
        line.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        line.append(UInt8(ascii: "="))
        let escaped = escape(value)
        if escaped.contains(0x20) {
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: escaped)
            line.append(UInt8(ascii: "\""))
        } else {
            line.append(contentsOf: escaped)
        }
    }

    /// The value with unsafe bytes written `\xNN` (see the type's contract).
    static func escape<Value: Collection<UInt8>>(_ value: Value) -> [UInt8] {
        let bytes = Array(value)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                let length = validUTF8SequenceLength(bytes, at: index)
                if length > 0 {
                    out.append(contentsOf: bytes[index..<(index + length)])
                    index += length
                } else {
                    appendHexEscape(&out, byte)
                    index += 1
                }
                continue
            }
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\\") {
                appendHexEscape(&out, byte)
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    static func appendHexEscape(_ out: inout [UInt8], _ byte: UInt8) {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }

    /// The length of the valid UTF-8 sequence of a non-ASCII scalar at `index`, or 0 when the bytes
    /// there are not one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short).
    static func validUTF8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            return UTF8.width(scalar)
        case .emptyInput, .error:
            return 0
        }
    }

    /// `ut_addr_v6` as text, nil when all zero.
    static func ipAddress(_ stored: ArraySlice<UInt8>) -> String? {
        let bytes = Array(stored)
        guard bytes.count == 16, bytes.contains(where: { $0 != 0 }) else { return nil }
        let isV4 = bytes[4..<16].allSatisfy { $0 == 0 }
        let isMapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        if isV4 || isMapped {
            let v4 = isV4 ? bytes[0..<4] : bytes[12..<16]
            return v4.map { String($0) }.joined(separator: ".")
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(AF_INET6, raw.baseAddress, &text, socklen_t(INET6_ADDRSTRLEN))
        }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// UTC time stamps in RFC 3339 form, from seconds since the epoch.
enum UTCStamp {
    /// `2025-03-07T10:31:07.123456Z`, or `…07Z` when `microseconds` is 0.
    static func rfc3339(seconds: Int64, microseconds: Int) -> String {
        UTCText.format(seconds: seconds, microseconds: microseconds)
    }
}

