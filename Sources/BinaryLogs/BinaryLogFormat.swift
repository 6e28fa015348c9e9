import EvidenceInput

/// The binary log layouts Spoor reads, and how a file is recognised as one — by content, never by name.
///
/// Heuristics (each strict enough that text, which has no NUL byte, and gzip data never qualify):
/// - **journal**: the file starts with the journal magic `LPKSHHRH`.
/// - **journalExport** (`journalctl -o export`): the file starts with `__CURSOR=` (journalctl's export
///   always does) or `__REALTIME_TIMESTAMP=`, and its first line — ended by `\n` within the first
///   4 KiB — is `KEY=value` with a key of upper-case letters, digits and `_` and a value without
///   control bytes (a `__REALTIME_TIMESTAMP` value is decimal digits). No syslog line, JSON line or
///   other text log starts so.
/// - **utmp** (`wtmp`, `btmp`, `utmp`): the size is a non-zero multiple of 384, and every record of a
///   sample — the first 64 and the last 64 — is plausible (``LoginRecordLayout/isPlausibleUtmp(_:at:)``:
///   type 0…9, whose high byte is NUL; time 0 or from 1980 on; NUL-padded strings), and at least one
///   of them is not `EMPTY`.
/// - **lastlog**: the size is a non-zero multiple of 292, and the first 64 records that are not all
///   zeros (looked for in the first 4 MiB) are plausible (``LoginRecordLayout/isPlausibleLastlog(_:at:)``:
///   a time from 1980 on; `ll_line` and `ll_host` NUL-terminated), with at least one of them.
///
/// utmp is tried before lastlog (a size can be a multiple of both). What the heuristics leave out is
/// read as text: a login-record file whose size is not a whole number of records (cut short), and an
/// all-zero lastlog (no UID ever logged in, so nothing to render).
public enum BinaryLogFormat: String, Sendable, Equatable {
    case utmp
    case lastlog
    case journal
    case journalExport

    /// Records sampled at each end of a utmp file, and non-empty records sampled in a lastlog.
    static let sampleRecords = 64
    /// How far into a lastlog to look for used records.
    static let lastlogSearchBytes = 4 << 20
    /// How far into a file to look for the end of an export file's first line.
    static let exportHeadBytes = 4096

    /// The layout of the file at `path`, or nil when it is none of them (or cannot be read).
    public static func detect(fileAt path: String) -> BinaryLogFormat? {
        guard let file = try? ReadOnlyFile(path: path, displayPath: path) else { return nil }
        return detect(file)
    }

    static func detect(_ file: ReadOnlyFile) -> BinaryLogFormat? {
        let size = file.size
        guard size > 0, let head = try? file.read(at: 0, count: exportHeadBytes), head.count >= 8 else { return nil }
        if Array(head[0..<8]) == JournalFileLayout.signature { return .journal }
        if isJournalExport(head) { return .journalExport }
        if size % Int64(LoginRecordLayout.utmpSize) == 0, isUtmp(file) { return .utmp }
        if size % Int64(LoginRecordLayout.lastlogSize) == 0, isLastlog(file) { return .lastlog }
        return nil
    }

    /// The first bytes of a `journalctl -o export` file (see the heuristics above).
    static func isJournalExport(_ head: [UInt8]) -> Bool {
        let cursor = Array("__CURSOR=".utf8)
        let realtime = Array("__REALTIME_TIMESTAMP=".utf8)
        let startsWithCursor = head.starts(with: cursor)
        guard startsWithCursor || head.starts(with: realtime),
              let newline = head.firstIndex(of: 0x0a),
              let equals = head.firstIndex(of: UInt8(ascii: "=")), equals < newline else { return false }
        let key = head[0..<equals]
        let value = head[(equals + 1)..<newline]
        guard !value.isEmpty,
              key.allSatisfy({ $0 == UInt8(ascii: "_") || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              value.allSatisfy({ $0 >= 0x20 && $0 != 0x7f }) else { return false }
        return startsWithCursor || value.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isUtmp(_ file: ReadOnlyFile) -> Bool {
        let recordSize = LoginRecordLayout.utmpSize
        let records = Int(file.size / Int64(recordSize))
        let head = min(records, sampleRecords)
        let tailStart = max(head, records - sampleRecords)
        var sawUsed = false
        for (first, count) in [(0, head), (tailStart, records - tailStart)] where count > 0 {
            guard let bytes = try? file.read(at: Int64(first) * Int64(recordSize), count: count * recordSize),
                  bytes.count == count * recordSize else { return false }
            for index in 0..<count {
                let start = index * recordSize
                guard LoginRecordLayout.isPlausibleUtmp(bytes, at: start) else { return false }
                if bytes[start] != 0 { sawUsed = true }
            }
        }
        return sawUsed
    }

    private static func isLastlog(_ file: ReadOnlyFile) -> Bool {
        let recordSize = LoginRecordLayout.lastlogSize
        let searchBytes = Int(min(file.size, Int64(lastlogSearchBytes / recordSize * recordSize)))
        guard let bytes = try? file.read(at: 0, count: searchBytes), bytes.count == searchBytes else { return false }
        var used = 0
        var start = 0
        while start + recordSize <= bytes.count && used < sampleRecords {
            if !LoginRecordLayout.isZero(bytes, at: start, count: recordSize) {
                guard LoginRecordLayout.isPlausibleLastlog(bytes, at: start) else { return false }
                used += 1
            }
            start += recordSize
        }
        return used > 0
    }
}
