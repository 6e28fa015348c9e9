import EvidenceInput
import LineChunking

/// Reads a journal export file (`journalctl -o export > host.export`, the format of
/// https://systemd.io/JOURNAL_EXPORT_FORMATS/), one `journalctl -o json` line per entry (see
/// ``JournalEntryLine``: keys sorted, the first value of a repeated field, non-UTF-8 or binary values
/// as byte arrays).
///
/// Contract:
/// - The file is streamed in blocks (``blockSize``), never loaded whole: an entry is held only while
///   it is rendered.
/// - An entry is a run of fields ended by an empty line. A field is `KEY=value\n` (text), or `KEY\n`,
///   a 64-bit little-endian length, that many raw bytes and `\n` (binary or multi-line values). Empty
///   lines between entries are skipped.
/// - Line `n` is the file's `n`-th entry; its source offset is the byte offset of the entry's first
///   field line.
/// - A binary value longer than `maximumLineBytes` keeps its first `maximumLineBytes` bytes (the rest
///   is skipped, not held): its line is longer than the limit anyway, so it is cut, as text lines are.
/// - Damage ends the reading, after the entries before it, as one
///   ``InputError/damagedRecords(path:reason:recordsRead:)``: a binary field whose length or data is
///   cut short or runs past the end of the file, a binary field not followed by `\n`, a field line
///   longer than `maximumLineBytes`, a field line or an entry the file ends inside (an entry not
///   ended by an empty line, as `systemd-journal-remote` discards it), a read error. The entry with
///   the damage is not rendered.
public final class JournalExportReader: BinaryRecordReader, ChunkedRecordSource {
    public let formatDescription = "journal export file (journalctl -o export): one journalctl JSON line per entry, offset of its first field"
    public var recordsRead: Int { builder.lineCount }
    public var truncatedLines: Int { builder.truncatedLines }

    /// Bytes read from the file at a time.
    static let blockSize = 1 << 16

    private let file: ReadOnlyFile
    private let maximumLineBytes: Int
    var builder: RecordChunkBuilder
    /// File bytes from `bufferOffset`; `position` is the next unread one.
    private var buffer: [UInt8] = []
    private var bufferOffset: Int64 = 0
    private var position = 0
    private var reachedEndOfFile = false
    var isAtEnd = false
    var pendingError: InputError?

