import EvidenceInput
import LineChunking

/// Reads glibc login records — `wtmp`, `btmp`, `utmp` (`struct utmp`) and `lastlog` — as RFC 5424
/// lines (see ``LoginRecordLine`` for the line shape).
///
/// Contract:
/// - The layout is told from the content (``BinaryLogFormat/detect(fileAt:)``), never from the name.
///   Whether `struct utmp` records are `wtmp` (logins and logouts), `btmp` (failed logins) or `utmp`
///   (current sessions) cannot be told from the content: a failed login in `btmp` is an ordinary
///   `LOGIN_PROCESS` (6) or `USER_PROCESS` (7) record. The file name is used only as a *hint* for the
///   rendered program name: a base name starting with `wtmp` or `btmp` (`wtmp.1`, `btmp-20250301`)
///   gives that name, anything else `utmp`. lastlog records are always `lastlog`.
/// - Every `struct utmp` record becomes one line, `EMPTY` ones included, so line `n` is record `n`
///   (1-based) and its offset is `384 × (n − 1)`. lastlog records that are all zeros (UIDs that never
///   logged in) are skipped: line numbers count the rendered records, and each line's offset
///   (`292 × uid`) and its `uid=` field locate the record exactly.
/// - A read error, or a file that shrank while being read, ends the reading after the records read;
///   bytes after the last whole record are not read. ``nextChunk()`` then throws once.
public final class LoginRecordReader: BinaryRecordReader, ChunkedRecordSource {
    /// The record layouts this reader knows.
    public enum Layout: Sendable, Equatable {
        case utmp
        case lastlog
    }

    public let layout: Layout
    /// The rendered program name (`wtmp`, `btmp`, `utmp` or `lastlog`).
    public let programName: String
    public var formatDescription: String {
        layout == .lastlog
            ? "lastlog records: one RFC 5424 line per used record (UID), offset 292 × uid"
            : "\(programName) login records (struct utmp): line n is record n, offset 384 × (n − 1)"
    }
    public var recordsRead: Int { builder.lineCount }
    public var truncatedLines: Int { builder.truncatedLines }

    private let file: ReadOnlyFile
    var builder: RecordChunkBuilder
    private let recordSize: Int
    private let recordsPerRead: Int
    private var nextRecord: Int64 = 0
    var isAtEnd = false
    var pendingError: InputError?

    /// Opens `path` (shown as `displayPath`) read-only as records of `layout`.
    public init(path: String, displayPath: String, layout: Layout, recordsPerChunk: Int = 4096, maximumLineBytes: Int = 1 << 20) throws(InputError) {
        self.layout = layout
        file = try ReadOnlyFile(path: path, displayPath: displayPath)
        recordSize = layout == .utmp ? LoginRecordLayout.utmpSize : LoginRecordLayout.lastlogSize
        recordsPerRead = max(1, min(recordsPerChunk, 4096))
        builder = RecordChunkBuilder(recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        programName = layout == .lastlog ? "lastlog" : Self.programHint(forDisplayPath: displayPath)
    }

    /// `wtmp` or `btmp` when the file's base name starts so, else `utmp`.
    public static func programHint(forDisplayPath path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("wtmp") { return "wtmp" }
        if name.hasPrefix("btmp") { return "btmp" }
        return "utmp"
    }

    public func nextChunk() throws(InputError) -> Chunk? {
        try nextBuiltChunk()
    }

    func readMore() {
        readRecords()
    }

    /// Reads and renders the next block of records; at the end, closes the last chunk.
    private func readRecords() {
        let wholeRecords = file.size / Int64(recordSize)
        let count = Int(min(Int64(recordsPerRead), wholeRecords - nextRecord))
        guard count > 0 else {
            let trailing = file.size % Int64(recordSize)
            finish(error: trailing == 0 ? nil : .damagedRecords(path: file.displayPath, reason: "the last \(trailing) bytes are not a whole \(recordSize)-byte record (not read)", recordsRead: builder.lineCount))
            return
        }
        let bytes: [UInt8]
        do throws(InputError) {
            bytes = try file.read(at: nextRecord * Int64(recordSize), count: count * recordSize)
        } catch {
            finish(error: .damagedRecords(path: file.displayPath, reason: "read failed at record \(nextRecord + 1): \(error.description)", recordsRead: builder.lineCount))
            return
        }
        let available = bytes.count / recordSize
        for position in 0..<available {
            let start = position * recordSize
            let offset = (nextRecord + Int64(position)) * Int64(recordSize)
            switch layout {
            case .utmp:
                builder.append(line: LoginRecordLine.utmp(LoginRecordLayout.utmp(bytes, at: start), program: programName), sourceOffset: offset)
            case .lastlog:
                guard !LoginRecordLayout.isZero(bytes, at: start, count: recordSize) else { continue }
                let uid = Int(nextRecord) + position
                builder.append(line: LoginRecordLine.lastlog(LoginRecordLayout.lastlog(bytes, at: start), uid: uid), sourceOffset: offset)
            }
        }
        nextRecord += Int64(available)
        if available < count {
            finish(error: .damagedRecords(path: file.displayPath, reason: "the file ended at \(nextRecord * Int64(recordSize) + Int64(bytes.count % recordSize)) bytes, \(file.size) were expected (it shrank while being read)", recordsRead: builder.lineCount))
        }
    }

    private func finish(error: InputError?) {
        builder.close()
        isAtEnd = true
        pendingError = error
    }
}
