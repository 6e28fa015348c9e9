import EvidenceInput
import Foundation
import Testing
import ZlibCodec

/// Everything a reader handed out, and the error that ended it, if any.
private struct ReadAll {
    var bytes: [UInt8] = []
    var error: InputError?
}

/// Reads `reader` to its end (or its error) through a buffer of `bufferSize` bytes.
private func readAll(_ reader: EvidenceReader, bufferSize: Int = 4096) -> ReadAll {
    var result = ReadAll()
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    while true {
        let attempt: Result<Int, InputError> = buffer.withUnsafeMutableBytes { raw in
            do throws(InputError) { return .success(try reader.read(into: raw)) } catch { return .failure(error) }
        }
        switch attempt {
        case .success(0): return result
        case .success(let count): result.bytes += buffer[0..<count]
        case .failure(let error):
            result.error = error
            return result
        }
    }
}

private func reader(_ path: String, readSize: Int = 1 << 20) throws -> EvidenceReader {
    try EvidenceReader(file: EvidenceFile(displayPath: path, filesystemPath: path), readSize: readSize)
}

@Suite("EvidenceReader")
struct EvidenceReaderTests {
    @Test("a plain file is handed out byte for byte", arguments: [16, 4096, 1 << 16])
    func plainFile(bufferSize: Int) throws {
        // Larger than the 4 KiB read size, so reads and hand-outs do not line up.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 300)
        let path = try folder.write("auth.log", content)
        let evidence = try reader(path, readSize: 4096)
        let result = readAll(evidence, bufferSize: bufferSize)
        #expect(result.error == nil)
        #expect(result.bytes == content)
        #expect(evidence.compression == .none)
        #expect(evidence.decompressedBytes == Int64(content.count))
        #expect(evidence.storedBytes == Int64(content.count))
        #expect(evidence.gzipMembers == 0)
    }

    @Test("plain and gzip copies of the same log give the same bytes")
    func plainAndGzipAgree() throws {
        // auth.log and auth.log.2.gz of the same content must scan identically.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 2000)
        let plain = try folder.write("auth.log", content)
        let stored = try GzipEncoder().member(of: content, modificationTime: 1_741_305_600, originalName: "auth.log")
        let gzip = try folder.write("auth.log.2.gz", stored)
        let plainRead = readAll(try reader(plain, readSize: 4096))
        let gzipReader = try reader(gzip, readSize: 4096)
        let gzipRead = readAll(gzipReader, bufferSize: 1000)
        #expect(plainRead.error == nil && gzipRead.error == nil)
        #expect(plainRead.bytes == content)
        #expect(gzipRead.bytes == content)
        #expect(gzipReader.compression == .gzip)
        #expect(gzipReader.gzipMembers == 1)
        #expect(gzipReader.storedBytes == Int64(stored.count))
        #expect(gzipReader.decompressedBytes == Int64(content.count))
    }

    @Test("two gzip members across read boundaries decode to their concatenation")
    func twoMembersAcrossReads() throws {
        // With a 4 KiB read size the member boundary falls inside a read; the sniff may need the next one.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = incompressibleBytes(4095)
        let second = authLog(lines: 200, host: "db01")
        let encoder = try GzipEncoder()
        let path = try folder.write("joined.gz", encoder.member(of: first) + encoder.member(of: second))
        let evidence = try reader(path, readSize: 4096)
        let result = readAll(evidence, bufferSize: 777)
        #expect(result.error == nil)
        #expect(result.bytes == first + second)
        #expect(evidence.gzipMembers == 2)
    }

    @Test("a member boundary at the very end of a read is decoded across reads", arguments: [4094, 4095, 4096])
    func memberBoundaryAtReadEnd(firstMemberSize: Int) throws {
        // With a 4 KiB read, 4095 leaves the next member's lone 1f at the end of the first read:
        // the sniff needs its 8b from the next read. 4094 and 4096 pin the neighbours.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let encoder = try GzipEncoder()
        var first: [UInt8] = []
        var member: [UInt8] = []
        for size in (firstMemberSize - 40)..<firstMemberSize {
            first = incompressibleBytes(size)
            member = encoder.member(of: first)
            if member.count == firstMemberSize { break }
        }
        try #require(member.count == firstMemberSize)
        let second = authLog(lines: 40)
        let path = try folder.write("joined.gz", member + encoder.member(of: second))
        let evidence = try reader(path, readSize: 4096)
        let result = readAll(evidence, bufferSize: 1 << 16)
        #expect(result.error == nil)
        #expect(result.bytes == first + second)
        #expect(evidence.gzipMembers == 2)
        #expect(evidence.trailingGarbageBytes == 0)
    }

