import Foundation
import Testing
import ZlibCodec

@Suite("GzipEncoder")
struct GzipEncoderTests {
    @Test("the header stores magic, deflate, FNAME flag, MTIME little-endian, OS Unix and the name")
    func headerFields() throws {
        // 2025-03-07 10:00:21 UTC as MTIME and a file name: the two fields the corpus generator sets.
        let member = try GzipEncoder().member(of: Array("abc".utf8), modificationTime: 1_741_341_621, originalName: "auth.log")
        #expect(Array(member[0..<4]) == [0x1f, 0x8b, 8, 0x08])
        let mtime = UInt32(member[4]) | UInt32(member[5]) << 8 | UInt32(member[6]) << 16 | UInt32(member[7]) << 24
        #expect(mtime == 1_741_341_621)
        #expect(member[8] == 0)          // XFL for level 6
        #expect(member[9] == 3)          // OS: Unix
        #expect(Array(member[10..<19]) == Array("auth.log".utf8) + [0])
    }

    @Test("the trailer holds the CRC32 and length of the data")
    func trailer() throws {
        // crc32("abc") = 0x352441c2, as `printf abc | gzip -n` writes it.
        let member = try GzipEncoder().member(of: Array("abc".utf8))
        #expect(Array(member.suffix(8)) == [0xc2, 0x41, 0x24, 0x35, 3, 0, 0, 0])
        #expect(member[3] == 0) // no FNAME
    }

    @Test("the same input gives the same bytes, also when the encoder is reused")
    func deterministic() throws {
        // The corpus generator and golden tests rely on byte-identical gzip output.
        let data = Array(String(repeating: "Mar  7 10:00:21 web01 sshd[2101]: Connection closed by 198.51.100.7 port 52311 [preauth]\n", count: 50).utf8)
        let encoder = try GzipEncoder()
        let first = encoder.member(of: data, modificationTime: 7)
        let second = encoder.member(of: data, modificationTime: 7)
        #expect(first == second)
        #expect(try GzipEncoder().member(of: data, modificationTime: 7) == first)
    }

    @Test("system gzip reads what the encoder writes, two members included")
    func readableBySystemGzip() throws {
        // An independent decoder: our decoder agreeing with our encoder could hide a shared mistake.
        let gzipPath = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let gzipPath else { return }
        let first = Array("Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 203.0.113.9 port 40022 ssh2\n".utf8)
        let second = Array("Mar  7 10:00:22 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/id\n".utf8)
        let encoder = try GzipEncoder(level: 9)
        let stored = encoder.member(of: first, originalName: "a") + encoder.member(of: second)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-zlib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("joined.gz")
        try Data(stored).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzipPath)
        process.arguments = ["-dc", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Array(output) == first + second)
    }
}

@Suite("GzipEncoder streaming")
struct GzipEncoderStreamingTests {
    @Test("a member written in pieces is one member that decodes to the pieces joined")
    func streamedMember() throws {
        // The benchmark's single large .gz is written this way: bounded memory, one member.
        let encoder = try GzipEncoder()
        let pieces: [[UInt8]] = (0..<5).map { index in Array(String(repeating: "Mar  7 10:00:0\(index) web01 sshd[1]: line \(index)\n", count: 3000).utf8) }
        var member = encoder.beginMember(originalName: "x")
        for piece in pieces { member += encoder.compress(piece) }
        member += encoder.finishMember()
        let decoder = try GzipDecoder()
        var output = [UInt8](repeating: 0, count: 1 << 20)
        var decoded: [UInt8] = []
        var position = 0
        while position < member.count {
            let step = try member.withUnsafeBytes { input in
                try output.withUnsafeMutableBytes { try decoder.decode(UnsafeRawBufferPointer(rebasing: input[position...]), into: $0) }
            }
            decoded += output[0..<step.produced]
            position += step.consumed
            if step.consumed == 0 && step.produced == 0 { break }
        }
        try decoder.finish()
        #expect(decoded == pieces.flatMap { $0 })
        #expect(decoder.membersCompleted == 1)
    }
}
