#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EvidenceInput
import LineChunking

/// Reads a systemd journal file (`system.journal`, `system@….journal`, `user-1000.journal`,
/// `*.journal~`) through libsystemd, one `journalctl -o json` line per entry (see ``JournalEntryLine``).
///
/// Contract:
/// - The file is opened read-only, alone (`sd_journal_open_files` on its one path), and its entries
///   are read in the file's order; line `n` is the file's `n`-th readable entry.
/// - Each line's source offset is the byte offset of the entry's *entry object* in the file, taken
///   from the file's entry array chain and used only when that object's seqnum, realtime and xor hash
///   equal those in the entry's cursor; otherwise −1, and the line's `__CURSOR` identifies the entry.
/// - Damage is reported after the entries that could be read, as one
///   ``InputError/damagedRecords(path:reason:recordsRead:)``: libsystemd stopping with an error;
///   fewer readable entries than the header counts (libsystemd skips entry objects it cannot read);
///   entries with fields it could not read (fewer data than the entry object lists); a file shorter
///   than its header says. Such a truncated file is refused by libsystemd (`-ENODATA`), so it is read
///   from a private temporary copy (mode 0600 in `$TMPDIR`, removed when the reader goes away) holding
///   the whole objects before the cut, with the header's arena set to end there
///   (``JournalFileLayout/recoveryCopy(of:header:)``); the evidence itself is only read.
/// - A file libsystemd cannot open at all throws ``InputError/unreadable(path:reason:)`` from `init`.
/// - Field values are handed out in full up to `maximumLineBytes` (libsystemd's data threshold); a
///   line longer than that is cut, as text lines are.
public final class JournalFileReader: BinaryRecordReader, ChunkedRecordSource {
    public let formatDescription = "systemd journal file: one journalctl JSON line per entry, offset of its entry object (−1 when not known: __CURSOR identifies the entry)"
    public var recordsRead: Int { builder.lineCount }
    public var truncatedLines: Int { builder.truncatedLines }
    /// Entry lines whose source offset is known (the others have −1).
    public private(set) var entriesWithOffset = 0

    private let file: ReadOnlyFile
    private let header: JournalFileLayout.Header
    private let journal: JournalHandle
    var builder: RecordChunkBuilder
    private let entryOffsets: [Int64]
    /// Position in `entryOffsets` of the next entry expected.
    private var nextOffsetIndex = 0
    private var problems: [String] = []
    private var entriesWithMissingFields = 0
    var isAtEnd = false
    var pendingError: InputError?

