/// auditd records (`type=… msg=audit(epoch:serial): key=value …`): the stamp, and any field by name.
///
/// Contract (rule-format §3.4): every `key=value` of the record is a field, including those inside
/// the inner `msg='…'` and the ENRICHED upper-case fields after the 0x1D separator; quoted values
/// lose their quotes; hex-encoded values of the encodable fields (`proctitle`, `a0`…`aN`, `name`,
/// `cwd`, `comm`, `exe`, `acct`, `cmd`, `data`, …) are decoded; `type`, `audit_time` (the epoch with
/// its fraction) and `audit_serial` are fields too.
enum AuditFields {
    /// The range of `epoch.fraction:serial` inside `msg=audit(…)`.
    static func stampRange(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let start = ByteSearch.firstIndex(of: "msg=audit(", in: line, range: 0..<min(line.count, 256)) else { return nil }
        let valueStart = start + 10
        var end = valueStart
        while end < line.count && line[end] != UInt8(ascii: ")") { end += 1 }
        guard end < line.count, end > valueStart else { return nil }
        return valueStart..<end
    }

    /// The raw (undecoded, unquoted) value of `key`, when present.
    static func plainValue(of key: StaticString, in line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        KeyValueScanner.value(of: key, in: line, range: 0..<line.count)
    }

    /// The value of a field by name (see the type's contract).
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        AuditFieldDecoding.value(of: name, in: line, resolver: resolver)
    }
}
