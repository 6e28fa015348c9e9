/// The smaller message grammars: su, systemd-logind, account management, cron, kernel firewall.
enum OtherFamilyFields {
    // MARK: su

    /// su: `[FAILED SU ](to <target_user>) <user> on <tty>`, `Successful su for <target> by <user>`,
    /// `FAILED su for <target> by <user>`, `+ <tty> <user>:<target>` / `- <tty> <user>:<target>`.
    /// Fields `target_user`, `user`, `tty`.
    static func su(_ field: FamilyField, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard field == .user || field == .targetUser || field == .tty else { return nil }
        let trimmed = FieldText.trimmed(b, message)
        var start = trimmed.lowerBound
        let end = trimmed.upperBound
        if FieldText.hasPrefix(b, "FAILED SU ", at: start, end: end) { start += 10 }
        if FieldText.hasPrefix(b, "(to ", at: start, end: end) {
            guard let close = FieldText.firstIndex(of: UInt8(ascii: ")"), in: b, from: start, end: end) else { return nil }
            if field == .targetUser { return (start + 4)..<close }
            let userStart = min(close + 2, end)
            let on = ByteSearch.lastIndex(of: " on ", in: b, range: userStart..<end)
            if field == .user { return userStart..<(on ?? end) }
            return on.map { ($0 + 4)..<end }
        }
        var targetStart = -1
        if FieldText.hasPrefix(b, "Successful su for ", at: start, end: end) { targetStart = start + 18 }
        else if FieldText.hasPrefix(b, "FAILED su for ", at: start, end: end) { targetStart = start + 14 }
        if targetStart >= 0 {
            guard let by = ByteSearch.lastIndex(of: " by ", in: b, range: targetStart..<end) else { return nil }
            switch field {
            case .targetUser: return targetStart..<by
            case .user: return (by + 4)..<end
            default: return nil
            }
        }
        if end - start > 4 && (b[start] == UInt8(ascii: "+") || b[start] == UInt8(ascii: "-")) && b[start + 1] == 0x20 {
            let ttyEnd = FieldText.tokenEnd(b, from: start + 2, end: end)
            guard ttyEnd < end, let colon = FieldText.lastIndex(of: UInt8(ascii: ":"), in: b, from: ttyEnd + 1, end: end) else { return nil }
            switch field {
            case .tty: return (start + 2)..<ttyEnd
            case .user: return (ttyEnd + 1)..<colon
            default: return (colon + 1)..<end
            }
        }
        return nil
    }

    // MARK: systemd-logind

    /// `New session <id> of user <user>.`, `Removed session <id>.`, `Session <id> logged out. …`.
    /// Fields `session_id`, `user`.
    static func logind(_ field: FamilyField, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard field == .sessionID || field == .user else { return nil }
        let trimmed = FieldText.trimmed(b, message)
        let start = trimmed.lowerBound
        var end = trimmed.upperBound
        var idStart: Int
        if FieldText.hasPrefix(b, "New session ", at: start, end: end) {
            idStart = start + 12
        } else if FieldText.hasPrefix(b, "Removed session ", at: start, end: end) {
            idStart = start + 16
        } else if FieldText.hasPrefix(b, "Session ", at: start, end: end) {
            idStart = start + 8
        } else {
            return nil
        }
        if end > idStart && b[end - 1] == UInt8(ascii: ".") { end -= 1 }
        var idEnd = FieldText.tokenEnd(b, from: idStart, end: end)
        if idEnd > idStart && b[idEnd - 1] == UInt8(ascii: ".") { idEnd -= 1 }
        guard idEnd > idStart else { return nil }
        if field == .sessionID { return idStart..<idEnd }
        guard FieldText.hasPrefix(b, " of user ", at: idEnd, end: end) else { return nil }
        idStart = idEnd + 9
        return idStart..<end
    }

    // MARK: account management

