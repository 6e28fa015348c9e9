/// sftp-server / internal-sftp requests (logged at `-l INFO`/`VERBOSE`; OpenSSH `sftp-server.c`).
///
/// Forms: `open "<path>" flags <FLAGS> mode <mode>`, `close "<path>" bytes read <n> written <m>`,
/// `remove name "<path>"`, `mkdir name "<path>" mode <mode>`, `rmdir name "<path>"`,
/// `opendir "<path>"`, `closedir "<path>"`, `set "<path>" …`, `rename old "<a>" new "<b>"` (also
/// `posix-rename`, `symlink`, `hardlink`), `session opened|closed for local user <user> from [<ip>]`.
/// Fields: `file_path`, `new_path`, `flags`, `mode`, `bytes_read`, `bytes_written`, `user`, `src_ip`.
///
/// Paths are written unescaped between quotes, so a path may itself hold `"`: a path runs from the
/// first quote to the last quote before the fixed tail (` flags `, ` bytes read `, ` mode `, or the
/// message's last quote); the first path of a rename ends at the first `" new "`.
enum SftpFields {
    static func value(_ field: FamilyField, in b: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        switch field {
        case .filePath, .newPath, .flags, .mode, .bytesRead, .bytesWritten, .user, .srcIP:
            break
        default:
            return nil
        }
        let trimmed = FieldText.trimmed(b, message)
        let start = trimmed.lowerBound
        let end = trimmed.upperBound
        let verbEnd = FieldText.tokenEnd(b, from: start, end: end)
        guard verbEnd < end, isVerb(b, start..<verbEnd) else { return nil }
        if FieldText.equals(b, start..<verbEnd, "session") {
            guard field == .user || field == .srcIP else { return nil }
            guard let userKey = ByteSearch.firstIndex(of: " for local user ", in: b, range: verbEnd..<end) else { return nil }
            let userStart = userKey + 16
            guard let from = ByteSearch.lastIndex(of: " from [", in: b, range: userStart..<end) else {
                return field == .user ? userStart..<end : nil
            }
            if field == .user { return userStart..<from }
            guard let close = FieldText.lastIndex(of: UInt8(ascii: "]"), in: b, from: from, end: end) else { return nil }
            return AddressText.ipRange(b, (from + 7)..<close)
        }
        guard let firstQuote = FieldText.firstIndex(of: UInt8(ascii: "\""), in: b, from: verbEnd, end: end),
              let lastQuote = FieldText.lastIndex(of: UInt8(ascii: "\""), in: b, from: firstQuote + 1, end: end) else { return nil }
        let pathStart = firstQuote + 1
        switch field {
        case .filePath:
            if let new = ByteSearch.firstIndex(of: "\" new \"", in: b, range: pathStart..<end) { return pathStart..<new }
            if let flags = ByteSearch.lastIndex(of: "\" flags ", in: b, range: pathStart..<end) { return pathStart..<flags }
            if let bytes = ByteSearch.lastIndex(of: "\" bytes read ", in: b, range: pathStart..<end) { return pathStart..<bytes }
            if let mode = ByteSearch.lastIndex(of: "\" mode ", in: b, range: pathStart..<end) { return pathStart..<mode }
            return pathStart..<lastQuote
        case .newPath:
            guard let new = ByteSearch.firstIndex(of: "\" new \"", in: b, range: pathStart..<end), new + 7 <= lastQuote else { return nil }
            return (new + 7)..<lastQuote
        case .flags:
            guard let flags = ByteSearch.lastIndex(of: "\" flags ", in: b, range: pathStart..<end) else { return nil }
            return (flags + 8)..<FieldText.tokenEnd(b, from: flags + 8, end: end)
        case .mode:
            guard let mode = ByteSearch.lastIndex(of: " mode ", in: b, range: pathStart..<end), mode >= lastQuote else { return nil }
            return (mode + 6)..<FieldText.tokenEnd(b, from: mode + 6, end: end)
        case .bytesRead, .bytesWritten:
            guard let bytes = ByteSearch.lastIndex(of: "\" bytes read ", in: b, range: pathStart..<end) else { return nil }
            let readStart = bytes + 13
            let readEnd = FieldText.digitsEnd(b, from: readStart, end: end)
            if field == .bytesRead { return readEnd > readStart ? readStart..<readEnd : nil }
            guard FieldText.hasPrefix(b, " written ", at: readEnd, end: end) else { return nil }
            let writtenEnd = FieldText.digitsEnd(b, from: readEnd + 9, end: end)
            return writtenEnd > readEnd + 9 ? (readEnd + 9)..<writtenEnd : nil
        default:
            return nil
        }
    }

    /// The request words sftp-server logs.
    static func isVerb(_ b: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Bool {
        switch word.count {
        case 3: return FieldText.equals(b, word, "set")
        case 4: return FieldText.equals(b, word, "open")
        case 5: return FieldText.equals(b, word, "close") || FieldText.equals(b, word, "mkdir") || FieldText.equals(b, word, "rmdir")
        case 6: return FieldText.equals(b, word, "remove") || FieldText.equals(b, word, "rename")
        case 7: return FieldText.equals(b, word, "opendir") || FieldText.equals(b, word, "symlink") || FieldText.equals(b, word, "session")
        case 8: return FieldText.equals(b, word, "closedir") || FieldText.equals(b, word, "hardlink")
        case 12: return FieldText.equals(b, word, "posix-rename")
        default: return false
        }
    }
}
