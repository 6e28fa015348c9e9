/// Field lookup and decoding for auditd records. (Skeleton: to be completed with the auditd parser.)
enum AuditFieldDecoding {
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver) -> FieldValue? {
        name.bytes.withUnsafeBufferPointer { key in
            KeyValueScanner.value(ofKey: key, in: line, range: 0..<line.count).map { .inLine($0) }
        }
    }
}