    /// useradd/usermod/userdel/groupadd/groupdel/gpasswd/passwd/chpasswd:
    /// `new user: name=<user>, UID=…, GID=…, home=…, shell=…, from=…`, `new group: name=<group>, GID=…`,
    /// `group added to /etc/group: name=<group>, GID=…`, `delete user '<user>'`,
    /// `add '<user>' to [shadow ]group '<group>'`, `delete '<user>' from [shadow ]group '<group>'`,
    /// `removed group '<group>' owned by '<user>'`, `change user '<user>' password`, `lock user '<user>' password`,
    /// `user <user> added by <by> to group <group>`, `password changed for <user>`.
    /// Fields `user`, `group`, `uid` (`UID`), `gid` (`GID`), `home`, `shell`, and any `key=` of the
    /// `name=…, KEY=…` list by its own name (`UID`, `GID`, `from`, …).
    static func account(_ field: FamilyField, key: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let trimmed = FieldText.trimmed(b, message)
        let start = trimmed.lowerBound
        let end = trimmed.upperBound
        guard start < end else { return nil }
        // `name=x, UID=1001, …` lists.
        if let list = listStart(b, start: start, end: end) {
            let isGroup = ByteSearch.firstIndex(of: "group", in: b, range: start..<list) != nil
            switch field {
            case .user: return isGroup ? nil : listValue(b, "name", from: list, end: end)
            case .group: return isGroup ? listValue(b, "name", from: list, end: end) : nil
            case .uid: return listValue(b, "UID", from: list, end: end)
            case .gid: return listValue(b, "GID", from: list, end: end)
            case .home: return listValue(b, "home", from: list, end: end)
            case .shell: return listValue(b, "shell", from: list, end: end)
            case .keyed: return listValue(b, key, from: list, end: end)
            default: return nil
            }
        }
        switch field {
        case .user:
            if FieldText.hasPrefix(b, "password changed for ", at: start, end: end) { return (start + 21)..<end }
            if let quoted = quoted(after: "user name '", b, start: start, end: end) { return quoted }
            if let quoted = quoted(after: "user '", b, start: start, end: end) { return quoted }
            if FieldText.hasPrefix(b, "add '", at: start, end: end) { return quoted(b, from: start + 5, end: end) }
            if FieldText.hasPrefix(b, "delete '", at: start, end: end) { return quoted(b, from: start + 8, end: end) }
            if FieldText.hasPrefix(b, "removed ", at: start, end: end) { return quoted(after: "owned by '", b, start: start, end: end) }
            if FieldText.hasPrefix(b, "user ", at: start, end: end) {
                return (start + 5)..<FieldText.tokenEnd(b, from: start + 5, end: end)
            }
            return nil
        case .group:
            if let groupQuote = ByteSearch.firstIndex(of: "group '", in: b, range: start..<end) {
                return quoted(b, from: groupQuote + 7, end: end)
            }
            if FieldText.hasPrefix(b, "user ", at: start, end: end),
               let group = ByteSearch.lastIndex(of: " group ", in: b, range: start..<end) {
                return (group + 7)..<FieldText.tokenEnd(b, from: group + 7, end: end)
            }
            return nil
        default:
            return nil
        }
    }

    /// Where a `name=` list starts (a `name=` token), if any.
    static func listStart(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Int? {
        var search = start
        while search < end, let name = ByteSearch.firstIndex(of: "name=", in: b, range: search..<end) {
            if name == start || b[name - 1] == 0x20 { return name }
            search = name + 1
        }
        return nil
    }

    static func listValue(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString, from start: Int, end: Int) -> Range<Int>? {
        listValue(b, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), from: start, end: end)
    }

