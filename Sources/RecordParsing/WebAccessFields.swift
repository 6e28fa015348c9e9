/// Apache/nginx common and combined access logs. (Skeleton: to be completed with the web parser.)
enum WebAccessFields {
    static func header(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? { nil }
    static func value(of name: FieldName, in line: UnsafeBufferPointer<UInt8>) -> Range<Int>? { nil }
}
