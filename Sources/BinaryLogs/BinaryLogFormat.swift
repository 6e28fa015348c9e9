import EvidenceInput

/// The binary log layouts Spoor reads, and how a file is recognised as one — by content, never by name.
///
/// Heuristics (each strict enough that text, which has no NUL byte, and gzip data never qualify):
/// - **journal**: the file starts with the journal magic `LPKSHHRH`.
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

    /// Records sampled at each end of a utmp file, and non-empty records sampled in a lastlog.
    static let sampleRecords = 64
    /// How far into a lastlog to look for used records.
    static let lastlogSearchBytes = 4 << 20

    /// The layout of the file at `path`, or nil when it is none of them (or cannot be read).
    public static func detect(fileAt path: String) -> BinaryLogFormat? {
        guard let file = try? ReadOnlyFile(path: path, displayPath: path) else { return nil }
        return detect(file)
    }

    static func detect(_ file: ReadOnlyFile) -> BinaryLogFormat? {
        let size = file.size
        guard size > 0, let magic = try? file.read(at: 0, count: 8), magic.count == 8 else { return nil }
        if magic == JournalFileLayout.signature { return .journal }
        if size % Int64(LoginRecordLayout.utmpSize) == 0, isUtmp(file) { return .utmp }
        if size % Int64(LoginRecordLayout.lastlogSize) == 0, isLastlog(file) { return .lastlog }
        return nil
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