    /// The value of `key` in `k=v, k=v, …` (a value runs to the next `, ` or the end).
    static func listValue(_ b: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Range<Int>? {
        var itemStart = start
        while itemStart < end {
            let itemEnd = ByteSearch.firstIndex(of: ", ", in: b, range: itemStart..<end) ?? end
            if let equals = FieldText.firstIndex(of: UInt8(ascii: "="), in: b, from: itemStart, end: itemEnd),
               FieldText.equals(b, itemStart..<equals, key) {
                return (equals + 1)..<itemEnd
            }
            itemStart = itemEnd + 2
        }
        return nil
    }

    /// The `'…'` content after the first `text` (which ends with the opening quote).
    static func quoted(after text: StaticString, _ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Range<Int>? {
        guard let found = ByteSearch.firstIndex(of: text, in: b, range: start..<end) else { return nil }
        return quoted(b, from: found + text.utf8CodeUnitCount, end: end)
    }

    /// Content from `start` to the next `'`.
    static func quoted(_ b: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Range<Int>? {
        guard let close = FieldText.firstIndex(of: UInt8(ascii: "'"), in: b, from: start, end: end) else { return nil }
        return start..<close
    }

    // MARK: cron

    /// `(<user>) CMD (<command>)` (also `CMDOUT`, `RELOAD`, … for `user`; `(CRON) …` lines have no
    /// user). Fields `user`, `command`.
    static func cron(_ field: FamilyField, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard field == .user || field == .command else { return nil }
        let trimmed = FieldText.trimmed(b, message)
        let start = trimmed.lowerBound
        let end = trimmed.upperBound
        guard end - start > 3, b[start] == UInt8(ascii: "("),
              let close = ByteSearch.firstIndex(of: ") ", in: b, range: start..<end) else { return nil }
        // `(CRON) info (No MTA installed…)`, `(CRON) STARTUP (…)`: the daemon itself, not a user.
        if FieldText.equals(b, (start + 1)..<close, "CRON") { return nil }
        if field == .user { return (start + 1)..<close }
        guard FieldText.hasPrefix(b, ") CMD (", at: close, end: end), b[end - 1] == UInt8(ascii: ")") else { return nil }
        return (close + 7)..<(end - 1)
    }

    // MARK: kernel firewall

    /// netfilter LOG lines (UFW, iptables `--log-prefix`):
    /// `[ 123.456] [UFW BLOCK] IN=eth0 OUT= MAC=… SRC=… DST=… LEN=… PROTO=TCP SPT=… DPT=… …`.
    /// Fields: every upper-case `KEY=value` from `IN=` on, by its key (first wins: the IP `LEN`
    /// before the UDP one); `src_ip` = `SRC`, `dst_ip` = `DST`, `src_port` = `SPT`, `dst_port` = `DPT`;
    /// `action` = the log prefix (inside `[…]` for UFW, else the text before `IN=` without its `:`).
    static func firewall(_ field: FamilyField, key: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let trimmed = FieldText.trimmed(b, message)
        var start = trimmed.lowerBound
        let end = trimmed.upperBound
        guard let kv = firewallStart(b, start: start, end: end) else { return nil }
        switch field {
        case .srcIP: return kernelKey(b, "SRC", from: kv, end: end)
        case .dstIP: return kernelKey(b, "DST", from: kv, end: end)
        case .srcPort: return kernelKey(b, "SPT", from: kv, end: end)
        case .dstPort: return kernelKey(b, "DPT", from: kv, end: end)
        case .keyed: return kernelKey(b, key, from: kv, end: end)
        case .action:
            // Skip the monotonic stamp `[ 1234.567890] `.
            if start < kv && b[start] == UInt8(ascii: "["), let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: b, from: start, end: kv),
               close > start + 1, ByteSearch.isDigit(b[close - 1]) {
                start = close + 1
            }
            let prefix = FieldText.trimmed(b, start..<kv)
            guard !prefix.isEmpty else { return nil }
            if b[prefix.lowerBound] == UInt8(ascii: "["), b[prefix.upperBound - 1] == UInt8(ascii: "]") {
                return (prefix.lowerBound + 1)..<(prefix.upperBound - 1)
            }
            var upper = prefix.upperBound
            while upper > prefix.lowerBound && (b[upper - 1] == UInt8(ascii: ":") || ByteSearch.isSpace(b[upper - 1])) { upper -= 1 }
            return upper > prefix.lowerBound ? prefix.lowerBound..<upper : nil
        default:
            return nil
        }
    }

    /// The `IN=` token that starts a netfilter key list (followed by ` OUT=` somewhere).
    static func firewallStart(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Int? {
        var search = start
        while search < end, let found = ByteSearch.firstIndex(of: "IN=", in: b, range: search..<end) {
            if (found == start || b[found - 1] == 0x20) && ByteSearch.firstIndex(of: " OUT=", in: b, range: found..<end) != nil {
                return found
            }
            search = found + 1
        }
        return nil
    }

    static func kernelKey(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString, from start: Int, end: Int) -> Range<Int>? {
        kernelKey(b, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), from: start, end: end)
    }

    /// The first `KEY=value` token named `key` (upper-case keys only).
    static func kernelKey(_ b: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Range<Int>? {
        guard let first = key.first, FieldText.isUpper(first) else { return nil }
        return PamFields.simpleKey(b, key, in: start..<end)
    }
}
