import EvidenceInput
import LineChunking
import Testing
import ZlibCodec

@Suite("LineChunker")
struct LineChunkerTests {
    @Test("chunks concatenate to the input and every line keeps its number and offset", arguments: [1, 64, 100, 333, 4096])
    func exactAcrossChunks(target: Int) throws {
        // 400 lines of 1 to ~140 bytes, empty lines included: chunk cuts fall before, inside and after each.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let input = variedAuthLog(lines: 400)
        var chunker = LineChunker(targetChunkBytes: target)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        #expect(run.error == nil)
        #expect(run.chunks.flatMap(\.bytes) == input)
        #expect(run.chunks.map(\.index) == Array(0..<run.chunks.count))
        let reference = referenceLines(input)
        #expect(run.lines == reference)
        #expect(run.linesByStarts == reference)
        #expect(chunker.lineCount == reference.count)
        #expect(chunker.truncatedLines == 0 && chunker.discardedBytes == 0)
        var offset: Int64 = 0
        for chunk in run.chunks {
            #expect(chunk.startOffset == offset)
            offset += Int64(chunk.bytes.count)
            #expect(chunk.truncatedLine == nil)
            // Whole lines only: every chunk but the last ends at a newline.
            if chunk.index < run.chunks.count - 1 { #expect(chunk.bytes.last == 0x0a) }
        }
    }

    @Test("chunks stay near the target: over it only when a single line is longer")
    func chunkSize() throws {
        // 200-byte target over lines of at most ~140 bytes: no chunk may hold two lines past the target.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let input = variedAuthLog(lines: 300)
        var chunker = LineChunker(targetChunkBytes: 200)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        for chunk in run.chunks.dropLast() {
            let lineCount = chunk.bytes.filter { $0 == 0x0a }.count
            #expect(chunk.bytes.count <= 200 || lineCount == 1)
        }
    }

    @Test("CRLF lines: the content range excludes the \\r, offsets count it")
    func crlfLines() throws {
        // Logs copied from Windows hosts: `\S+$` would swallow a `\r` left in the subject.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let input = Array("Mar  7 10:00:21 web01 sshd[2101]: Accepted publickey for deploy from 192.0.2.4 port 50022 ssh2\r\nMar  7 10:00:22 web01 sshd[2101]: pam_unix(sshd:session): session opened for user deploy\r\n\r\nlast\r".utf8)
        var chunker = LineChunker(targetChunkBytes: 64)
        let run = chunkAll(&chunker, try folder.reader("secure", input))
        #expect(run.chunks.flatMap(\.bytes) == input)
        let lines = run.lines
        #expect(lines == referenceLines(input))
        #expect(run.linesByStarts == lines)
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(lines.allSatisfy { !$0.content.contains(0x0d) })
        #expect(lines[1].offset == Int64(input.firstIndex(of: 0x0a)! + 1))
        #expect(lines[2].content.isEmpty)
        #expect(lines[3].content == Array("last".utf8))
    }

    @Test("a final line without newline is a line")
    func missingFinalNewline() throws {
        // A log cut by a crash or copied mid-write: the last record has no `\n`.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let input = Array("Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 port 52311 [preauth]\nMar  7 10:00:22 web01 sshd[2102]: Disconnected from".utf8)
        var chunker = LineChunker(targetChunkBytes: 64)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        #expect(run.chunks.flatMap(\.bytes) == input)
        #expect(run.lines == referenceLines(input))
        #expect(run.lines.count == 2)
        #expect(chunker.lineCount == 2)
    }

    @Test("NUL bytes and invalid UTF-8 inside lines are kept as they are")
    func binaryInsideLines() throws {
        // A NUL run from a crashed write, and Latin-1 / 0xff bytes in a user name: bytes, not text.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        var input = Array("Mar  7 10:00:21 web01 sshd[2101]: Invalid user ".utf8) + [0xff, 0xfe, 0x50, 0x34] + Array(" from 203.0.113.5 port 40001\n".utf8)
        input += [0, 0, 0, 0, 0, 0, 0, 0] + Array("Mar  7 10:00:22 web01 su[88]: FAILED SU (to root) j".utf8) + [0xe9, 0x72, 0xf4, 0x6d, 0x65] + Array(" on pts/1\n".utf8)
        input += [0xc3] + Array(" after a cut multi-byte sequence\n".utf8)
        var chunker = LineChunker(targetChunkBytes: 32)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        #expect(run.chunks.flatMap(\.bytes) == input)
        #expect(run.lines == referenceLines(input))
        #expect(run.lines.count == 3)
        #expect(run.lines[1].content.prefix(8) == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("an empty file gives no chunk")
    func emptyFile() throws {
        // A rotated-away log left empty: zero lines, no error.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        var chunker = LineChunker(targetChunkBytes: 64)
        let run = chunkAll(&chunker, try folder.reader("auth.log", []))
        #expect(run.error == nil)
        #expect(run.chunks.isEmpty)
        #expect(chunker.lineCount == 0)
    }

    @Test("an over-long line is cut to the limit; the next line keeps its number and offset")
    func overlongLine() throws {
        // A 300-byte line against a 100-byte limit, between two ordinary lines.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let before = Array("Mar  7 10:00:21 web01 sshd[2101]: Connection from 192.0.2.1\n".utf8)
        let header = Array("Mar  7 10:00:22 web01 sshd[2101]: banner exchange: invalid format ".utf8)
        let long = header + [UInt8](repeating: UInt8(ascii: "A"), count: 300 - header.count)
        let after = Array("Mar  7 10:00:23 web01 sshd[2101]: Connection closed by 192.0.2.1\n".utf8)
        #expect(long.count == 300)
        let input = before + long + [0x0a] + after
        var chunker = LineChunker(targetChunkBytes: 64, maximumLineBytes: 100)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        #expect(run.error == nil)
        let cut = try #require(run.chunks.first { $0.truncatedLine != nil })
        #expect(cut.truncatedLine == 300)
        #expect(cut.bytes == Array(long.prefix(100)))
        #expect(cut.firstLineNumber == 2)
        #expect(cut.startOffset == Int64(before.count))
        // The over-long line ends its chunk.
        let next = try #require(run.chunks.first { $0.index == cut.index + 1 })
        #expect(next.firstLineNumber == 3)
        #expect(next.startOffset == Int64(before.count + 301))
        #expect(next.bytes == after)
        #expect(run.lines.map(\.number) == [1, 2, 3])
        #expect(chunker.truncatedLines == 1)
        #expect(chunker.discardedBytes == 200)
        #expect(chunker.lineCount == 3)
    }

    @Test("a line of exactly the limit is kept whole; one byte more is cut", arguments: [(100, false), (101, true)])
    func limitBoundary(length: Int, isCut: Bool) throws {
        // The limit counts content bytes, not the newline.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: length)
        let input = line + [0x0a] + Array("Mar  7 10:00:23 web01 sshd[7]: next\n".utf8)
        var chunker = LineChunker(targetChunkBytes: 64, maximumLineBytes: 100)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input))
        #expect(chunker.truncatedLines == (isCut ? 1 : 0))
        #expect(chunker.discardedBytes == (isCut ? 1 : 0))
        #expect(run.lines.first?.content.count == 100)
        #expect(run.lines.last?.number == 2)
        #expect(run.lines.last?.offset == Int64(length + 1))
    }

