/// Dropbear SSH server messages (`dropbear[pid]: …`; some builds repeat `[pid] Mmm dd hh:mm:ss ` inside).
///
/// Forms: `Bad password attempt for '<user>' from <addr>:<port>`, `Password auth succeeded for '<user>' from …`,
/// `Pubkey auth succeeded for '<user>' with key … from …`, `Login attempt for nonexistent user from …`,
/// `Exit before auth from <<addr>:<port>>: (user '<user>', 10 fails): …`,
/// `Exit before auth (user '<user>', 10 fails): Max auth tries reached - user '<user>' from <addr>:<port>`,
/// `Child connection from <addr>:<port>`, `Exit (<user>) from <<addr>:<port>>: …`.
/// Fields `user`, `src_ip` (IP literal; `::ffff:a.b.c.d` gives `a.b.c.d`), `src_host`, `src_port`.
///
/// The user name is attacker text between quotes: the address is the last ` from `'s, and the
/// user runs from the first `for '` / `user '` to the last quote before that ` from `.
enum DropbearFields {
    static func value(_ field: FamilyField, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard field == .user || field == .srcIP || field == .srcHost || field == .srcPort else { return nil }
        let trimmed = FieldText.trimmed(b, message)
        var start = trimmed.lowerBound
        let end = trimmed.upperBound
        // `[825] Jul 10 23:53:52 ` repeated inside the message.
        if start < end && b[start] == UInt8(ascii: "["),
           let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: b, from: start, end: end),
           FieldText.digitsEnd(b, from: start + 1, end: close) == close, close + 17 <= end,
           b[close + 1] == 0x20, b[close + 5] == 0x20, b[close + 11] == UInt8(ascii: ":"), b[close + 17] == 0x20 {
            start = close + 18
        }
        let from = ByteSearch.lastIndex(of: " from ", in: b, range: start..<end)
        switch field {
        case .user:
            if FieldText.hasPrefix(b, "Exit (", at: start, end: end),
               let close = FieldText.firstIndex(of: UInt8(ascii: ")"), in: b, from: start + 6, end: end) {
                return (start + 6)..<close
            }
            // The user before the address (`for 'root' from …`), else after it (`from <…>: (user 'root', …`).
            var limit = from ?? end
            var key = ByteSearch.firstIndex(of: "for '", in: b, range: start..<limit) ?? ByteSearch.firstIndex(of: "user '", in: b, range: start..<limit)
            if key == nil, let from {
                key = ByteSearch.firstIndex(of: "user '", in: b, range: from..<end)
                limit = end
            }
            guard let key else { return nil }
            let userStart = key + (b[key] == UInt8(ascii: "f") ? 5 : 6)
            // `(user 'root', 10 fails)`: the quote before `, `; otherwise the last quote before ` from `.
            if let comma = ByteSearch.firstIndex(of: "', ", in: b, range: userStart..<limit) { return userStart..<comma }
            guard let quote = FieldText.lastIndex(of: UInt8(ascii: "'"), in: b, from: userStart, end: limit) else { return nil }
            return userStart..<quote
        default:
            guard let from else { return nil }
            var addressStart = from + 6
            var addressEnd = FieldText.tokenEnd(b, from: addressStart, end: end)
            if addressEnd > addressStart && b[addressStart] == UInt8(ascii: "<") {
                guard let close = FieldText.firstIndex(of: UInt8(ascii: ">"), in: b, from: addressStart, end: end) else { return nil }
                addressStart += 1
                addressEnd = close
            }
            while addressEnd > addressStart && b[addressEnd - 1] == UInt8(ascii: ":") { addressEnd -= 1 }
            // `host:port` (an IPv6 address keeps its own colons: the port is after the last one).
            var port: Range<Int>? = nil
            if let colon = FieldText.lastIndex(of: UInt8(ascii: ":"), in: b, from: addressStart, end: addressEnd),
               colon + 1 < addressEnd, FieldText.digitsEnd(b, from: colon + 1, end: addressEnd) == addressEnd,
               AddressText.ipRange(b, addressStart..<addressEnd) == nil || AddressText.ipRange(b, addressStart..<colon) != nil {
                port = (colon + 1)..<addressEnd
                addressEnd = colon
            }
            guard addressEnd > addressStart else { return nil }
            switch field {
            case .srcHost: return addressStart..<addressEnd
            case .srcIP: return AddressText.ipRange(b, addressStart..<addressEnd)
            default: return port
            }
        }
    }
}
