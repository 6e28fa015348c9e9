/// `journalctl -o json` entries: one JSON object a line, every journal field a top-level key.
///
/// Contract:
/// * ``header(_:)`` is nil unless the line is a JSON object holding `__REALTIME_TIMESTAMP` or
///   `MESSAGE`. It maps `timestamp` to the content of `__REALTIME_TIMESTAMP` (µs since the epoch, as
///   written), `host` to `_HOSTNAME`, `program` to `SYSLOG_IDENTIFIER` (else `_COMM`), `pid` to
///   `_PID` (else `SYSLOG_PID`), `message` to `MESSAGE` (a string's content, or the whole array when
///   journalctl wrote a non-UTF-8 message as bytes). Ranges of strings are their raw content.
/// * ``value(of:in:resolver:)`` returns any top-level key's value: a string's content, decoded
///   (`\n`, `\"`, `\uXXXX` with surrogate pairs to UTF-8, …) into the resolver only when it holds a
///   backslash; a number, `true` or `false` as written; a byte array (`[104,105]`) decoded to its
///   bytes; for an array of values (a field repeated in one entry) the first; `null` is absent; an
///   object is returned as its JSON text.
/// * ``message(record:line:resolver:)`` is `MESSAGE` decoded the same way (nil when absent).
///
/// The scanner is bounded and non-recursive: nested arrays and objects are skipped with a depth
/// count that ignores brackets inside strings; a malformed line ends the scan without reading past
/// its end. Only the first occurrence of a key is used.
enum JournalJSONFields {
    /// Common-field ranges of an entry, or nil when the line is not a journal entry.
    static func header(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        var timestamp: Range<Int>? = nil
        var hostname: Range<Int>? = nil
        var identifier: Range<Int>? = nil
        var comm: Range<Int>? = nil
        var pid: Range<Int>? = nil
        var syslogPid: Range<Int>? = nil
        var message: Range<Int>? = nil
        forEachMember(in: line) { key, value in
            let content = value.kind == .string ? value.content : value.range
            switch key.count {
            case 20 where timestamp == nil && FieldText.equals(line, key, "__REALTIME_TIMESTAMP"):
                timestamp = content
            case 9 where hostname == nil && FieldText.equals(line, key, "_HOSTNAME"):
                hostname = content
            case 17 where identifier == nil && FieldText.equals(line, key, "SYSLOG_IDENTIFIER"):
                identifier = content
            case 5 where comm == nil && FieldText.equals(line, key, "_COMM"):
                comm = content
            case 4 where pid == nil && FieldText.equals(line, key, "_PID"):
                pid = content
            case 10 where syslogPid == nil && FieldText.equals(line, key, "SYSLOG_PID"):
                syslogPid = content
            case 7 where message == nil && FieldText.equals(line, key, "MESSAGE"):
                message = value.kind == .null ? nil : content
            default:
                break
            }
            return true
        }
        // Tolerant: a damaged tail (a truncated last line) does not hide the keys read before it.
        guard timestamp != nil || message != nil else { return nil }
        var header = SyslogHeader(message: message ?? line.count..<line.count)
        header.timestamp = timestamp
        header.host = hostname
        header.program = identifier ?? comm
        header.pid = pid ?? syslogPid
        return header
    }

