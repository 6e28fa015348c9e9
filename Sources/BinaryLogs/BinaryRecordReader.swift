import EvidenceInput
import LineChunking

/// A reader that turns one binary log file into chunks of text lines, one line per record.
///
/// Implementation requirements:
/// - Each record becomes exactly one line (no `\n` inside it) that `LogRecord.read` understands;
///   the line is terminated by `\n`.
/// - Chunks are numbered from 0; `firstLineNumber` is the 1-based number of the chunk's first
///   rendered record; every chunk has ``Chunk/lineSourceOffsets`` (the record's byte offset in the
///   stored file, or −1 when it is not known: see the reader's own contract).
/// - A line longer than `maximumLineBytes` is cut to that length and ends its chunk, with
///   ``Chunk/truncatedLine`` set to its full length, as `LineChunker` does for text.
/// - On damage, the records read are delivered first, then ``nextChunk()`` throws once
///   (``InputError/damagedRecords(path:reason:recordsRead:)`` or ``InputError/unreadable(path:reason:)``);
///   later calls return nil.
public protocol BinaryRecordReader: AnyObject {
    /// What was read and how its lines and offsets map to records, for the evidence entry's notes.
    var formatDescription: String { get }
    /// Records rendered so far (the lines delivered).
    var recordsRead: Int { get }
    /// Lines cut because they were longer than the limit.
    var truncatedLines: Int { get }
    /// The next chunk, nil at the end.
    func nextChunk() throws(InputError) -> Chunk?
}

/// What the readers share: a chunk builder fed record by record, an end flag, and an error kept until
/// the chunks read before it are delivered.
protocol ChunkedRecordSource: AnyObject {
    var builder: RecordChunkBuilder { get set }
    var isAtEnd: Bool { get set }
    var pendingError: InputError? { get set }
    /// Reads and renders more records into `builder`; at the end or on damage, sets `isAtEnd`.
    func readMore()
}

extension ChunkedRecordSource {
    /// The next chunk: reads until one is ready or the input ends; after the last chunk, the pending
    /// error (if any) is thrown once, so records read before damage are never lost.
    func nextBuiltChunk() throws(InputError) -> Chunk? {
        while !builder.hasReadyChunk && !isAtEnd {
            readMore()
        }
        if let chunk = builder.take() { return chunk }
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        return nil
    }
}
