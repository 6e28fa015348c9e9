#if canImport(Glibc)
import Glibc
#endif
import RecordParsing

/// Stops the run when an invariant fails: libFuzzer sees the abort and saves the input as a crash.
/// (Written with `write(2)`: Glibc's `stderr` is not concurrency-safe in Swift 6.)
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    let text = "fuzz invariant failed at \(file):\(line): \(message())\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    abort()
}

/// The input as a buffer (a null base for empty input, which Swift's buffers accept).
public func fuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}

/// Every field name a rule can ask for (the catalogue and the common fields), plus the auditd and
/// journald keys the seed corpora hold and a few odd names (empty, `=`): the resolver must take them all.
public let fuzzFieldNames: [FieldName] = {
    var names = Set(FieldCatalog.namedFields)
    for field in RecordField.allCases { names.insert(field.name) }
    names.formUnion([
        "acct", "audit_time", "audit_serial", "msg", "proctitle", "a0", "a1", "a2", "argc", "exe", "comm", "addr",
        "hostname", "terminal", "res", "auid", "ses", "saddr", "data", "UID", "AUID", "SYSCALL", "arch", "syscall",
        "MESSAGE", "_PID", "_HOSTNAME", "_COMM", "SYSLOG_IDENTIFIER", "__REALTIME_TIMESTAMP", "__CURSOR", "_UID",
        "", "=", "a",
    ])
    return names.sorted().map(FieldName.init)
}()

/// Reads `line` as a record, then every field of it and its time, checking that each range lies in
/// its buffer. Returns the record.
@discardableResult
public func exerciseRecord(_ line: UnsafeBufferPointer<UInt8>, resolver: FieldResolver, names: [FieldName] = fuzzFieldNames) -> LogRecord {
    let record = LogRecord.read(line)
    let header = record.header
    for range in [header.timestamp, header.host, header.program, header.pid, header.message].compactMap({ $0 }) {
        fuzzCheck(range.lowerBound >= 0 && range.upperBound <= line.count, "header range \(range) outside a line of \(line.count) bytes (\(record.format))")
    }
    fuzzCheck(record.repeatCount >= 1, "repeat count \(record.repeatCount)")
    resolver.reset()
    for name in names {
        guard let value = resolver.value(of: name, in: record, line: line) else { continue }
        switch value {
        case .inLine(let range):
            fuzzCheck(range.lowerBound >= 0 && range.upperBound <= line.count, "\(name): in-line range \(range) outside a line of \(line.count) bytes (\(record.format))")
        case .decoded(let range):
            fuzzCheck(range.lowerBound >= 0 && range.upperBound <= resolver.decoded.count, "\(name): decoded range \(range) outside \(resolver.decoded.count) decoded bytes (\(record.format))")
        }
        _ = resolver.withBytes(of: value, line: line) { $0.count }
    }
    _ = RecordTime.instant(of: record, line: line)
    return record
}

/// Calls `body` with each line of `input` (split at `\n`, a trailing `\r` dropped), like the scanner's chunks.
public func forEachLine(of input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var start = 0
    while start <= input.count {
        var end = start
        while end < input.count && input[end] != 0x0a { end += 1 }
        var contentEnd = end
        if contentEnd > start && input[contentEnd - 1] == 0x0d { contentEnd -= 1 }
        if start < input.count || start == 0 { body(UnsafeBufferPointer(rebasing: input[start..<contentEnd])) }
        start = end + 1
    }
}

import CFuzzerDriver

/// One input, as libFuzzer hands it over.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer's driver (its command line, corpus and crash handling) over `callback`.
///
/// SwiftPM links an executable's entry point as `<Module>_main` (it renames `main` so tests can link
/// executables) and defines `main` as that symbol, so libFuzzer's own `main` is never linked in: each
/// target defines `<Module>_main` with `@_cdecl` and calls this.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: FuzzCallback) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, callback)
}
