/// Renders one journal entry as one `journalctl -o json` line.
///
/// Contract:
/// - A JSON object of string members, keys sorted byte-wise, no spaces:
///   `{"MESSAGE":"Accepted password for …","SYSLOG_IDENTIFIER":"sshd","_HOSTNAME":"web01",…}`.
/// - The members are the entry's `__CURSOR`, `__REALTIME_TIMESTAMP` and `__MONOTONIC_TIMESTAMP`
///   (decimal µs, as strings) and `_BOOT_ID`, as journalctl adds them, then every field of the entry.
///   A field repeated in the entry keeps its first value in libsystemd's order (journalctl would print
///   an array of all of them).
/// - A value is a JSON string when journalctl would print one — valid UTF-8 without control
///   characters other than tab and newline, and without U+007F…U+009F — with `"`, `\`, newline, tab
///   escaped; otherwise it is an array of its byte values (`[73,110,255]`), as journalctl prints
///   non-UTF-8 and binary data. Values are never cut to journalctl's 4096-byte default (`--all`).
/// - A key that is not valid UTF-8 (only a corrupt file has one) has its bad bytes replaced by U+FFFD.
enum JournalEntryLine {
    /// The line for `fields` (name, value) in entry order; the first of each name wins.
    static func render(_ fields: [(name: [UInt8], value: [UInt8])]) -> [UInt8] {
        var firstIndex: [[UInt8]: Int] = [:]
        for (index, field) in fields.enumerated() where firstIndex[field.name] == nil {
            firstIndex[field.name] = index
        }
        let names = firstIndex.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var line: [UInt8] = [UInt8(ascii: "{")]
        line.reserveCapacity(fields.reduce(16) { $0 + $1.name.count + $1.value.count + 6 })
        for (position, name) in names.enumerated() {
            if position > 0 { line.append(UInt8(ascii: ",")) }
            appendString(&line, Array(String(decoding: name, as: UTF8.self).utf8))
            line.append(UInt8(ascii: ":"))
            let value = fields[firstIndex[name]!].value
            if isPrintable(value) {
                appendString(&line, value)
            } else {
                appendByteArray(&line, value)
            }
        }
        line.append(UInt8(ascii: "}"))
        return line
    }

    /// journalctl's test for printing a value as a string (`utf8_is_printable`, newlines allowed).
    static func isPrintable(_ value: [UInt8]) -> Bool {
        var iterator = value.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let code = scalar.value
                if (code < 0x20 && code != 0x09 && code != 0x0a) || (code >= 0x7f && code <= 0x9f) { return false }
            case .emptyInput:
                return true
            case .error:
                return false
            }
        }
    }

    /// A JSON string of valid UTF-8 `bytes`.
    static func appendString(_ line: inout [UInt8], _ bytes: [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        line.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0a: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x09: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0d: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                line.append(contentsOf: Array("\\u00".utf8))
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0x0f)])
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    static func appendByteArray(_ line: inout [UInt8], _ bytes: [UInt8]) {
        line.append(UInt8(ascii: "["))
        for (index, byte) in bytes.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            line.append(contentsOf: String(byte).utf8)
        }
        line.append(UInt8(ascii: "]"))
    }
}
