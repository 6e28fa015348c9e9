/// sudo's log line: `<invoker> : [<reason> ; ]TTY=… ; PWD=… ; USER=… ; [GROUP=… ; ][TSID=… ; ][ENV=… ; ]COMMAND=…`.
///
/// Fields: `SUDO_USER` (the invoking user before ` : `, trimmed; also `user`), every `KEY=value`
/// segment by its key (`TTY`, `PWD`, `USER`, `GROUP`, `TSID`, `ENV`, `CHROOT`, `CWD`, `COMMAND`, …),
/// and the aliases `tty` = `TTY`, `cwd` = `PWD`, `target_user` = `USER`, `group` = `GROUP`,
/// `command` = `COMMAND`. Free-text segments (`3 incorrect password attempts`, `user NOT in
/// sudoers`) are not fields.
///
/// Segments are split at ` ; ` followed by an upper-case `KEY=`, so a value may hold ` ; ` or
/// spaces. `COMMAND` is last and runs to the end of the message (its arguments are attacker text
/// and may contain ` ; USER=root`); the first occurrence of any other key wins.
enum SudoFields {
    static func value(_ field: FamilyField, key: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        let end = FieldText.trimmed(b, message).upperBound
        guard let separator = ByteSearch.firstIndex(of: " : ", in: b, range: message.lowerBound..<end) else { return nil }
        let invoker = FieldText.trimmed(b, message.lowerBound..<separator)
        // The invoker is one word: this is not, e.g., a PAM line with " : " in its text.
        guard !invoker.isEmpty, FieldText.tokenEnd(b, from: invoker.lowerBound, end: invoker.upperBound) == invoker.upperBound else { return nil }
        let body = (separator + 3)..<end
        switch field {
        case .sudoUser, .user: return invoker
        case .tty: return segment(b, "TTY", in: body)
        case .cwd: return segment(b, "PWD", in: body)
        case .targetUser: return segment(b, "USER", in: body)
        case .group: return segment(b, "GROUP", in: body)
        case .command: return segment(b, "COMMAND", in: body)
        case .keyed: return segment(b, key, in: body)
        default: return nil
        }
    }

    static func segment(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString, in body: Range<Int>) -> Range<Int>? {
        segment(b, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), in: body)
    }

    /// The value of the first `KEY=` segment named `key`.
    static func segment(_ b: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, in body: Range<Int>) -> Range<Int>? {
        guard !key.isEmpty else { return nil }
        var segmentStart = body.lowerBound
        while segmentStart < body.upperBound {
            let equals = keyEnd(b, at: segmentStart, end: body.upperBound)
            let isCommand = equals.map { FieldText.equals(b, segmentStart..<$0, "COMMAND") } ?? false
            let segmentEnd = isCommand ? body.upperBound : nextSegment(b, from: equals ?? segmentStart, end: body.upperBound)
            if let equals, FieldText.equals(b, segmentStart..<equals, key) {
                return (equals + 1)..<segmentEnd
            }
            if isCommand { return nil }
            segmentStart = min(segmentEnd + 3, body.upperBound)
        }
        return nil
    }

    /// The `=` ending an upper-case key at `start` (`TTY=`), or nil for a free-text segment.
    static func keyEnd(_ b: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Int? {
        var index = start
        while index < end && (FieldText.isUpper(b[index]) || b[index] == UInt8(ascii: "_") || (index > start && ByteSearch.isDigit(b[index]))) {
            index += 1
        }
        return index > start && index < end && b[index] == UInt8(ascii: "=") ? index : nil
    }

    /// The next ` ; ` that is followed by a `KEY=`, from `start` (the end when there is none).
    static func nextSegment(_ b: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
        var search = start
        while search < end, let separator = ByteSearch.firstIndex(of: " ; ", in: b, range: search..<end) {
            if keyEnd(b, at: separator + 3, end: end) != nil { return separator }
            search = separator + 1
        }
        return end
    }
}
