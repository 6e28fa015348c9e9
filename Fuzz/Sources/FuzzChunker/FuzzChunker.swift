#if canImport(Glibc)
import Glibc
#endif
import EvidenceInput
import FuzzSupport
import LineChunking

/// The line chunker, through the real `EvidenceReader` (the input is written to a temporary file).
/// The first two input bytes pick the chunk target (1…256 bytes) and the line limit (1…256 bytes), so
/// cuts and over-long lines fall everywhere; the rest is the evidence.
///
/// Checks (plain text only; input that starts like gzip is decoded, and only has to not trap):
/// chunk indexes are consecutive; each chunk starts at the next line number and at the byte offset
/// where the previous one ended; the chunks concatenate to the input except that an over-long line
/// is its first `limit` bytes alone in its chunk, with `truncatedLine` its full length; every chunk
/// but the last ends with a newline; no line in an ordinary chunk exceeds the limit; `lineCount`,
/// `truncatedLines` and `discardedBytes` agree; plain text never ends in an error.
let path: String = {
    var template = Array("/tmp/spoor-fuzz-chunker-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    precondition(descriptor >= 0, "mkstemp failed")
    close(descriptor)
    return String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    guard size >= 2 else { return 0 }
    let target = Int(data[0]) + 1
    let limit = Int(data[1]) + 1
    let payload = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    let descriptor = open(path, O_WRONLY | O_TRUNC)
    fuzzCheck(descriptor >= 0, "cannot open \(path)")
    let written = payload.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    fuzzCheck(written == payload.count, "short write")

    let reader: EvidenceReader
    do { reader = try EvidenceReader(file: EvidenceFile(displayPath: "fuzz.log", filesystemPath: path)) } catch {
        fuzzCheck(false, "cannot open the evidence: \(error)")
        return 0
    }
    var chunker = LineChunker(targetChunkBytes: target, maximumLineBytes: limit)
    let isGzip = payload.count >= 2 && payload[0] == 0x1f && payload[1] == 0x8b
    var position = 0
    var lineNumber = 1
    var expectedIndex = 0
    var truncated = 0
    var discarded: Int64 = 0
    var sawLastChunk = false
    while true {
        let next: Chunk?
        do { next = try chunker.next(from: reader) } catch {
            fuzzCheck(isGzip, "plain text ended in an error: \(error)")
            break
        }
        guard let chunk = next else { break }
        if isGzip { continue }
        fuzzCheck(!sawLastChunk, "a chunk after one that did not end with a newline")
        fuzzCheck(chunk.index == expectedIndex, "chunk index \(chunk.index), expected \(expectedIndex)")
        fuzzCheck(chunk.firstLineNumber == lineNumber, "first line \(chunk.firstLineNumber), expected \(lineNumber)")
        fuzzCheck(chunk.startOffset == Int64(position), "start offset \(chunk.startOffset), expected \(position)")
        fuzzCheck(!chunk.bytes.isEmpty, "an empty chunk")
        expectedIndex += 1
        if let full = chunk.truncatedLine {
            let newline = payload[position...].firstIndex(of: 0x0a) ?? payload.count
            var content = newline - position
            if content > 0 && payload[newline - 1] == 0x0d { content -= 1 }
            fuzzCheck(content > limit, "line of \(content) bytes cut at a limit of \(limit)")
            fuzzCheck(full == Int64(content), "truncatedLine \(full), the line has \(content) bytes")
            fuzzCheck(chunk.bytes.count == limit && chunk.bytes[...] == payload[position..<(position + limit)], "a cut line is not the line's first \(limit) bytes")
            truncated += 1
            discarded += Int64(content - limit)
            position = min(newline + 1, payload.count)
            lineNumber += 1
            continue
        }
        let end = position + chunk.bytes.count
        fuzzCheck(end <= payload.count && chunk.bytes[...] == payload[position..<end], "chunk bytes differ from the input at offset \(position)")
        var lines = 0
        var start = 0
        while start < chunk.bytes.count {
            let newline = chunk.bytes[start...].firstIndex(of: 0x0a) ?? chunk.bytes.count
            var content = newline - start
            if content > 0 && chunk.bytes[newline - 1] == 0x0d { content -= 1 }
            fuzzCheck(content <= limit, "a line of \(content) bytes over the limit \(limit) was not cut")
            lines += 1
            start = newline + 1
        }
        if chunk.bytes.last != 0x0a { sawLastChunk = true }
        position = end
        lineNumber += lines
    }
    if !isGzip {
        fuzzCheck(position == payload.count, "chunks covered \(position) of \(payload.count) bytes")
        fuzzCheck(chunker.lineCount == lineNumber - 1, "lineCount \(chunker.lineCount), chunks held \(lineNumber - 1) lines")
        fuzzCheck(chunker.truncatedLines == truncated, "truncatedLines \(chunker.truncatedLines), saw \(truncated)")
        fuzzCheck(chunker.discardedBytes == discarded, "discardedBytes \(chunker.discardedBytes), expected \(discarded)")
    }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzChunker_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
