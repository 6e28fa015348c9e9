import FuzzSupport
import RecordParsing

/// Syslog lines (RFC 3164, RFC 3339, RFC 5424, and whatever else a line may claim to be): the input's
/// lines are each read with `LogRecord.read`, then every field of every family the resolver knows,
/// then `RecordTime.instant`. Checks: header and field ranges lie inside the line (or the decoded
/// buffer); nothing traps.
nonisolated(unsafe) let resolver = FieldResolver()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    forEachLine(of: fuzzInput(data, size)) { line in
        exerciseRecord(line, resolver: resolver)
    }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzSyslogRecord_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