    public init(path: String, displayPath: String, recordsPerChunk: Int = 4096, maximumLineBytes: Int = 1 << 20) throws(InputError) {
        let file = try ReadOnlyFile(path: path, displayPath: displayPath)
        guard let bytes = try? file.read(at: 0, count: 4096), let header = JournalFileLayout.Header(bytes) else {
            throw .unreadable(path: displayPath, reason: "not a systemd journal file (no valid header)")
        }
        let journal: JournalHandle
        var openingProblems: [String] = []
        do throws(JournalOpenError) {
            journal = try JournalHandle(path: path)
        } catch where error.isTruncatedFile && UInt64(file.size) < header.expectedFileSize {
            journal = try Self.openTruncated(file, header: header, openError: error)
            openingProblems.append("the file is cut short: \(file.size) of the \(header.expectedFileSize) bytes its header says; entries were read from the whole objects before the cut")
        } catch {
            throw .unreadable(path: displayPath, reason: "libsystemd cannot open this journal file: \(error.reason)")
        }
        _ = journal.setDataThreshold(max(maximumLineBytes, 1))
        self.file = file
        self.header = header
        self.journal = journal
        builder = RecordChunkBuilder(recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        entryOffsets = JournalFileLayout.entryOffsets(file, header: header)
        problems = openingProblems
    }

    /// Opens a private copy of a truncated file with its header made to match the cut.
    private static func openTruncated(_ file: ReadOnlyFile, header: JournalFileLayout.Header, openError: JournalOpenError) throws(InputError) -> JournalHandle {
        let cause = "libsystemd cannot open this journal file: \(openError.reason); it is cut short (\(file.size) of the \(header.expectedFileSize) bytes its header says)"
        let failure = InputError.unreadable(path: file.displayPath, reason: cause + " and a readable copy of the part before the cut could not be made")
        guard let bytes = try? file.read(at: 0, count: Int(file.size)) else { throw failure }
        guard let copy = JournalFileLayout.recoveryCopy(of: bytes, header: header) else {
            throw .unreadable(path: file.displayPath, reason: cause + " before the end of its first objects")
        }
        var template = Array((temporaryDirectory() + "/spoor-journal-copy-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure }
        let temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var written = 0
        while written < copy.count {
            let count = copy.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, copy.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        close(descriptor)
        guard written == copy.count else {
            unlink(temporaryPath)
            throw failure
        }
        do throws(JournalOpenError) {
            return try JournalHandle(path: temporaryPath, removingOnClose: true)
        } catch {
            throw failure
        }
    }

    public func nextChunk() throws(InputError) -> Chunk? {
        try nextBuiltChunk()
    }

    func readMore() {
        readEntry()
    }

    private func readEntry() {
        let status = journal.next()
        if status < 0 {
            problems.append("libsystemd stopped with \(JournalOpenError(code: status).reason) after entry \(builder.lineCount)")
            finish()
            return
        }
        if status == 0 {
            finish()
            return
        }
        var fields: [(name: [UInt8], value: [UInt8])] = []
        let cursor = journal.cursor()
        if let cursor { fields.append((Array("__CURSOR".utf8), Array(cursor.utf8))) }
        if let realtime = journal.realtimeMicroseconds() { fields.append((Array("__REALTIME_TIMESTAMP".utf8), Array(String(realtime).utf8))) }
        if let monotonic = journal.monotonic() {
            fields.append((Array("__MONOTONIC_TIMESTAMP".utf8), Array(String(monotonic.microseconds).utf8)))
            fields.append((Array("_BOOT_ID".utf8), Array(monotonic.bootID.utf8)))
        }
        var data = 0
        let dataStatus = journal.forEachDatum { datum in
            data += 1
            guard let equals = datum.firstIndex(of: UInt8(ascii: "=")) else { return }
            fields.append((Array(datum[..<equals]), Array(datum[(equals + 1)...])))
        }
        let entryNumber = builder.lineCount + 1
        if dataStatus < 0 {
            problems.append("entry \(entryNumber): libsystemd stopped reading its fields with \(JournalOpenError(code: dataStatus).reason)")
        }
        let offset = locate(cursor: cursor, dataCount: data, entryNumber: entryNumber)
        builder.append(line: JournalEntryLine.render(fields), sourceOffset: offset)
    }

    /// The entry object's offset when the entry array chain and the cursor agree on it, else −1;
    /// notes an entry with fewer readable fields than its object lists.
    private func locate(cursor: String?, dataCount: Int, entryNumber: Int) -> Int64 {
        guard let cursor, let identity = JournalFileLayout.CursorIdentity(cursor: cursor),
              let index = chainIndex(of: identity) else { return -1 }
        nextOffsetIndex = index + 1
        entriesWithOffset += 1
        if let object = JournalFileLayout.entryObject(file, at: entryOffsets[index], isCompact: header.isCompact), dataCount < object.itemCount {
            entriesWithMissingFields += 1
            if entriesWithMissingFields <= 5 {
                problems.append("entry \(entryNumber) (offset \(entryOffsets[index])): \(object.itemCount - dataCount) of its \(object.itemCount) fields could not be read")
            }
        }
        return entryOffsets[index]
    }

    /// Where the entry with `identity` is in the chain, at or after the last one found. libsystemd
    /// skips entry objects it cannot read, so the next few are tried in turn, then (seqnums grow along
    /// the chain) a binary search by seqnum over the rest, linear where damaged objects are in the way.
    private func chainIndex(of identity: JournalFileLayout.CursorIdentity) -> Int? {
        func matches(_ index: Int) -> Bool {
            guard let object = JournalFileLayout.entryObject(file, at: entryOffsets[index], isCompact: header.isCompact) else { return false }
            return object.identity == (identity.seqnum, identity.realtime, identity.xorHash)
        }
        let windowEnd = min(entryOffsets.count, nextOffsetIndex + 8)
        if let index = (nextOffsetIndex..<windowEnd).first(where: matches) { return index }
        var low = windowEnd
        var high = entryOffsets.count
        while low < high {
            let middle = (low + high) / 2
            guard let object = JournalFileLayout.entryObject(file, at: entryOffsets[middle], isCompact: header.isCompact) else {
                // A damaged object in the way: look through the rest of the range one by one.
                return (low..<entryOffsets.count).first(where: matches)
            }
            if object.identity.seqnum < identity.seqnum { low = middle + 1 } else { high = middle }
        }
        return low < entryOffsets.count && matches(low) ? low : nil
    }

    private func finish() {
        builder.close()
        isAtEnd = true
        if entriesWithMissingFields > 5 {
            problems.append("\(entriesWithMissingFields) entries in all had fields that could not be read")
        }
        if UInt64(builder.lineCount) < header.entryCount {
            problems.append("\(builder.lineCount) of the \(header.entryCount) entries the header counts could be read")
        }
        if !problems.isEmpty {
            pendingError = .damagedRecords(path: file.displayPath, reason: problems.joined(separator: "; "), recordsRead: builder.lineCount)
        }
    }
}

/// The temporary directory without Foundation: `$TMPDIR`, else `/tmp`.
private func temporaryDirectory() -> String {
    if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
    return "/tmp"
}
