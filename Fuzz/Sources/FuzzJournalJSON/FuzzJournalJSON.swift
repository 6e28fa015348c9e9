import FuzzSupport
import RecordParsing

/// `journalctl -o json` lines. The input is one line (newlines inside it are left in: the JSON scanner
/// must stay inside the buffer whatever it holds); it is read as a record, then every field, including
/// the journal's own keys and the keys the line itself names. Checks: ranges inside their buffers;
/// a line starting with `{` that is recognised is a journal entry; nothing traps.
nonisolated(unsafe) let resolver = FieldResolver()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let line = fuzzInput(data, size)
    let record = exerciseRecord(line, resolver: resolver)
    if record.format == .journalJSON {
        fuzzCheck(size > 2 && data[0] == UInt8(ascii: "{"), "a journal entry that does not start with {")
        // Keys the line itself holds (the first few quoted words) as field names: open key sets.
        var names: [FieldName] = []
        var index = 0
        while index < size && names.count < 8 {
            guard data[index] == UInt8(ascii: "\"") else { index += 1; continue }
            var end = index + 1
            while end < size && data[end] != UInt8(ascii: "\"") && end - index < 40 { end += 1 }
            names.append(FieldName(String(decoding: UnsafeBufferPointer(start: data + index + 1, count: end - index - 1), as: UTF8.self)))
            index = end + 1
        }
        exerciseRecord(line, resolver: resolver, names: names)
    }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzJournalJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
