/// PAM lines, in any program's message.
///
/// Prefixes: `pam_<module>(<service>:<type>): `, `pam_<module>(<type>): `, `pam_<module>: `,
/// `(pam_<module>) `, or none when the message itself starts with a PAM phrase (`vsftpd(pam_unix)[1]:
/// authentication failure; …`). Fields: `pam_module` (`pam_unix`), `pam_service`, `pam_type`, and:
/// * `session opened for user <user>(uid=<uid>) by <by_user>(uid=<by_uid>)` (the `(uid=…)` parts
///   and the by-user are optional; `by (uid=0)` gives an empty `by_user`), `session closed for user <user>`;
/// * `authentication failure; logname=… uid=… euid=… tty=… ruser=… rhost=…[  user=…]`: every key by
///   its name. pam_unix writes them in that fixed order and `ruser` and `user` can be attacker text
///   (fail2ban's "injecting on username" samples), so `rhost` is the first `rhost=` token followed by
///   the end or by ` user=`; `ruser` runs up to it, and `user` from the ` user=` after it to the end;
/// * `password changed for <user>`, `auth could not identify password for [<user>]`,
///   `user <user> (<uid>) tally …` (pam_tally2), `… for user <user> account temporarily locked`.
/// `src_ip` is `rhost` when that is an IP literal.
enum PamFields {
    static func value(_ field: FamilyField, key: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard let line = parse(b, message: message) else { return nil }
        switch field {
        case .pamModule: return line.module
        case .pamService: return line.service
        case .pamType: return line.type
        case .user: return line.user
        case .uid: return line.uid
        case .byUser: return line.byUser
        case .byUID: return line.byUID
        case .tty: return line.failure?.tty
        case .srcIP:
            return line.failure?.rhost.flatMap { AddressText.ipRange(b, $0) }
        case .keyed:
            guard let failure = line.failure else { return nil }
            if key.count == 5 && ByteSearch.hasPrefix(key, "ruser", at: 0) { return failure.ruser }
            if key.count == 5 && ByteSearch.hasPrefix(key, "rhost", at: 0) { return failure.rhost }
            return simpleKey(b, key, in: failure.keys)
        default:
            return nil
        }
    }

    struct Failure {
        /// `logname=… uid=… euid=… tty=…`, read as plain tokens.
        var keys: Range<Int>
        var tty: Range<Int>?
        var ruser: Range<Int>?
        var rhost: Range<Int>?
        var user: Range<Int>?
    }

    struct Line {
        var module: Range<Int>?
        var service: Range<Int>?
        var type: Range<Int>?
        var user: Range<Int>?
        var uid: Range<Int>?
        var byUser: Range<Int>?
        var byUID: Range<Int>?
        var failure: Failure?
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Line? {
        let trimmed = FieldText.trimmed(b, message)
        var start = trimmed.lowerBound
        var end = trimmed.upperBound
        if FieldText.hasSuffix(b, " [preauth]", start: start, end: end) {
            end = FieldText.trimmed(b, start..<(end - 10)).upperBound
        }
        var line = Line()
        var prefixed = false
        if FieldText.hasPrefix(b, "pam_", at: start, end: end) {
            var index = start + 4
            while index < end && (FieldText.isLower(b[index]) || ByteSearch.isDigit(b[index]) || b[index] == UInt8(ascii: "_")) { index += 1 }
            guard index < end else { return nil }
            line.module = start..<index
            if b[index] == UInt8(ascii: "(") {
                guard let close = FieldText.firstIndex(of: UInt8(ascii: ")"), in: b, from: index, end: end) else { return nil }
                if let colon = FieldText.firstIndex(of: UInt8(ascii: ":"), in: b, from: index + 1, end: close) {
                    line.service = (index + 1)..<colon
                    line.type = (colon + 1)..<close
                } else {
                    line.type = (index + 1)..<close
                }
                index = close + 1
            }
            guard index < end, b[index] == UInt8(ascii: ":") else { return nil }
            start = index + 1
            prefixed = true
        } else if FieldText.hasPrefix(b, "(pam_", at: start, end: end),
                  let close = FieldText.firstIndex(of: UInt8(ascii: ")"), in: b, from: start, end: end) {
            line.module = (start + 1)..<close
            start = close + 1
            prefixed = true
        }
        while start < end && ByteSearch.isSpace(b[start]) { start += 1 }
        func after(_ text: StaticString) -> Int? {
            FieldText.hasPrefix(b, text, at: start, end: end) ? start + text.utf8CodeUnitCount : nil
        }
        if let next = after("session opened for user ") ?? after("session closed for user ") {
            readSession(b, from: next, end: end, into: &line)
            return line
        }
        if let next = after("authentication failure;") {
            line.failure = readFailure(b, from: next, end: end)
            if let failure = line.failure {
                line.user = failure.user
                line.uid = simpleKey(b, "uid", in: failure.keys)
            }
            return line
        }
        guard prefixed else { return nil }
        if let next = after("password changed for ") {
            line.user = next..<end
        } else if let next = after("auth could not identify password for ["), b[end - 1] == UInt8(ascii: "]"), next < end {
            line.user = next..<(end - 1)
        } else if let next = after("user ") {
            // pam_tally2: `user zbadguy (4001) tally 6, deny 5`
            let nameEnd = FieldText.tokenEnd(b, from: next, end: end)
            line.user = next..<nameEnd
        } else if let locked = ByteSearch.firstIndex(of: " account temporarily locked", in: b, range: start..<end),
                  let forUser = ByteSearch.lastIndex(of: "for user ", in: b, range: start..<locked) {
            line.user = (forUser + 9)..<locked
        }
        return line
    }

