import EvidenceInput

/// Binary logs as text: the module's entry point.
///
/// Investigators get binary login records (`wtmp`, `btmp`, `utmp`, `lastlog`) and systemd journal
/// files (on Debian 12 and later, sshd's evidence is only in the journal). Spoor scans lines, so each
/// binary record is rendered as one line that the record parsers already read — an RFC 5424 line for
/// a login record, a `journalctl -o json` line for a journal entry (from a journal file or a
/// `journalctl -o export` file) — in chunks whose
/// ``LineChunking/Chunk/lineSourceOffsets`` keep each line's evidence location (the record's byte
/// offset in the stored file).
///
/// ```swift
/// if let records = try BinaryEvidence.reader(forFileAt: path, displayPath: path) {
///     while let chunk = try records.nextChunk() { /* match chunk's lines */ }
/// }
/// ```
public enum BinaryEvidence {
    /// A reader for the file at `path` when its content is a binary log this module knows
    /// (``BinaryLogFormat/detect(fileAt:)``), nil when it is not (read it as text). Throws when it is
    /// one but cannot be read at all (a journal libsystemd refuses).
    public static func reader(forFileAt path: String, displayPath: String, recordsPerChunk: Int = 4096,
                              maximumLineBytes: Int = 1 << 20) throws(InputError) -> (any BinaryRecordReader)? {
        guard let format = BinaryLogFormat.detect(fileAt: path) else { return nil }
        switch format {
        case .utmp:
            return try LoginRecordReader(path: path, displayPath: displayPath, layout: .utmp, recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        case .lastlog:
            return try LoginRecordReader(path: path, displayPath: displayPath, layout: .lastlog, recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        case .journal:
            return try JournalFileReader(path: path, displayPath: displayPath, recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        case .journalExport:
            return try JournalExportReader(path: path, displayPath: displayPath, recordsPerChunk: recordsPerChunk, maximumLineBytes: maximumLineBytes)
        }
    }
}