    /// Any top-level key of the entry.
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        guard let member = name.bytes.withUnsafeBufferPointer({ member(named: $0, in: line) }) else { return nil }
        return decodedValue(member, line: line, resolver: resolver)
    }

    /// `MESSAGE`, decoded (JSON escapes, or a byte array for non-UTF-8 messages).
    static func message(record: LogRecord, line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        let key: StaticString = "MESSAGE"
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard let member = member(named: keyBytes, in: line) else { return nil }
        return decodedValue(member, line: line, resolver: resolver)
    }

    // MARK: - Scanning

    enum Kind: UInt8 { case string, number, literal, null, array, object }

    /// One JSON value: its whole text (`range`) and, for a string, the content between the quotes.
    struct Value {
        var kind: Kind
        var range: Range<Int>
        var content: Range<Int>
        var hasEscape: Bool
    }

    /// The value of the first top-level member named `key`.
    static func member(named key: UnsafeBufferPointer<UInt8>, in line: UnsafeBufferPointer<UInt8>) -> Value? {
        var found: Value? = nil
        _ = forEachMember(in: line) { name, value in
            if FieldText.equals(line, name, key) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    /// Calls `body` with each top-level member (key content, value) until it returns false. Returns
    /// true when the line is a well-formed object as far as it was read (stopping early counts).
    @discardableResult
    static func forEachMember(in line: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Value) -> Bool) -> Bool {
        let end = line.count
        var position = skipSpace(line, 0)
        guard position < end, line[position] == UInt8(ascii: "{") else { return false }
        position = skipSpace(line, position + 1)
        if position < end && line[position] == UInt8(ascii: "}") { return true }
        while position < end {
            guard line[position] == UInt8(ascii: "\""), let key = scanString(line, from: position) else { return false }
            position = skipSpace(line, key.range.upperBound)
            guard position < end, line[position] == UInt8(ascii: ":") else { return false }
            position = skipSpace(line, position + 1)
            guard let value = scanValue(line, from: position) else { return false }
            if !body(key.content, value) { return true }
            position = skipSpace(line, value.range.upperBound)
            guard position < end else { return false }
            if line[position] == UInt8(ascii: "}") { return true }
            guard line[position] == UInt8(ascii: ",") else { return false }
            position = skipSpace(line, position + 1)
        }
        return false
    }

    @inline(__always)
    static func skipSpace(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < line.count {
            let byte = line[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d else { break }
            index += 1
        }
        return index
    }

    /// A string starting at the `"` at `start`.
    static func scanString(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Value? {
        var index = start + 1
        var escaped = false
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                return Value(kind: .string, range: start..<(index + 1), content: (start + 1)..<index, hasEscape: escaped)
            }
            index += 1
        }
        return nil
    }

    /// Any value at `start`: strings, numbers and literals directly; arrays and objects by a depth
    /// count (strings inside are skipped whole, so their brackets do not count).
    static func scanValue(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Value? {
        let end = line.count
        guard start < end else { return nil }
        let first = line[start]
        if first == UInt8(ascii: "\"") { return scanString(line, from: start) }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            var depth = 0
            var index = start
            while index < end {
                let byte = line[index]
                if byte == UInt8(ascii: "\"") {
                    guard let string = scanString(line, from: index) else { return nil }
                    index = string.range.upperBound
                    continue
                }
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        let range = start..<(index + 1)
                        return Value(kind: first == UInt8(ascii: "[") ? .array : .object, range: range, content: range, hasEscape: false)
                    }
                }
                index += 1
            }
            return nil
        }
        var index = start
        while index < end {
            let byte = line[index]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                || byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { break }
            index += 1
        }
        guard index > start else { return nil }
        let range = start..<index
        let kind: Kind
        if FieldText.equals(line, range, "null") { kind = .null }
        else if FieldText.equals(line, range, "true") || FieldText.equals(line, range, "false") { kind = .literal }
        else { kind = .number }
        return Value(kind: kind, range: range, content: range, hasEscape: false)
    }

    // MARK: - Decoding

    /// A member's value as a field (see the type's contract).
    static func decodedValue(_ value: Value, line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        switch value.kind {
        case .null:
            return nil
        case .number, .literal, .object:
            return .inLine(value.range)
        case .string:
            guard value.hasEscape else { return .inLine(value.content) }
            return resolver.appendDecoded { out in appendUnescaped(line, value.content, to: &out) }
        case .array:
            // First element: a number means a byte array; a string or a nested byte array is the
            // first value of a repeated field.
            let position = skipSpace(line, value.range.lowerBound + 1)
            guard position < value.range.upperBound - 1, let first = scanValue(line, from: position) else { return nil }
            switch first.kind {
            case .number:
                return resolver.appendDecoded { out in appendByteArray(line, value.range, to: &out) }
            case .array:
                return resolver.appendDecoded { out in appendByteArray(line, first.range, to: &out) }
            case .string:
                guard first.hasEscape else { return .inLine(first.content) }
                return resolver.appendDecoded { out in appendUnescaped(line, first.content, to: &out) }
            case .null:
                return nil
            case .literal, .object:
                return .inLine(first.range)
            }
        }
    }

    /// The bytes of `[n, n, …]` (elements that are not 0–255 are skipped).
    static func appendByteArray(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
        var index = range.lowerBound + 1
        let end = range.upperBound - 1
        while index < end {
            let digitsEnd = FieldText.digitsEnd(line, from: index, end: end)
            if digitsEnd > index {
                var number = 0
                var position = index
                while position < digitsEnd && number <= 255 {
                    number = number * 10 + Int(line[position] &- 0x30)
                    position += 1
                }
                if number <= 255 && digitsEnd - index <= 3 { out.append(UInt8(number)) }
                index = digitsEnd
            } else {
                index += 1
            }
        }
    }

    /// A JSON string's content with its escapes decoded. An unknown escape or a lone surrogate is
    /// kept as written / as U+FFFD; nothing is read past `range`.
    static func appendUnescaped(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let byte = line[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = line[index + 1]
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "u"):
                guard let unit = hex4(line, index + 2, end) else {
                    out.append(byte)
                    out.append(escape)
                    index += 2
                    continue
                }
                index += 6
                var scalar = UInt32(unit)
                if unit >= 0xD800 && unit < 0xDC00 {
                    if index + 1 < end && line[index] == UInt8(ascii: "\\") && line[index + 1] == UInt8(ascii: "u"),
                       let low = hex4(line, index + 2, end), low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if unit >= 0xDC00 && unit < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
                continue
            default:
                out.append(byte)
                out.append(escape)
            }
            index += 2
        }
    }

    static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt16? {
        guard start + 4 <= end else { return nil }
        var value: UInt16 = 0
        for index in start..<(start + 4) {
            guard ByteSearch.isHex(line[index]) else { return nil }
            value = value << 4 | UInt16(ByteSearch.hexValue(line[index]))
        }
        return value
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