    /// `<user>[(uid=N)][ by <by_user>[(uid=M)]]`.
    static func readSession(_ b: UnsafeBufferPointer<UInt8>, from start: Int, end: Int, into line: inout Line) {
        var userEnd = end
        var position = end
        if let by = ByteSearch.lastIndex(of: " by ", in: b, range: start..<end) {
            userEnd = by
            position = by + 4
            let byEnd = FieldText.firstIndex(of: UInt8(ascii: "("), in: b, from: position, end: end) ?? end
            line.byUser = position..<byEnd
            if FieldText.hasPrefix(b, "(uid=", at: byEnd, end: end) {
                let digitsEnd = FieldText.digitsEnd(b, from: byEnd + 5, end: end)
                line.byUID = (byEnd + 5)..<digitsEnd
            }
        }
        if let uid = ByteSearch.lastIndex(of: "(uid=", in: b, range: start..<userEnd) {
            let digitsEnd = FieldText.digitsEnd(b, from: uid + 5, end: userEnd)
            line.uid = (uid + 5)..<digitsEnd
            userEnd = uid
        }
        line.user = start..<userEnd
    }

    /// ` logname=… uid=… euid=… tty=… ruser=… rhost=…[  user=…]` (see the type's contract).
    static func readFailure(_ b: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Failure {
        let ruserKey = tokenKey("ruser=", in: b, from: start, end: end)
        var search = ruserKey.map { $0 + 6 } ?? start
        var rhostKey: Int? = nil
        var rhost: Range<Int>? = nil
        var user: Range<Int>? = nil
        while let key = tokenKey("rhost=", in: b, from: search, end: end) {
            let valueEnd = FieldText.tokenEnd(b, from: key + 6, end: end)
            var next = valueEnd
            while next < end && ByteSearch.isSpace(b[next]) { next += 1 }
            if next == end || (next > valueEnd && FieldText.hasPrefix(b, "user=", at: next, end: end)) {
                rhostKey = key
                rhost = (key + 6)..<valueEnd
                if next < end { user = FieldText.trimmed(b, (next + 5)..<end) }
                break
            }
            search = key + 1
        }
        var failure = Failure(keys: start..<(ruserKey ?? rhostKey ?? end))
        if rhostKey == nil {
            // Not pam_unix's layout: plain first-token values.
            failure.keys = start..<end
            rhost = simpleKey(b, "rhost", in: start..<end)
            user = simpleKey(b, "user", in: start..<end)
        }
        if let ruserKey {
            var ruserEnd = rhostKey ?? FieldText.tokenEnd(b, from: ruserKey, end: end)
            if rhostKey != nil { ruserEnd -= 1 }
            failure.ruser = (ruserKey + 6)..<max(ruserKey + 6, ruserEnd)
        }
        failure.rhost = rhost
        failure.user = user
        failure.tty = simpleKey(b, "tty", in: failure.keys)
        return failure
    }

    /// The first `key` (e.g. `rhost=`) at a token start in `b[start..<end]`.
    static func tokenKey(_ key: StaticString, in b: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        var search = start
        while search < end, let found = ByteSearch.firstIndex(of: key, in: b, range: search..<end) {
            if found == start || ByteSearch.isSpace(b[found - 1]) || b[found - 1] == UInt8(ascii: ";") { return found }
            search = found + 1
        }
        return nil
    }

    static func simpleKey(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString, in range: Range<Int>) -> Range<Int>? {
        simpleKey(b, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), in: range)
    }

    /// The value of the first ` key=` token in `range` (a value runs to the next space).
    static func simpleKey(_ b: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Range<Int>? {
        var index = range.lowerBound
        while index < range.upperBound {
            while index < range.upperBound && ByteSearch.isSpace(b[index]) { index += 1 }
            let tokenEnd = FieldText.tokenEnd(b, from: index, end: range.upperBound)
            if let equals = FieldText.firstIndex(of: UInt8(ascii: "="), in: b, from: index, end: tokenEnd),
               FieldText.equals(b, index..<equals, key) {
                return (equals + 1)..<tokenEnd
            }
            index = tokenEnd
        }
        return nil
    }
}