    @Test("a CRLF line of exactly the limit is not cut: the \\r is part of the terminator")
    func crlfLineAtLimit() throws {
        // 100 content bytes + `\r\n` against a 100-byte limit: nothing is lost, so nothing should be counted.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let content = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let input = content + [0x0d, 0x0a] + Array("next\r\n".utf8)
        var chunker = LineChunker(targetChunkBytes: 64, maximumLineBytes: 100)
        let run = chunkAll(&chunker, try folder.reader("secure", input))
        #expect(run.lines.first?.content == content)
        #expect(run.lines.last == LocatedLine(number: 2, offset: 102, content: Array("next".utf8)))
        #expect(chunker.truncatedLines == 0)
        #expect(run.chunks.allSatisfy { $0.truncatedLine == nil })
    }

    @Test("an over-long last line without newline is cut and counted")
    func overlongLastLineWithoutNewline() throws {
        // The file ends inside a huge record (a binary blob appended to a log).
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let first = Array("Mar  7 10:00:21 web01 kernel: [    0.000000] Linux version 6.1.0-18-amd64\n".utf8)
        let blob = [UInt8](repeating: 0x42, count: 500)
        var chunker = LineChunker(targetChunkBytes: 64, maximumLineBytes: 128)
        let run = chunkAll(&chunker, try folder.reader("kern.log", first + blob))
        #expect(run.error == nil)
        let last = try #require(run.chunks.last)
        #expect(last.truncatedLine == 500)
        #expect(last.bytes == Array(blob.prefix(128)))
        #expect(last.firstLineNumber == 2)
        #expect(last.startOffset == Int64(first.count))
        #expect(chunker.truncatedLines == 1)
        #expect(chunker.discardedBytes == 372)
        #expect(chunker.lineCount == 2)
    }

