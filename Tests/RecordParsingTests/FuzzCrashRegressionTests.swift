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
}
