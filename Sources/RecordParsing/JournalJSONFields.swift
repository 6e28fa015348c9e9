/// `journalctl -o json` entries. (Skeleton: to be completed with the journal parser.)
enum JournalJSONFields {
    /// Common-field ranges of an entry, or nil when the line is not a journal entry.
    static func header(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? { nil }
    /// Any top-level key of the entry.
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? { nil }
    /// `MESSAGE`, decoded (JSON escapes, or a byte array for non-UTF-8 messages).
    static func message(record: LogRecord, line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        .inLine(record.header.message)
    }
}