    /// Opens `path` (shown as `displayPath`) read-only.
    public init(path: String, displayPath: String, recordsPerChunk: Int = 4096, maximumLineBytes: Int = 1 << 20) throws(InputError) {
        file = try ReadOnlyFile(path: path, displayPath: displayPath)
        self.maximumLineBytes = max(maximumLineBytes, 1)
        builder = RecordChunkBuilder(recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
    }

    public func nextChunk() throws(InputError) -> Chunk? {
        try nextBuiltChunk()
    }

    func readMore() {
        readEntry()
    }

    // MARK: Entries

    /// Reads and renders the next entry; at the end or on damage, closes the last chunk.
    private func readEntry() {
        var fields: [(name: [UInt8], value: [UInt8])] = []
        var entryOffset: Int64 = -1
        let entryNumber = builder.lineCount + 1
        func damage(_ reason: String) {
            finish(error: .damagedRecords(path: file.displayPath, reason: "entry \(entryNumber)\(entryOffset >= 0 ? " (offset \(entryOffset))" : ""): \(reason)", recordsRead: builder.lineCount))
        }
        while true {
            let lineOffset = currentOffset
            let line: [UInt8]
            switch readLine() {
            case .line(let bytes):
                line = bytes
            case .endOfFile:
                if fields.isEmpty {
                    finish(error: nil)
                } else {
                    damage("the file ends inside the entry (no empty line after its last field): it may be cut short; the entry is not rendered")
                }
                return
            case .unterminated(let count):
                if entryOffset < 0 { entryOffset = lineOffset }
                damage("the file ends inside a field line (\(count) bytes at offset \(lineOffset), no newline): it may be cut short; the entry is not rendered")
                return
            case .tooLong:
                if entryOffset < 0 { entryOffset = lineOffset }
                damage("a field line at offset \(lineOffset) is longer than the line limit of \(maximumLineBytes) bytes; the entry is not rendered")
                return
            case .failed(let error):
                damage("read failed at offset \(lineOffset): \(error.description)")
                return
            }
            if line.isEmpty {
                if fields.isEmpty { continue }
                builder.append(line: JournalEntryLine.render(fields), sourceOffset: entryOffset)
                return
            }
            if entryOffset < 0 { entryOffset = lineOffset }
            if let equals = line.firstIndex(of: UInt8(ascii: "=")) {
                fields.append((Array(line[..<equals]), Array(line[(equals + 1)...])))
                continue
            }
            // A binary field: the name line, a 64-bit little-endian length, the data, a newline.
            let name = String(decoding: line, as: UTF8.self)
            let lengthOffset = currentOffset
            let lengthBytes: [UInt8]
            do throws(InputError) { lengthBytes = try take(8) } catch {
                damage("read failed at offset \(lengthOffset): \(error.description)")
                return
            }
            guard lengthBytes.count == 8 else {
                damage("binary field \(name) is cut short: the file ends inside its 8-byte length at offset \(lengthOffset); the entry is not rendered")
                return
            }
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let dataOffset = currentOffset
            let remaining = UInt64(max(file.size - dataOffset, 0))
            guard remaining > 0, length <= remaining - 1 else {
                damage("binary field \(name) is cut short: its length \(length) at offset \(lengthOffset) runs past the end of the file (\(remaining) bytes left); the entry is not rendered")
                return
            }
            let kept = Int(min(length, UInt64(maximumLineBytes)))
            let value: [UInt8]
            do throws(InputError) {
                value = try take(kept)
                if value.count == kept { _ = try skip(Int64(length) - Int64(kept)) }
            } catch {
                damage("read failed at offset \(dataOffset): \(error.description)")
                return
            }
            let terminator: [UInt8]
            do throws(InputError) { terminator = try take(1) } catch {
                damage("read failed at offset \(currentOffset): \(error.description)")
                return
            }
            guard value.count == kept, terminator.count == 1 else {
                damage("binary field \(name) is cut short: the file ended at offset \(currentOffset), before the end of its \(length) bytes (it shrank while being read); the entry is not rendered")
                return
            }
            guard terminator[0] == 0x0a else {
                damage("binary field \(name) is not followed by a newline after its \(length) bytes (offset \(currentOffset - 1)); the entry is not rendered")
                return
            }
            fields.append((line, value))
        }
    }

    private func finish(error: InputError?) {
        builder.close()
        isAtEnd = true
        pendingError = error
        buffer = []
        position = 0
    }

    // MARK: Buffered reading

    private enum LineResult {
        /// A line without its `\n`.
        case line([UInt8])
        /// No byte left.
        case endOfFile
        /// The file ends after this many bytes of a line without `\n`.
        case unterminated(Int)
        /// No `\n` within `maximumLineBytes`.
        case tooLong
        case failed(InputError)
    }

    /// The file offset of the next unread byte.
    private var currentOffset: Int64 { bufferOffset + Int64(position) }

    /// Reads the next block after the buffered bytes, dropping the ones consumed; false at the end.
    private func fill() throws(InputError) -> Bool {
        guard !reachedEndOfFile else { return false }
        if position > 0 {
            buffer.removeFirst(position)
            bufferOffset += Int64(position)
            position = 0
        }
        let block = try file.read(at: bufferOffset + Int64(buffer.count), count: Self.blockSize)
        if block.count < Self.blockSize { reachedEndOfFile = true }
        buffer.append(contentsOf: block)
        return !block.isEmpty
    }

    private func readLine() -> LineResult {
        /// Bytes after `position` already searched for a newline.
        var searched = 0
        while true {
            if let newline = buffer[(position + searched)...].firstIndex(of: 0x0a) {
                guard newline - position <= maximumLineBytes else { return .tooLong }
                let line = Array(buffer[position..<newline])
                position = newline + 1
                return .line(line)
            }
            searched = buffer.count - position
            if searched > maximumLineBytes { return .tooLong }
            let more: Bool
            do throws(InputError) { more = try fill() } catch { return .failed(error) }
            if !more {
                position = buffer.count
                return searched == 0 ? .endOfFile : .unterminated(searched)
            }
        }
    }

    /// Up to `count` bytes (fewer only at the end of the file).
    private func take(_ count: Int) throws(InputError) -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { break }
        }
        let end = min(buffer.count, position + count)
        let bytes = Array(buffer[position..<end])
        position = end
        return bytes
    }

    /// Skips `count` bytes without holding them; returns how many were skipped.
    private func skip(_ count: Int64) throws(InputError) -> Int64 {
        guard count > 0 else { return 0 }
        let buffered = Int64(buffer.count - position)
        if count <= buffered {
            position += Int(count)
            return count
        }
        // Drop the buffer and go on reading past the skipped bytes.
        let target = currentOffset + count
        let available = min(target, file.size)
        bufferOffset = available
        buffer = []
        position = 0
        reachedEndOfFile = false
        return available - (target - count)
    }
}
