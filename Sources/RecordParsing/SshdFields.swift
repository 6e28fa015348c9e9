/// sshd / sshd-session / sshd-auth messages: who tried what from where.
///
/// Fields: `auth_method`, `user`, `src_ip` (an IP literal only; `::ffff:a.b.c.d` gives `a.b.c.d`),
/// `src_port`, `src_host` (the address as written: an IP or, with `UseDNS`, a host name),
/// `key_type`, `key_fingerprint`. `event` is not a field (a message phrase, not a substring).
///
/// Prefixes `error: `, `fatal: `, `PAM: `, Solaris' `[ID n facility.level] `, a journal
/// `kernel:[…]` and the suffix ` [preauth]` are ignored. Forms read:
/// * `Accepted|Failed|Postponed|Partial <method> for [invalid user ]<user> from <addr>[ port <n>][ on <addr>[ port <n>]][ sshN][: <info>]`,
///   `maximum authentication attempts exceeded for …`, `[aA]uthentication (failure|error|failed) for … [via <addr>]`,
///   `User not known to the underlying authentication module for …` (the "for" grammar);
/// * `Invalid user <user> from <addr>[ port <n>]` (also `Illegal user`);
/// * `Connection closed by|Connection reset by|Disconnected from|Disconnecting [authenticating |invalid ]user <user> <ip> port <n>[: …]`,
///   and the same verbs with just `<addr>[ port <n>]`;
/// * `Received disconnect from <addr>[ port <n>]:…`, `Connection from <addr> port <n> …` (also after
///   `banner exchange: ` / `ssh_dispatch_run_fatal: `), `Did not receive identification string from …`,
///   `Bad protocol version identification '…' from …`, `Timeout before authentication for …`,
///   `Unable to negotiate with …`, `ROOT LOGIN REFUSED FROM …`, `User <user> from <addr> not allowed because …`,
///   `refused connect from <name> (<addr>)`, `Close session: user <user> from …`,
///   `Starting session: … for <user> from …`, `subsystem request for … by user <user>`,
///   `input_userauth_request: invalid user <user>`, `Disconnecting: Too many authentication failures for <user>`,
///   `SSH: Server;…;Remote: <addr>-<port>;…`, `Address <addr> maps to …`.
///
/// Log injection (fail2ban gh-2185): a user name is attacker text and may contain
/// ` from 10.0.0.1 port 1 ssh2`. Addresses are therefore anchored from the right: of the
/// candidates ` from <addr>[ port n][ sshN]`, one that ends the message wins — the last one — unless
/// a candidate is followed by `: ` (sshd's separator before the key info), in which case the
/// first such candidate wins, as the info part can also carry attacker text (hostbased client
/// user). The `<user> <ip> port <n>` forms take the last `<ip> port <n>` that ends the message (or
/// the first followed by `:`), so the user keeps any injected address.
enum SshdFields {
    static func value(_ field: FamilyField, in buffer: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        switch field {
        case .user, .srcIP, .srcPort, .srcHost, .authMethod, .keyType, .keyFingerprint:
            break
        default:
            return nil
        }
        guard let facts = parse(buffer, message: message) else { return nil }
        switch field {
        case .user: return facts.user
        case .authMethod: return facts.method
        case .srcHost: return facts.address
        case .srcIP: return facts.address.flatMap { AddressText.ipRange(buffer, $0) }
        case .srcPort: return facts.port
        case .keyType: return facts.keyType
        case .keyFingerprint: return facts.fingerprint
        default: return nil
        }
    }

    struct Facts {
        var method: Range<Int>?
        var user: Range<Int>?
        var address: Range<Int>?
        var port: Range<Int>?
        var keyType: Range<Int>?
        var fingerprint: Range<Int>?
    }

