/// Fields of login records rendered from binary files (`wtmp`, `btmp`, `utmp`, `lastlog`: the
/// ``ProgramFamily/loginRecords`` family), as the BinaryLogs module writes them:
/// `type=USER_PROCESS user=svc-backup tty=pts/2 src_host=203.0.113.77 src_ip=203.0.113.77 session=0 id=ts/2`,
/// `type=LASTLOG uid=1001 user=? tty=pts/0 src_host=…`.
///
/// Contract: any `key=value` of the message is a field (`type`, `user`, `tty`, `src_host`, `src_ip`,
/// `session`, `id`, `uid`), found by ``KeyValueScanner`` (the first occurrence; a quoted value without
/// its quotes). The renderer writes unsafe bytes as `\xNN` (controls, `"`, `=`, `\`, invalid UTF-8),
/// so no value can forge a key; a value holding such escapes is decoded back to its stored bytes into
/// the resolver, so rules match what the record holds (`user` of a non-UTF-8 name is its raw bytes).
/// A key the message does not have is nil.
enum LoginRecordFields {
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, message: Range<Int>, resolver: FieldResolver) -> FieldValue? {
        guard message.upperBound <= line.count, !message.isEmpty else { return nil }
        let found = name.bytes.withUnsafeBufferPointer { key in
            KeyValueScanner.value(ofKey: key, in: line, range: message)
        }
        guard let range = found else { return nil }
        guard hasEscape(line, range) else { return .inLine(range) }
        return resolver.appendDecoded { out in appendUnescaped(line, range, to: &out) }
    }

    /// True when `range` holds a `\xNN` escape.
    static func hasEscape(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index + 3 < range.upperBound {
            if line[index] == UInt8(ascii: "\\") && line[index + 1] == UInt8(ascii: "x") { return true }
            index += 1
        }
        return false
    }

    /// The bytes of `range` with each `\xNN` replaced by its byte; anything else is kept as written.
    static func appendUnescaped(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
        var index = range.lowerBound
        while index < range.upperBound {
            if index + 3 < range.upperBound, line[index] == UInt8(ascii: "\\"), line[index + 1] == UInt8(ascii: "x"),
               ByteSearch.isHex(line[index + 2]), ByteSearch.isHex(line[index + 3]) {
                out.append(ByteSearch.hexValue(line[index + 2]) << 4 | ByteSearch.hexValue(line[index + 3]))
                index += 4
                continue
            }
            out.append(line[index])
            index += 1
        }
    }
}