    @Test("finish() returns the SHA-256 of the stored bytes (\"abc\")")
    func knownDigest() throws {
        // FIPS 180-2's test vector: independent of any library on this machine.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("abc", Array("abc".utf8))
        let evidence = try reader(path)
        #expect(readAll(evidence).bytes == Array("abc".utf8))
        #expect(evidence.finish() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("finish() of an empty file is the SHA-256 of nothing")
    func emptyFileDigest() throws {
        // A zero-byte log is evidence too, and its digest is well known.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("empty.log", [])
        let evidence = try reader(path)
        let result = readAll(evidence)
        #expect(result.error == nil && result.bytes.isEmpty)
        #expect(evidence.finish() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("the SHA-256 of a gzip file is of its stored (compressed) bytes, as sha256sum gives")
    func gzipDigestMatchesSha256sum() throws {
        // The report must identify the evidence as it sits on disk, not as decompressed.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("auth.log.3.gz", try GzipEncoder().member(of: authLog(lines: 3000)))
        let evidence = try reader(path, readSize: 4096)
        #expect(readAll(evidence).error == nil)
        #expect(evidence.finish() == (try sha256sum(path)))
    }

    @Test("finish() without reading hashes the whole file")
    func digestWithoutReading() throws {
        // A caller that stops early (cancelled scan) still records the file's identity.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("syslog", incompressibleBytes(20_000))
        let evidence = try reader(path, readSize: 4096)
        #expect(evidence.finish() == (try sha256sum(path)))
        #expect(evidence.storedBytes == 20_000)
    }

    @Test("a truncated gzip hands out what decoded, throws, and still hashes the whole file")
    func truncatedGzip() throws {
        // Cut in the middle: the error must not stop the digest short of the last stored byte.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 4000)
        let whole = try GzipEncoder().member(of: content)
        let path = try folder.write("auth.log.2.gz", Array(whole[0..<(whole.count / 2)]))
        let evidence = try reader(path, readSize: 4096)
        let result = readAll(evidence)
        guard case .damaged(let errorPath, let reason, _, let decompressedOffset, let isChecksum) = result.error else {
            Issue.record("expected .damaged, got \(String(describing: result.error))")
            return
        }
        #expect(errorPath == path)
        #expect(reason.contains("truncated"))
        #expect(!isChecksum)
        #expect(decompressedOffset == Int64(result.bytes.count))
        #expect(result.bytes.count > 0)
        #expect(result.bytes == Array(content[0..<result.bytes.count]))
        #expect(evidence.finish() == (try sha256sum(path)))
        // After the error the reader stays finished.
        #expect(readAll(evidence).bytes.isEmpty)
    }

    @Test("corrupt gzip data in the first read still gives the SHA-256 of the whole file")
    func corruptEarlyHashesWholeFile() throws {
        // Decoding fails on the first block while 60 KB are still unread: finish() must read them.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var stored = try GzipEncoder().member(of: incompressibleBytes(60_000))
        stored[10] = 0x07 // BFINAL with the reserved block type 3
        let path = try folder.write("auth.log.4.gz", stored)
        let evidence = try reader(path, readSize: 4096)
        let result = readAll(evidence)
        guard case .damaged(_, let reason, _, _, let isChecksum) = result.error else {
            Issue.record("expected .damaged, got \(String(describing: result.error))")
            return
        }
        // The inflating library's own words (zlib, or ISA-L where installed).
        #expect(reason.contains(InflateBackend.preferred == .zlib ? "invalid block type" : "invalid deflate block"))
        #expect(!isChecksum)
        #expect(result.bytes.isEmpty)
        #expect(evidence.storedBytes < Int64(stored.count))
        #expect(evidence.finish() == (try sha256sum(path)))
        #expect(evidence.storedBytes == Int64(stored.count))
    }

    @Test("a bad CRC hands out every byte first, then a checksum failure")
    func checksumFailure() throws {
        // A small member is decoded and checked in one inflate call: its lines must not be lost.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 50)
        var stored = try GzipEncoder().member(of: content)
        stored[stored.count - 8] ^= 0xff
        let path = try folder.write("auth.log.2.gz", stored)
        let result = readAll(try reader(path), bufferSize: 1 << 16)
        #expect(result.bytes == content)
        guard case .damaged(_, _, _, let decompressedOffset, let isChecksum) = result.error else {
            Issue.record("expected .damaged, got \(String(describing: result.error))")
            return
        }
        #expect(isChecksum)
        #expect(decompressedOffset == Int64(content.count))
    }

    @Test("a bad length in the gzip trailer is reported as an integrity (checksum) failure")
    func lengthFailureIsChecksumFailure() throws {
        // ISIZE is the member's last 4 bytes; GzipDecoder calls it .checksumMismatch ("incorrect length check").
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 50)
        var stored = try GzipEncoder().member(of: content)
        stored[stored.count - 1] ^= 0x01
        let path = try folder.write("auth.log.2.gz", stored)
        let result = readAll(try reader(path), bufferSize: 1 << 16)
        #expect(result.bytes == content)
        guard case .damaged(_, let reason, _, _, let isChecksum) = result.error else {
            Issue.record("expected .damaged, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains(InflateBackend.preferred == .zlib ? "incorrect length check" : "incorrect checksum"))
        #expect(isChecksum)
    }

    @Test("trailing garbage after the last member is counted and not handed out")
    func trailingGarbage() throws {
        // Zero padding after a gzip member, as left by some copy tools.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 30)
        let garbage = [UInt8](repeating: 0, count: 512)
        let path = try folder.write("auth.log.1.gz", try GzipEncoder().member(of: content) + garbage)
        let evidence = try reader(path)
        let result = readAll(evidence)
        #expect(result.error == nil)
        #expect(result.bytes == content)
        #expect(evidence.trailingGarbageBytes == garbage.count)
    }

    @Test("compression is detected from the content, never the name")
    func compressionByContent() throws {
        // A gzip file named auth.log (renamed by hand) and a plain file named x.gz (mislabelled).
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = authLog(lines: 20)
        let disguisedGzip = try folder.write("auth.log", try GzipEncoder().member(of: content))
        let plainNamedGz = try folder.write("x.gz", content)
        let gzipReader = try reader(disguisedGzip)
        #expect(readAll(gzipReader).bytes == content)
        #expect(gzipReader.compression == .gzip)
        let plainReader = try reader(plainNamedGz)
        #expect(readAll(plainReader).bytes == content)
        #expect(plainReader.compression == .none)
    }

    @Test("a one-byte 0x1f file is plain text, not a broken gzip")
    func singleMagicByteIsPlain() throws {
        // The sniff needs both magic bytes; one alone cannot be gzip.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("odd", [0x1f])
        let evidence = try reader(path)
        let result = readAll(evidence)
        #expect(result.error == nil)
        #expect(result.bytes == [0x1f])
        #expect(evidence.compression == .none)
    }

    @Test("reading leaves the evidence file's bytes, mtime and folder unchanged")
    func readOnly() throws {
        // Forensic rule: the scanner never writes to evidence, nor creates anything beside it.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let content = try GzipEncoder().member(of: authLog(lines: 500))
        let path = try folder.write("auth.log.2.gz", content)
        let past = Date(timeIntervalSince1970: 1_741_341_621)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        let before = try FileManager.default.attributesOfItem(atPath: path)
        let listingBefore = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let evidence = try reader(path, readSize: 4096)
        #expect(readAll(evidence).error == nil)
        _ = evidence.finish()
        let after = try FileManager.default.attributesOfItem(atPath: path)
        #expect(after[.modificationDate] as? Date == past)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
        #expect(after[.size] as? Int == content.count)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == listingBefore)
    }

    @Test("a file that cannot be opened is .unreadable and names the file")
    func unreadable() throws {
        // A path that vanished between discovery and reading (log rotation during the scan).
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = folder.path + "/auth.log.gone"
        #expect {
            _ = try EvidenceReader(file: EvidenceFile(displayPath: "auth.log.gone", filesystemPath: missing))
        } throws: { error in
            guard let error = error as? InputError, case .unreadable(let path, let reason) = error else { return false }
            return path == "auth.log.gone" && !reason.isEmpty && error.description.hasPrefix("auth.log.gone: cannot read")
        }
    }
}