    @Test("an over-long line spanning several reads is discarded up to its newline")
    func overlongLineAcrossReads() throws {
        // 20,000 bytes against a 4 KiB read size: the cut must keep reading, not treat each read as a line.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let first = Array("Mar  7 10:00:21 web01 sshd[1]: a\n".utf8)
        let long = [UInt8](repeating: UInt8(ascii: "y"), count: 20_000)
        let tail = Array("Mar  7 10:00:24 web01 sshd[1]: b\nMar  7 10:00:25 web01 sshd[1]: c\n".utf8)
        let input = first + long + [0x0a] + tail
        var chunker = LineChunker(targetChunkBytes: 64, maximumLineBytes: 5000)
        let run = chunkAll(&chunker, try folder.reader("auth.log", input, readSize: 4096))
        #expect(run.error == nil)
        let cut = try #require(run.chunks.first { $0.truncatedLine != nil })
        #expect(cut.truncatedLine == 20_000)
        #expect(cut.bytes.count == 5000)
        #expect(chunker.truncatedLines == 1)
        #expect(chunker.discardedBytes == 15_000)
        let lines = run.lines
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(lines[2] == LocatedLine(number: 3, offset: Int64(first.count + 20_001), content: Array("Mar  7 10:00:24 web01 sshd[1]: b".utf8)))
        #expect(lines[3].offset == Int64(first.count + 20_001 + 33))
    }

    @Test("a line longer than the limit but shorter than the chunk target is cut too")
    func overlongLineInsideTarget() throws {
        // `--max-line-bytes 256` with the default 1 MiB chunk: a 1000-byte second line, whole file under the target.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let first = Array("Mar  7 10:00:21 web01 sshd[2101]: Connection from 192.0.2.1\n".utf8)
        let header = Array("Mar  7 10:00:22 web01 sshd[2101]: Bad protocol version identification '".utf8)
        let long = header + [UInt8](repeating: UInt8(ascii: "Z"), count: 1000 - header.count)
        let last = Array("Mar  7 10:00:23 web01 sshd[2101]: ok\n".utf8)
        var chunker = LineChunker(targetChunkBytes: 1 << 20, maximumLineBytes: 256)
        let run = chunkAll(&chunker, try folder.reader("auth.log", first + long + [0x0a] + last))
        #expect(chunker.truncatedLines == 1)
        #expect(chunker.discardedBytes == 744)
        #expect(run.chunks.contains { $0.truncatedLine == 1000 })
        #expect(run.lines.map(\.content.count).max() == 256)
        #expect(run.lines.map(\.number) == [1, 2, 3])
        #expect(run.lines.last?.offset == Int64(first.count + 1001))
    }

    @Test("a damaged gzip delivers the lines before the damage, then throws")
    func readerErrorMidStream() throws {
        // A truncated auth.log.2.gz: the good first half must still be scanned, with exact numbers.
        let folder = try EvidenceFolder()
        defer { folder.remove() }
        let input = variedAuthLog(lines: 3000)
        let whole = try GzipEncoder().member(of: input)
        var chunker = LineChunker(targetChunkBytes: 1000)
        let run = chunkAll(&chunker, try folder.reader("auth.log.2.gz", Array(whole[0..<(whole.count / 2)])))
        guard case .damaged(let path, let reason, _, let decompressedOffset, _) = run.error else {
            Issue.record("expected .damaged, got \(String(describing: run.error))")
            return
        }
        #expect(path == "auth.log.2.gz")
        #expect(reason.contains("truncated"))
        let delivered = run.chunks.flatMap(\.bytes)
        #expect(delivered.count > 1000)
        #expect(Int64(delivered.count) == decompressedOffset)
        #expect(delivered == Array(input.prefix(delivered.count)))
        // Every line delivered is located as in the intact file (the last may be cut short by the damage).
        let reference = referenceLines(input)
        let lines = run.lines
        #expect(lines.count > 10)
        #expect(Array(lines.dropLast()) == Array(reference.prefix(lines.count - 1)))
        #expect(lines.last?.number == lines.count)
    }
}