    /// What the message says, or nil for a message of no known form (or a PAM line).
    static func parse(_ b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Facts? {
        var start = message.lowerBound
        var end = FieldText.trimmed(b, message).upperBound
        if FieldText.hasSuffix(b, " [preauth]", start: start, end: end) {
            end = FieldText.trimmed(b, start..<(end - 10)).upperBound
        }
        start = skipPrefixes(b, start: start, end: end)
        guard start < end else { return nil }
        let facts = Facts()
        /// The end of `text` when the message continues with it.
        func after(_ text: StaticString) -> Int? {
            FieldText.hasPrefix(b, text, at: start, end: end) ? start + text.utf8CodeUnitCount : nil
        }
        switch b[start] {
        case UInt8(ascii: "A"):
            if let next = after("Accepted ") { return authentication(b, verbEnd: next, end: end) }
            if let next = after("Authentication failure for ") ?? after("Authentication error for ") ?? after("Authentication failed for ") {
                return forGrammar(b, userStart: next, end: end, facts: facts)
            }
            if let next = after("Address ") { return simpleAddress(b, at: next, end: end) }
        case UInt8(ascii: "a"):
            if let next = after("authentication failure for ") ?? after("authentication error for ") ?? after("authentication failed for ") {
                return forGrammar(b, userStart: next, end: end, facts: facts)
            }
        case UInt8(ascii: "F"):
            if let next = after("Failed ") { return authentication(b, verbEnd: next, end: end) }
        case UInt8(ascii: "P"):
            if let next = after("Postponed ") ?? after("Partial ") { return authentication(b, verbEnd: next, end: end) }
        case UInt8(ascii: "m"):
            if let next = after("maximum authentication attempts exceeded for ") {
                return forGrammar(b, userStart: next, end: end, facts: facts)
            }
        case UInt8(ascii: "I"):
            if let next = after("Invalid user ") ?? after("Illegal user ") {
                return locate(b, userStart: next, end: end, preferColon: false, facts: facts).facts
            }
        case UInt8(ascii: "i"):
            if let next = after("input_userauth_request: invalid user ") {
                var facts = facts
                facts.user = next..<end
                return facts
            }
        case UInt8(ascii: "U"):
            if let next = after("User not known to the underlying authentication module for ") {
                return forGrammar(b, userStart: next, end: end, facts: facts)
            }
            if let next = after("Unable to negotiate with ") { return simpleAddress(b, at: next, end: end) }
            if let next = after("User ") { return notAllowed(b, start: next, end: end) }
        case UInt8(ascii: "C"):
            if let next = after("Connection closed by ") ?? after("Connection reset by ") { return closedBy(b, start: next, end: end) }
            if let next = after("Connection from ") { return simpleAddress(b, at: next, end: end) }
            if let next = after("Close session: user ") {
                return locate(b, userStart: next, end: end, preferColon: false, facts: facts).facts
            }
        case UInt8(ascii: "D"):
            if let next = after("Disconnected from ") { return closedBy(b, start: next, end: end) }
            if let next = after("Disconnecting: Too many authentication failures for ") {
                var facts = facts
                facts.user = next..<end
                return facts
            }
            if let next = after("Disconnecting ") { return closedBy(b, start: next, end: end) }
            if let next = after("Did not receive identification string from ") { return simpleAddress(b, at: next, end: end) }
        case UInt8(ascii: "R"):
            if let next = after("Received disconnect from ") ?? after("ROOT LOGIN REFUSED FROM ") {
                return simpleAddress(b, at: next, end: end)
            }
        case UInt8(ascii: "B"):
            if let next = after("Bad protocol version identification ") {
                var located = locate(b, userStart: next, end: end, preferColon: false, facts: facts)
                located.facts.user = nil
                return located.facts
            }
        case UInt8(ascii: "T"):
            if let next = after("Timeout before authentication for connection from ") ?? after("Timeout before authentication for ") {
                return simpleAddress(b, at: next, end: end)
            }
        case UInt8(ascii: "r"):
            if let next = after("refused connect from ") {
                // `refused connect from <name> (<addr>)`: the parenthesised address at the end.
                var facts = facts
                if end - next > 2, b[end - 1] == UInt8(ascii: ")"),
                   let open = FieldText.lastIndex(of: UInt8(ascii: "("), in: b, from: next, end: end) {
                    facts.address = (open + 1)..<(end - 1)
                }
                return facts
            }
        case UInt8(ascii: "S"):
            if let next = after("Starting session: ") {
                guard let forIndex = ByteSearch.firstIndex(of: " for ", in: b, range: next..<end) else { return facts }
                return locate(b, userStart: forIndex + 5, end: end, preferColon: false, facts: facts).facts
            }
            if after("SSH: Server;") != nil, let remote = ByteSearch.firstIndex(of: ";Remote: ", in: b, range: start..<end) {
                var facts = facts
                let valueStart = remote + 9
                let valueEnd = FieldText.firstIndex(of: UInt8(ascii: ";"), in: b, from: valueStart, end: end) ?? end
                if let dash = FieldText.lastIndex(of: UInt8(ascii: "-"), in: b, from: valueStart, end: valueEnd) {
                    facts.address = valueStart..<dash
                    facts.port = (dash + 1)..<valueEnd
                } else {
                    facts.address = valueStart..<valueEnd
                }
                return facts
            }
        case UInt8(ascii: "s"):
            if after("subsystem request for ") != nil, let by = ByteSearch.lastIndex(of: " by user ", in: b, range: start..<end) {
                var facts = facts
                facts.user = (by + 9)..<end
                return facts
            }
        default:
            break
        }
        return nil
    }

    /// Skips `error: `, `fatal: `, `PAM: `, `[ID 800047 auth.info] `, `banner exchange: `,
    /// `ssh_dispatch_run_fatal: ` and a journal `kernel:[ 1.2]: ` / `kernel: [ 1.2] `.
    static func skipPrefixes(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Int {
        var start = start
        for _ in 0..<4 {
            if FieldText.hasPrefix(b, "error: ", at: start, end: end) || FieldText.hasPrefix(b, "fatal: ", at: start, end: end) {
                start += 7
            } else if FieldText.hasPrefix(b, "PAM: ", at: start, end: end) {
                start += 5
            } else if FieldText.hasPrefix(b, "[ID ", at: start, end: end),
                      let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: b, from: start, end: end), close + 1 < end {
                start = close + 1
                if b[start] == 0x20 { start += 1 }
            } else if FieldText.hasPrefix(b, "banner exchange: ", at: start, end: end) {
                start += 17
            } else if FieldText.hasPrefix(b, "ssh_dispatch_run_fatal: ", at: start, end: end) {
                start += 24
            } else if FieldText.hasPrefix(b, "kernel:", at: start, end: end) {
                start += 7
                if start < end && b[start] == 0x20 { start += 1 }
                if start < end && b[start] == UInt8(ascii: "["),
                   let close = FieldText.firstIndex(of: UInt8(ascii: "]"), in: b, from: start, end: end) {
                    start = close + 1
                }
                if start < end && b[start] == UInt8(ascii: ":") { start += 1 }
                if start < end && b[start] == 0x20 { start += 1 }
            } else {
                break
            }
        }
        return start
    }

    /// `<verb> <method> for …`: the method, then the "for" grammar, then the key info.
    static func authentication(_ b: UnsafeBufferPointer<UInt8>, verbEnd: Int, end: Int) -> Facts? {
        let methodEnd = FieldText.tokenEnd(b, from: verbEnd, end: end)
        guard methodEnd > verbEnd, FieldText.hasPrefix(b, " for ", at: methodEnd, end: end) else { return nil }
        var facts = Facts()
        facts.method = verbEnd..<methodEnd
        return forGrammar(b, userStart: methodEnd + 5, end: end, facts: facts)
    }

    /// `[invalid user |illegal user ]<user> from <addr>…[: <info>]`, the first ": "-terminated
    /// candidate or else the last one that ends the message; the key info after ": ".
    static func forGrammar(_ b: UnsafeBufferPointer<UInt8>, userStart: Int, end: Int, facts: Facts) -> Facts? {
        var userStart = userStart
        if FieldText.hasPrefix(b, "invalid user ", at: userStart, end: end) || FieldText.hasPrefix(b, "illegal user ", at: userStart, end: end) {
            userStart += 13
        }
        var located = locate(b, userStart: userStart, end: end, preferColon: true, facts: facts)
        if let info = located.infoStart { readKeyInfo(b, start: info, end: end, into: &located) }
        return located.facts
    }

    struct Located {
        var facts: Facts
        var infoStart: Int?
    }

    /// Candidates ` from <addr>[ port n][ on …][ sshN]` after `userStart`: with `preferColon`, the
    /// first followed by `:` wins; otherwise (or when there is none) the last that ends the message.
    /// The user is the text from `userStart` to the chosen candidate.
    static func locate(_ b: UnsafeBufferPointer<UInt8>, userStart: Int, end: Int, preferColon: Bool, facts: Facts) -> Located {
        var facts = facts
        guard userStart <= end else { return Located(facts: facts, infoStart: nil) }
        var chosenFrom = -1
        var chosenTail: AddressTail? = nil
        var search = userStart
        while search < end, let from = ByteSearch.firstIndex(of: " from ", in: b, range: search..<end) {
            if let tail = addressTail(b, at: from + 6, end: end) {
                if tail.info != nil {
                    if preferColon {
                        chosenFrom = from
                        chosenTail = tail
                        break
                    }
                } else {
                    chosenFrom = from
                    chosenTail = tail
                }
            }
            search = from + 1
        }
        guard let tail = chosenTail else {
            // No address: the user alone (`Invalid user x`), as far as the message goes.
            facts.user = userStart..<end
            return Located(facts: facts, infoStart: nil)
        }
        facts.user = userStart..<chosenFrom
        facts.address = tail.address
        facts.port = tail.port
        return Located(facts: facts, infoStart: tail.info)
    }

    struct AddressTail {
        var address: Range<Int>
        var port: Range<Int>?
        /// Where the text after `: ` (or `:`) starts; nil when the tail ends the message.
        var info: Int?
    }

    /// `<addr>[ port n][ on <addr>[ port n]][ rdomain "…"][ sshN]` then the end of the message,
    /// `: …` / `:…`, ` via <addr>` or ` id <n>`; nil for anything else.
    static func addressTail(_ b: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> AddressTail? {
        var addressEnd = FieldText.tokenEnd(b, from: start, end: end)
        guard addressEnd > start else { return nil }
        var position = addressEnd
        var info: Int? = nil
        var port: Range<Int>? = nil
        if b[addressEnd - 1] == UInt8(ascii: ":") && addressEnd - 1 > start && stripsColon(b, start..<addressEnd) {
            addressEnd -= 1
            info = position < end && b[position] == 0x20 ? position + 1 : position
            return AddressTail(address: start..<addressEnd, port: nil, info: info)
        }
        if FieldText.hasPrefix(b, " port ", at: position, end: end) {
            let digitsEnd = FieldText.digitsEnd(b, from: position + 6, end: end)
            guard digitsEnd > position + 6 else { return nil }
            port = (position + 6)..<digitsEnd
            position = digitsEnd
        }
        if FieldText.hasPrefix(b, " on ", at: position, end: end) {
            position = FieldText.tokenEnd(b, from: position + 4, end: end)
            if FieldText.hasPrefix(b, " port ", at: position, end: end) {
                position = FieldText.digitsEnd(b, from: position + 6, end: end)
            }
        }
        if FieldText.hasPrefix(b, " rdomain ", at: position, end: end) {
            position = FieldText.tokenEnd(b, from: position + 9, end: end)
        }
        if FieldText.hasPrefix(b, " ssh", at: position, end: end) {
            position = FieldText.digitsEnd(b, from: position + 4, end: end)
        }
        let tail = AddressTail(address: start..<addressEnd, port: port, info: nil)
        if position == end { return tail }
        if b[position] == UInt8(ascii: ":") {
            var infoStart = position + 1
            if infoStart < end && b[infoStart] == 0x20 { infoStart += 1 }
            return AddressTail(address: start..<addressEnd, port: port, info: infoStart)
        }
        if FieldText.hasPrefix(b, " via ", at: position, end: end)
            && FieldText.tokenEnd(b, from: position + 5, end: end) == end { return tail }
        if FieldText.hasPrefix(b, " id ", at: position, end: end)
            && FieldText.digitsEnd(b, from: position + 4, end: end) == end { return tail }
        return nil
    }

    /// True when a token ending in `:` is an address followed by a separator (`1.2.3.4:`,
    /// `2001:db8::1:`), not an address that ends in `:` itself (`2001:db8::`).
    static func stripsColon(_ b: UnsafeBufferPointer<UInt8>, _ token: Range<Int>) -> Bool {
        if AddressText.ipRange(b, token) != nil { return false }
        return true
    }

    /// `<addr>[ port n]`, the rest ignored (`Connection from`, `Received disconnect from`, …).
    static func simpleAddress(_ b: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Facts {
        var facts = Facts()
        var addressEnd = FieldText.tokenEnd(b, from: start, end: end)
        guard addressEnd > start else { return facts }
        while addressEnd > start + 1 && (b[addressEnd - 1] == UInt8(ascii: ",") || b[addressEnd - 1] == UInt8(ascii: ":"))
                && stripsColon(b, start..<addressEnd) {
            addressEnd -= 1
        }
        facts.address = start..<addressEnd
        let after = FieldText.tokenEnd(b, from: start, end: end)
        if FieldText.hasPrefix(b, " port ", at: after, end: end) {
            let digitsEnd = FieldText.digitsEnd(b, from: after + 6, end: end)
            if digitsEnd > after + 6 { facts.port = (after + 6)..<digitsEnd }
        }
        return facts
    }

    /// After `Connection closed by ` and kin: `[authenticating |invalid ]user <user> <ip> port <n>…`
    /// or `<addr>[ port n]`.
    static func closedBy(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Facts? {
        var userStart = start
        if FieldText.hasPrefix(b, "authenticating user ", at: start, end: end) {
            userStart += 20
        } else if FieldText.hasPrefix(b, "invalid user ", at: start, end: end) {
            userStart += 13
        } else if FieldText.hasPrefix(b, "user ", at: start, end: end) {
            userStart += 5
        } else {
            return simpleAddress(b, at: start, end: end)
        }
        var facts = Facts()
        // Candidates: a space, an IP literal, " port n", then the end or ':'.
        var chosen: (space: Int, address: Range<Int>, port: Range<Int>)? = nil
        var index = userStart
        while index < end {
            if b[index] == 0x20 {
                let addressStart = index + 1
                let addressEnd = FieldText.tokenEnd(b, from: addressStart, end: end)
                if addressEnd > addressStart, AddressText.ipRange(b, addressStart..<addressEnd) != nil,
                   FieldText.hasPrefix(b, " port ", at: addressEnd, end: end) {
                    let digitsEnd = FieldText.digitsEnd(b, from: addressEnd + 6, end: end)
                    if digitsEnd > addressEnd + 6 {
                        if digitsEnd == end {
                            chosen = (space: index, address: addressStart..<addressEnd, port: (addressEnd + 6)..<digitsEnd)
                        } else if b[digitsEnd] == UInt8(ascii: ":") {
                            chosen = (space: index, address: addressStart..<addressEnd, port: (addressEnd + 6)..<digitsEnd)
                            break
                        }
                    }
                }
            }
            index += 1
        }
        guard let chosen else {
            facts.user = userStart..<end
            return facts
        }
        facts.user = userStart..<chosen.space
        facts.address = chosen.address
        facts.port = chosen.port
        return facts
    }

    /// `User <user> from <addr> not allowed because …` or `User <user> not allowed because …`.
    static func notAllowed(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Facts? {
        guard let because = ByteSearch.firstIndex(of: " not allowed because ", in: b, range: start..<end) else { return nil }
        var facts = Facts()
        if let from = ByteSearch.lastIndex(of: " from ", in: b, range: start..<because) {
            facts.user = start..<from
            facts.address = (from + 6)..<because
        } else {
            facts.user = start..<because
        }
        return facts
    }

    /// `<KEYTYPE> <fingerprint>…` after `: ` (`RSA SHA256:…`, `ED25519-CERT SHA256:… ID …`,
    /// `DSA 36:48:…, client user …`).
    static func readKeyInfo(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int, into located: inout Located) {
        let typeEnd = FieldText.tokenEnd(b, from: start, end: end)
        guard typeEnd > start, typeEnd < end else { return }
        for index in start..<typeEnd {
            let byte = b[index]
            guard FieldText.isUpper(byte) || ByteSearch.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
                    || FieldText.isLower(byte) || byte == UInt8(ascii: "_") else { return }
        }
        guard FieldText.isUpper(b[start]) || FieldText.hasPrefix(b, "ssh-", at: start, end: typeEnd)
                || FieldText.hasPrefix(b, "ecdsa-", at: start, end: typeEnd) else { return }
        let fingerprintStart = typeEnd + 1
        var fingerprintEnd = fingerprintStart
        while fingerprintEnd < end && b[fingerprintEnd] != 0x20 && b[fingerprintEnd] != UInt8(ascii: ",") { fingerprintEnd += 1 }
        guard fingerprintEnd > fingerprintStart,
              FieldText.firstIndex(of: UInt8(ascii: ":"), in: b, from: fingerprintStart, end: fingerprintEnd) != nil else { return }
        located.facts.keyType = start..<typeEnd
        located.facts.fingerprint = fingerprintStart..<fingerprintEnd
    }
}
