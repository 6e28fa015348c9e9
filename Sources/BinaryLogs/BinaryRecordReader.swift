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
