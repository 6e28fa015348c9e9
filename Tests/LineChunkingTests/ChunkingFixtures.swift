import EvidenceInput
import Foundation
import LineChunking

/// A private folder for evidence files, removed by ``remove()``.
struct EvidenceFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-chunking-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` as `name` and opens a reader on it.
    func reader(_ name: String, _ bytes: [UInt8], readSize: Int = 4096) throws -> EvidenceReader {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return try EvidenceReader(file: EvidenceFile(displayPath: name, filesystemPath: file.path), readSize: readSize)
    }
}

/// One line as the chunker reports it: number, absolute offset, and content (no terminator).
struct LocatedLine: Equatable, CustomStringConvertible {
    var number: Int
    var offset: Int64
    var content: [UInt8]

    var description: String { "#\(number)@\(offset) \(String(decoding: content, as: UTF8.self).debugDescription)" }
}

/// All chunks of a stream, and the error that ended it.
struct ChunkRun {
    var chunks: [Chunk] = []
    var error: InputError?

    /// Every line of every chunk, located by the chunk's own numbering.
    var lines: [LocatedLine] {
        var out: [LocatedLine] = []
        for chunk in chunks {
            chunk.forEachLine { content, index, start in
                out.append(LocatedLine(number: chunk.firstLineNumber + index, offset: chunk.startOffset + Int64(start), content: Array(content)))
            }
        }
        return out
    }

    /// The same lines found through `lineStarts(into:)` and `contentRange(ofLine:lineStarts:)`.
    var linesByStarts: [LocatedLine] {
        var out: [LocatedLine] = []
        var starts: [Int32] = []
        for chunk in chunks {
            chunk.lineStarts(into: &starts)
            for index in starts.indices {
                let range = chunk.contentRange(ofLine: index, lineStarts: starts)
                out.append(LocatedLine(number: chunk.firstLineNumber + index, offset: chunk.startOffset + Int64(range.lowerBound), content: Array(chunk.bytes[range])))
            }
        }
        return out
    }
}

/// Runs `chunker` over `reader` to the end or its error.
func chunkAll(_ chunker: inout LineChunker, _ reader: EvidenceReader) -> ChunkRun {
    var run = ChunkRun()
    do throws(InputError) {
        while let chunk = try chunker.next(from: reader) { run.chunks.append(chunk) }
    } catch {
        run.error = error
    }
    return run
}

/// The reference: split `input` at every `\n`, strip one trailing `\r`, number from 1, offsets from 0.
/// A final line without newline is a line; nothing after a final newline is.
func referenceLines(_ input: [UInt8]) -> [LocatedLine] {
    var out: [LocatedLine] = []
    var start = 0
    var number = 1
    while start < input.count {
        let end = input[start...].firstIndex(of: 0x0a) ?? input.count
        var contentEnd = end
        if contentEnd > start && input[contentEnd - 1] == 0x0d { contentEnd -= 1 }
        out.append(LocatedLine(number: number, offset: Int64(start), content: Array(input[start..<contentEnd])))
        number += 1
        start = end + 1
    }
    return out
}

/// Real-shaped auth.log lines of varying length (28 to ~140 bytes), so chunk cuts land everywhere.
func variedAuthLog(lines: Int) -> [UInt8] {
    var text = ""
    for index in 0..<lines {
        let second = index % 60
        let stamp = "Mar  7 10:02:\(second < 10 ? "0" : "")\(second)"
        switch index % 5 {
        case 0: text += "\(stamp) web01 sshd[\(2100 + index)]: Failed password for invalid user \(String(repeating: "x", count: index % 23)) from 203.0.113.\(index % 250) port \(40000 + index) ssh2\n"
        case 1: text += "\(stamp) web01 kernel: [\(index).000] x\n"
        case 2: text += "\(stamp) web01 sudo:    alice : TTY=pts/\(index % 9) ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n"
        case 3: text += "\n"
        default: text += "\(stamp) web01 CRON[\(3000 + index)]: (root) CMD (run-parts /etc/cron.hourly)\n"
        }
    }
    return Array(text.utf8)
}
