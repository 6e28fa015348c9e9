import Foundation
import RecordParsing
import Testing

/// Inputs that crashed a fuzz target (`scripts/fuzz`), kept in `Tests/Fixtures/fuzz-crashes/`, read the
/// way the target reads them: every line as a record, every field, then its time.
@Suite("fuzz crash regressions: record parsing")
struct FuzzCrashRegressionTests {
    static let crashes = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-crashes")

    static func lines(of name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: crashes.appendingPathComponent(name))
        return [UInt8](data).split(separator: 0x0a, omittingEmptySubsequences: false).map { Array($0) }
    }

    @Test("FuzzSyslogRecord: a non-digit byte in an RFC 5424 year no longer overflows the instant",
          arguments: ["FuzzSyslogRecord/rfc5424-nondigit-year.min",
                      "FuzzSyslogRecord/crash-9bbfb2697450b024b5f768e037a81286b09b52a7"])
    func nonDigitYear(file: String) throws {
        let resolver = FieldResolver()
        for line in try Self.lines(of: file) where !line.isEmpty {
            line.withUnsafeBufferPointer { buffer in
                let record = LogRecord.read(buffer)
                FieldRobustnessTests.readAll(line, resolver)
                // The stamp `2\u{1}\u{0}4-03-07T…` is not a time: no instant, rather than a trap.
                #expect(record.format == .syslogRFC5424)
                #expect(RecordTime.instant(of: record, line: buffer) == nil)
            }
        }
    }

    @Test("stamps with a non-digit where a digit belongs are not times; good ones still are")
    func digitPositions() {
        func instant(_ text: String) -> RecordInstant? {
            Array(text.utf8).withUnsafeBufferPointer { RecordTime.instant(of: LogRecord.read($0), line: $0) }
        }
        #expect(instant("<34>1 2024-03-07T10:00:03Z web01 su 3002 - - x") == .exact(nanosecondsSinceEpoch: 1_709_805_603_000_000_000))
        #expect(instant("<34>1 9:99-03-07T10:00:03Z web01 su 3002 - - x") == nil)
        #expect(instant("<34>1 2024-03-07T10:00:03+0x:00 web01 su 3002 - - x") != .exact(nanosecondsSinceEpoch: 1_709_805_603_000_000_000) )
        #expect(instant(#"198.51.100.7 - - [07/Mar/2024:10:00:03 +0000] "GET / HTTP/1.1" 200 1"#) == .exact(nanosecondsSinceEpoch: 1_709_805_603_000_000_000))
        #expect(instant(#"198.51.100.7 - - [07/Mar/2\u{1}\u{0}4:10:00:03 +0000] "GET / HTTP/1.1" 200 1"#) == nil)
    }

    @Test("FuzzSyslogRecord: a web-access year past 2262 is no instant rather than an overflow trap")
    func webAccessYear4050() throws {
        let resolver = FieldResolver()
        let lines = try Self.lines(of: "FuzzSyslogRecord/web-access-year-4050.log").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines {
            FieldRobustnessTests.readAll(line, resolver)
            line.withUnsafeBufferPointer { buffer in
                let record = LogRecord.read(buffer)
                #expect(record.format == .webAccess)
                #expect(RecordTime.instant(of: record, line: buffer) == nil)
            }
        }
    }

    @Test("instants that do not fit Int64 nanoseconds are nil in every format; the last that fit still read")
    func nanosecondOverflow() {
        func instant(_ text: String) -> RecordInstant? {
            Array(text.utf8).withUnsafeBufferPointer { RecordTime.instant(of: LogRecord.read($0), line: $0) }
        }
        #expect(instant("<34>1 9999-03-07T10:00:03Z web01 su 3002 - - x") == nil)
        #expect(instant("<34>1 2262-04-11T23:47:16Z web01 su 3002 - - x") == .exact(nanosecondsSinceEpoch: 9_223_372_036_000_000_000))
        #expect(instant(#"198.51.100.7 - - [07/Mar/9999:10:00:03 +0000] "GET / HTTP/1.1" 200 1"#) == nil)
        // auditd: 12-digit epoch seconds.
        #expect(instant("type=USER_LOGIN msg=audit(999999999999.000:1): pid=1 uid=0 res=failed") == nil)
        #expect(instant("type=USER_LOGIN msg=audit(1373330717.250:1): pid=1 uid=0 res=failed") == .exact(nanosecondsSinceEpoch: 1_373_330_717_250_000_000))
        // journald: 19 digits, and 17 digits of microseconds (past 2262).
        #expect(instant(#"{"__REALTIME_TIMESTAMP":"9999999999999999999","MESSAGE":"x"}"#) == nil)
        #expect(instant(#"{"__REALTIME_TIMESTAMP":"99999999999999999","MESSAGE":"x"}"#) == nil)
        #expect(instant(#"{"__REALTIME_TIMESTAMP":"1700000000123456","MESSAGE":"x"}"#) == .exact(nanosecondsSinceEpoch: 1_700_000_000_123_456_000))
    }
}
