/// Finds the value of any field of a record, on demand: one per worker thread, reusing its buffer.
///
/// Contract: values decoded from the line (hex, JSON escapes, `#NNN` escapes) live in ``decoded``
/// until ``reset()``; a field the record does not have is nil (absent is not empty). The raw line is
/// never changed: decoding is only for matching.
public final class FieldResolver {
    /// Bytes of decoded values; ``FieldValue/decoded(_:)`` ranges index it.
    public private(set) var decoded: [UInt8] = []

    public init() {}

    /// The other records of the auditd event the current record belongs to (same
    /// `msg=audit(epoch:serial)`), set by the caller before evaluating an auditd record; empty otherwise.
    /// A field the record lacks is looked up in them, so a rule sees the event, not one record of it.
    public var auditEventSiblings: [UnsafeBufferPointer<UInt8>] = []

    /// Forgets decoded values (call before each new record).
    public func reset() {
        decoded.removeAll(keepingCapacity: true)
    }

    /// The value of `name` in `record` (whose bytes are `line`).
    public func value(of name: FieldName, in record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> FieldValue? {
        if let common = name.common {
            // An audit record's own `pid=` is its pid (auditd lines have no syslog tag).
            if record.format == .auditd && common == .pid {
                return AuditFields.value(of: name, in: line, resolver: self)
            }
            return commonValue(common, in: record, line: line)
        }
        switch record.format {
        case .auditd:
            return auditEventValue(of: name, in: line)
        case .journalJSON:
            if let value = JournalJSONFields.value(of: name, in: line, resolver: self) { return value }
            return familyValue(of: name, in: record, line: line)
        case .webAccess:
            return WebAccessFields.value(of: name, in: line).map { .inLine($0) }
        case .syslogRFC3164, .syslogRFC3339, .syslogRFC5424:
            if record.family == .loginRecords {
                return LoginRecordFields.value(of: name, in: line, message: record.header.message, resolver: self)
            }
            return familyValue(of: name, in: record, line: line)
        case .vsftpdLog, .proftpdLog:
            return FTPServerFields.value(of: name, format: record.format, in: line, message: record.header.message).map { .inLine($0) }
        case .unrecognised:
            return nil
        }
    }

    /// An auditd field: the record's own, else a sibling record's (copied), else for `SYSCALL` the name
    /// derived from `arch` and `syscall` when the log is RAW.
    private func auditEventValue(of name: FieldName, in line: UnsafeBufferPointer<UInt8>) -> FieldValue? {
        if let own = AuditFields.value(of: name, in: line, resolver: self) { return own }
        for sibling in auditEventSiblings {
            guard let value = AuditFields.value(of: name, in: sibling, resolver: self) else { continue }
            switch value {
            case .decoded: return value
            case .inLine(let range): return appendDecoded { $0.append(contentsOf: sibling[range]) }
            }
        }
        if name.text == "SYSCALL" {
            for record in [line] + auditEventSiblings {
                if let syscallName = AuditSyscallNames.name(inRecord: record) {
                    return appendDecoded { $0.append(contentsOf: syscallName.utf8) }
                }
            }
        }
        return nil
    }

    /// Calls `body` with the bytes of `value`.
    public func withBytes<Result>(of value: FieldValue, line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        switch value {
        case .inLine(let range): return body(UnsafeBufferPointer(rebasing: line[range]))
        case .decoded(let range): return decoded.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }

    /// A copy of the bytes of `value`.
    public func bytes(of value: FieldValue, line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        withBytes(of: value, line: line) { Array($0) }
    }

    /// Appends decoded bytes and returns their range (for the format parsers).
    func appendDecoded(_ body: (inout [UInt8]) -> Void) -> FieldValue {
        let start = decoded.count
        body(&decoded)
        return .decoded(start..<decoded.count)
    }

    private func commonValue(_ field: RecordField, in record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> FieldValue? {
        switch field {
        case .raw: return .inLine(0..<line.count)
        case .message:
            switch record.format {
            case .journalJSON: return JournalJSONFields.message(record: record, line: line, resolver: self)
            case .syslogRFC3164, .syslogRFC3339, .syslogRFC5424:
                return RsyslogEscapes.decodedIfEscaped(line, range: record.header.message, resolver: self) ?? .inLine(record.header.message)
            default: return .inLine(record.header.message)
            }
        default:
            return record.header.range(of: field, lineLength: line.count).map { .inLine($0) }
        }
    }

    /// Fields of the program's message grammar (sshd, sudo, …), read from the (decoded) message.
    private func familyValue(of name: FieldName, in record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> FieldValue? {
        guard let message = commonValue(.message, in: record, line: line) else { return nil }
        switch message {
        case .inLine(let range):
            return SyslogFamilyFields.value(of: name, family: record.family, in: line, message: range).map { .inLine($0) }
        case .decoded(let range):
            let snapshot = decoded
            return snapshot.withUnsafeBufferPointer { buffer in
                SyslogFamilyFields.value(of: name, family: record.family, in: buffer, message: range).map { .decoded($0) }
            }
        }
    }
}
