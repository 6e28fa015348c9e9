import FuzzSupport
import RecordParsing

/// auditd records. The first line is the record under test; the following lines (at most 4) are the
/// other records of its event, set as the resolver's `auditEventSiblings`, so sibling lookup and the
/// `SYSCALL` name derivation run too. Checks: ranges inside their buffers; nothing traps. Every line
/// is also read on its own (auditd records are often torn or interleaved).
nonisolated(unsafe) let resolver = FieldResolver()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    var lines: [UnsafeBufferPointer<UInt8>] = []
    forEachLine(of: fuzzInput(data, size)) { lines.append($0) }
    guard let first = lines.first else { return 0 }
    resolver.auditEventSiblings = Array(lines.dropFirst().prefix(4))
    exerciseRecord(first, resolver: resolver)
    resolver.auditEventSiblings = []
    for line in lines.dropFirst() { exerciseRecord(line, resolver: resolver) }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzAuditRecord_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
