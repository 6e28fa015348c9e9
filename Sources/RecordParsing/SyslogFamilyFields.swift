/// Fields of the programs' message grammars. (Skeleton: to be completed with the family parsers.)
enum SyslogFamilyFields {
    static func value(of name: FieldName, family: ProgramFamily, in buffer: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? { nil }
}
