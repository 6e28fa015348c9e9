/// Field lookup and decoding for auditd records (the contract is ``AuditFields``'s).
///
/// A record is read as a sequence of `key=value` tokens, left to right, with no backtracking:
/// * the header `type=T msg=audit(EPOCH:SERIAL):` gives `type`, `audit_time` (`EPOCH`, fraction
///   included) and `audit_serial`; the `msg=audit(…)` token itself is not a field;
/// * a value is `"…"` (quotes dropped), `'…'` (the inner message of user-space records: its own
///   tokens are fields too, and `msg` is the inner text), or runs to the next space, tab or 0x1D;
/// * bare words (`user`, `avc:`, `denied`, `{`) are skipped; 0x1D starts the ENRICHED section,
///   whose upper-case fields are read the same way (`UID` enriched is not `uid` raw);
/// * the first occurrence of a key wins (the record's `uid` before the inner message's).
///
/// Quoted values are never decoded: auditd quotes exactly the values it did not hex-encode. An
/// unquoted value of an encodable field (auparse's escaped fields, `proctitle`, `data`, and `aN` /
/// `aN[i]` of an `EXECVE` record) is decoded when it is even-length hex; `(null)`, `?` and
/// `(none)` stay as written. `proctitle`'s NUL argument separators become spaces. `saddr` (a
/// binary socket address) and `old`/`new` (numbers in `CONFIG_CHANGE`) are never decoded.
/// Quoted values containing a space or `=` cannot be mistaken for keys (`comm="x uid=0"`).
enum AuditFieldDecoding {
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        let key = name.bytes
        if FieldText.equals(key, "audit_time") || FieldText.equals(key, "audit_serial") {
            guard let stamp = AuditFields.stampRange(line) else { return nil }
            let colon = FieldText.firstIndex(of: UInt8(ascii: ":"), in: line, from: stamp.lowerBound, end: stamp.upperBound)
            if FieldText.equals(key, "audit_time") {
                return .inLine(stamp.lowerBound..<(colon ?? stamp.upperBound))
            }
            guard let colon else { return nil }
            return .inLine((colon + 1)..<stamp.upperBound)
        }
        let found: Token? = key.withUnsafeBufferPointer { keyBytes in
            firstToken(named: keyBytes, in: line)
        }
        guard let found else { return nil }
        guard !found.quoted, found.value.count >= 2, found.value.count % 2 == 0,
              isEncodable(key, line: line), isHex(line, found.value) else {
            return .inLine(found.value)
        }
        let isProctitle = FieldText.equals(key, "proctitle")
        return resolver.appendDecoded { out in
            var index = found.value.lowerBound
            while index < found.value.upperBound {
                let byte = ByteSearch.hexValue(line[index]) << 4 | ByteSearch.hexValue(line[index + 1])
                out.append(isProctitle && byte == 0 ? 0x20 : byte)
                index += 2
            }
        }
    }

    /// One `key=value` of a record.
    struct Token {
        var key: Range<Int>
        var value: Range<Int>
        var quoted: Bool
    }

    /// The first token whose key is `name`, scanning the record left to right (inner `msg='…'` and
    /// the ENRICHED section included).
    static func firstToken(named name: UnsafeBufferPointer<UInt8>, in line: UnsafeBufferPointer<UInt8>) -> Token? {
        var found: Token? = nil
        forEachToken(in: line) { token in
            if FieldText.equals(line, token.key, name) {
                found = token
                return false
            }
            return true
        }
        return found
    }

    /// Calls `body` with each token in order until it returns false.
    static func forEachToken(in line: UnsafeBufferPointer<UInt8>, _ body: (Token) -> Bool) {
        let end = line.count
        var position = 0
        var inInner = false // inside msg='…'
        while position < end {
            let byte = line[position]
            if byte == 0x20 || byte == 0x09 || byte == 0x1d {
                if byte == 0x1d { inInner = false }
                position += 1
                continue
            }
            if byte == UInt8(ascii: "'") {
                inInner = false
                position += 1
                continue
            }
            // A key: bytes up to '=' (a word without '=' is skipped).
            let keyStart = position
            while position < end {
                let current = line[position]
                if current == UInt8(ascii: "=") || current == 0x20 || current == 0x09 || current == 0x1d
                    || current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") { break }
                position += 1
            }
            guard position < end, line[position] == UInt8(ascii: "="), position > keyStart else {
                // Bare word, or a stray quote: skip a quoted run whole, else step past the word.
                if position < end && line[position] == UInt8(ascii: "\"") {
                    position += 1
                    while position < end && line[position] != UInt8(ascii: "\"") { position += 1 }
                    if position < end { position += 1 }
                } else if position == keyStart {
                    position += 1
                }
                continue
            }
            let key = keyStart..<position
            position += 1
            let valueStart = position
            if position < end && line[position] == UInt8(ascii: "\"") {
                var close = position + 1
                while close < end && line[close] != UInt8(ascii: "\"") { close += 1 }
                let token = Token(key: key, value: (position + 1)..<close, quoted: true)
                position = min(close + 1, end)
                if !body(token) { return }
                continue
            }
            if position < end && line[position] == UInt8(ascii: "'") && !inInner {
                // Inner message: its text is `msg`'s value; its tokens follow.
                let close = innerMessageEnd(line, from: position + 1)
                let token = Token(key: key, value: (position + 1)..<close, quoted: true)
                if !body(token) { return }
                inInner = true
                position += 1
                continue
            }
            while position < end {
                let current = line[position]
                if current == 0x20 || current == 0x09 || current == 0x1d { break }
                if current == UInt8(ascii: "'") && inInner { break }
                position += 1
            }
            let value = valueStart..<position
            // `msg=audit(…):` is the record stamp, not a field.
            if FieldText.equals(line, key, "msg") && ByteSearch.hasPrefix(line, "audit(", at: valueStart) { continue }
            if !body(Token(key: key, value: value, quoted: false)) { return }
        }
    }

    /// The closing `'` of an inner message starting at `start`: the first `'` outside double quotes
    /// that ends a token (followed by end of line, space, or 0x1D), else the line's end.
    static func innerMessageEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        var inQuotes = false
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == 0x1d {
                return index
            } else if byte == UInt8(ascii: "'") && !inQuotes {
                let next = index + 1
                if next == line.count || line[next] == 0x20 || line[next] == 0x1d || line[next] == 0x09 { return index }
            }
            index += 1
        }
        return line.count
    }

    static func isHex(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for index in range where !ByteSearch.isHex(line[index]) { return false }
        return true
    }

    /// Fields auditd hex-encodes when their value holds a space, quote, control or non-ASCII byte.
    static func isEncodable(_ key: [UInt8], line: UnsafeBufferPointer<UInt8>) -> Bool {
        switch key.count {
        case 2:
            if FieldText.equals(key, "vm") || FieldText.equals(key, "sw") { return true }
            if key[0] == UInt8(ascii: "a") && ByteSearch.isDigit(key[1]) { return isExecve(line) }
        case 3:
            if FieldText.equals(key, "cwd") || FieldText.equals(key, "cmd") || FieldText.equals(key, "exe")
                || FieldText.equals(key, "dir") || FieldText.equals(key, "key") || FieldText.equals(key, "grp") { return true }
        case 4:
            if FieldText.equals(key, "name") || FieldText.equals(key, "comm") || FieldText.equals(key, "acct")
                || FieldText.equals(key, "data") || FieldText.equals(key, "path") || FieldText.equals(key, "file") { return true }
        case 5:
            if FieldText.equals(key, "watch") || FieldText.equals(key, "ocomm") { return true }
        case 6:
            if FieldText.equals(key, "old-fs") || FieldText.equals(key, "new-fs") || FieldText.equals(key, "device")
                || FieldText.equals(key, "cgroup") { return true }
        case 7:
            if FieldText.equals(key, "old-net") || FieldText.equals(key, "new-net") || FieldText.equals(key, "old-rng")
                || FieldText.equals(key, "new-rng") { return true }
        case 8:
            if FieldText.equals(key, "old-disk") || FieldText.equals(key, "new-disk") || FieldText.equals(key, "root_dir") { return true }
        case 9:
            if FieldText.equals(key, "proctitle") || FieldText.equals(key, "new_group") { return true }
        case 11:
            if FieldText.equals(key, "old-chardev") || FieldText.equals(key, "new-chardev") { return true }
        case 15:
            if FieldText.equals(key, "invalid_context") { return true }
        default:
            break
        }
        // a10, a1[0], … on EXECVE.
        if key.count > 2 && key[0] == UInt8(ascii: "a") && ByteSearch.isDigit(key[1]) {
            var index = 1
            while index < key.count && ByteSearch.isDigit(key[index]) { index += 1 }
            if index == key.count { return isExecve(line) }
            if key[index] == UInt8(ascii: "[") && key[key.count - 1] == UInt8(ascii: "]") { return isExecve(line) }
        }
        return false
    }

    static func isExecve(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteSearch.hasPrefix(line, "type=EXECVE ", at: 0)
    }
}
