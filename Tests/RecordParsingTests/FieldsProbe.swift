import RecordParsing

/// One line read through the public API (`LogRecord.read`, `FieldResolver`), with fields read back
/// as text or bytes. Shared by the field parser tests.
struct FieldsProbe {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    var record: LogRecord { bytes.withUnsafeBufferPointer { LogRecord.read($0) } }
    var format: RecordFormat { record.format }
    var family: ProgramFamily { record.family }

    /// The field's bytes, nil when absent.
    func bytes(_ name: String) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { line in
            let record = LogRecord.read(line)
            let resolver = FieldResolver()
            guard let value = resolver.value(of: FieldName(name), in: record, line: line) else { return nil }
            return resolver.bytes(of: value, line: line)
        }
    }

    /// The field as text (lossy UTF-8), nil when absent.
    subscript(_ name: String) -> String? {
        bytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the field's value is a range of the line (not decoded bytes).
    func isInLine(_ name: String) -> Bool? {
        bytes.withUnsafeBufferPointer { line in
            let record = LogRecord.read(line)
            guard let value = FieldResolver().value(of: FieldName(name), in: record, line: line) else { return nil }
            if case .inLine = value { return true }
            return false
        }
    }

    var instant: RecordInstant? {
        bytes.withUnsafeBufferPointer { line in RecordTime.instant(of: LogRecord.read(line), line: line) }
    }

    /// Nanoseconds since the epoch for an exact instant.
    var epochNanoseconds: Int64? {
        if case .exact(let nanoseconds) = instant { return nanoseconds }
        return nil
    }
}
