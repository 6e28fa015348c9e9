import ArchiveCodec
import EvidenceInput
import Foundation
import Testing
import ZlibCodec

/// Archives as evidence: listed by ``ArchiveListing`` (through discovery), read by ``ArchiveWalk``.
/// Fixtures are written with libarchive's writer, so each format and filter is the real thing.
@Suite("Archive evidence")
struct ArchiveInputTests {
    /// A plain log and a gzip-compressed rotated one, as a collector would pack `/var/log`.
    static let plainLog = authLog(lines: 40)
    static let rotatedLog = authLog(lines: 30, host: "web02")
    static let rotatedGzip = try! GzipEncoder().member(of: rotatedLog, modificationTime: 1_741_219_202)

    struct Packing: Sendable, CustomTestStringConvertible {
        var name: String
        var format: ArchiveWriter.Format
        var filter: ArchiveWriter.Filter
        var expectedFormat: String
        var expectedFilters: [String]
        var testDescription: String { name }
    }

    static let packings: [Packing] = [
        Packing(name: "logs.tar", format: .tar, filter: .none, expectedFormat: "tar", expectedFilters: []),
        Packing(name: "logs.tgz", format: .tar, filter: .gzip, expectedFormat: "tar", expectedFilters: ["gzip"]),
        Packing(name: "logs.tar.bz2", format: .tar, filter: .bzip2, expectedFormat: "tar", expectedFilters: ["bzip2"]),
        Packing(name: "logs.tar.xz", format: .tar, filter: .xz, expectedFormat: "tar", expectedFilters: ["xz"]),
        Packing(name: "logs.tar.zst", format: .tar, filter: .zstd, expectedFormat: "tar", expectedFilters: ["zstd"]),
        Packing(name: "logs.zip", format: .zip, filter: .none, expectedFormat: "zip", expectedFilters: []),
        Packing(name: "logs.7z", format: .sevenZip, filter: .none, expectedFormat: "7z", expectedFilters: []),
        Packing(name: "logs.cpio", format: .cpio, filter: .none, expectedFormat: "cpio", expectedFilters: []),
        // The name says nothing: the format is told by content.
        Packing(name: "collected.bin", format: .tar, filter: .xz, expectedFormat: "tar", expectedFilters: ["xz"]),
    ]

    @Test("each format and filter: the archive, then its regular members as archive!member, streamed with their hashes and mtimes", arguments: packings)
    func formats(_ packing: Packing) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/" + packing.name
        let writer = try ArchiveWriter(path: path, format: packing.format, filter: packing.filter)
        try writer.addDirectory(name: "var/log/", modificationTime: 1_741_300_000)
        try writer.addFile(name: "var/log/auth.log", bytes: Self.plainLog, modificationTime: 1_741_340_000)
        try writer.addFile(name: "var/log/auth.log.2.gz", bytes: Self.rotatedGzip, modificationTime: 1_741_219_202)
        try writer.close()

        let files = EvidenceDiscovery.discover([path]).files
        #expect(files.map(\.displayPath) == [path, path + "!var/log/auth.log", path + "!var/log/auth.log.2.gz"])
        #expect(files[0].kind == .archive(format: packing.expectedFormat, filters: packing.expectedFilters))
        #expect(files[1].kind == .plain)
        #expect(files[1].member?.modificationTime == 1_741_340_000)
        #expect(files[1].member?.containerIndex == 0)
        #expect(files[2].member?.leadingBytes.prefix(2) == [0x1f, 0x8b])

        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.read[1]?.bytes == Self.plainLog)
        #expect(visitor.read[2]?.bytes == Self.rotatedLog, "the gzip member is decompressed by the gzip reader")
        #expect(visitor.read[2]?.compression == .gzip)
        #expect(visitor.read[1]?.sha256 == sha256Hex(Self.plainLog))
        #expect(visitor.read[2]?.sha256 == sha256Hex(Self.rotatedGzip), "a member's hash covers its stored (compressed) bytes")
        let outcome = try #require(visitor.finished[0])
        #expect(outcome.error == nil)
        #expect(outcome.sha256 == (try sha256sum(path)))
        #expect(visitor.opened == [0])
        #expect(visitor.missed.isEmpty)
    }

    @Test("plain text, a lone .gz and an empty file are not archives")
    func notArchives() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("auth.log", Self.plainLog)
        try folder.write("auth.log.2.gz", Self.rotatedGzip)
        try folder.write("empty.log", [])
        let files = EvidenceDiscovery.discover([folder.path]).files
        #expect(files.count == 3)
        #expect(files.allSatisfy { $0.kind == .plain && $0.member == nil })
    }

    @Test("traversal and absolute member names are labels: read, never used as paths, nothing written")
    func traversalNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.makeFolder("in/deeper")
        let path = folder.path + "/in/deeper/hostile.tar"
        let writer = try ArchiveWriter(path: path, format: .tar)
        try writer.addFile(name: "../../x.log", bytes: Self.plainLog)
        try writer.addFile(name: "/abs/y.log", bytes: Self.rotatedLog)
        try writer.close()
        let before = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()

        let files = EvidenceDiscovery.discover([path]).files
        #expect(files.map(\.displayPath) == [path, path + "!../../x.log", path + "!/abs/y.log"])
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.read[1]?.bytes == Self.plainLog)
        #expect(visitor.read[2]?.bytes == Self.rotatedLog)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted() == before)
        #expect(!FileManager.default.fileExists(atPath: "/abs/y.log"))
    }

    @Test("symbolic links and directories are recorded on the archive and skipped")
    func symbolicLinks() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/links.tar.gz"
        let writer = try ArchiveWriter(path: path, format: .tar, filter: .gzip)
        try writer.addDirectory(name: "var/log/")
        try writer.addSymbolicLink(name: "var/log/messages", target: "/etc/shadow")
        try writer.addFile(name: "var/log/auth.log", bytes: Self.plainLog)
        try writer.close()

        let files = EvidenceDiscovery.discover([path]).files
        #expect(files.map(\.displayPath) == [path, path + "!var/log/auth.log"])
        #expect(files[0].notes.contains("1 directory in the archive (nothing to scan)"))
        #expect(files[0].notes.contains { $0.contains("symbolic link var/log/messages -> /etc/shadow") })
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.read[1]?.bytes == Self.plainLog)
    }

    @Test("a zip inside a tar is streamed: outer.tar!inner.zip!file, with both archives' entries")
    func nested() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let inner = folder.path + "/inner.zip"
        let zip = try ArchiveWriter(path: inner, format: .zip)
        try zip.addFile(name: "auth.log.2.gz", bytes: Self.rotatedGzip, modificationTime: 1_741_219_202)
        try zip.close()
        let zipBytes = Array(try Data(contentsOf: URL(fileURLWithPath: inner)))
        try FileManager.default.removeItem(atPath: inner)
        let outer = folder.path + "/outer.tar"
        let tar = try ArchiveWriter(path: outer, format: .tar)
        try tar.addFile(name: "inner.zip", bytes: zipBytes)
        try tar.addFile(name: "auth.log", bytes: Self.plainLog)
        try tar.close()

        let files = EvidenceDiscovery.discover([outer]).files
        #expect(files.map(\.displayPath) == [outer, outer + "!inner.zip", outer + "!inner.zip!auth.log.2.gz", outer + "!auth.log"])
        #expect(files[1].kind == .archive(format: "zip", filters: []))
        #expect(files[2].member?.containerIndex == 1)
        #expect(files[2].member?.depth == 2)
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.opened == [0, 1])
        #expect(visitor.read[2]?.bytes == Self.rotatedLog)
        #expect(visitor.read[3]?.bytes == Self.plainLog)
        #expect(visitor.finished[1]?.sha256 == sha256Hex(zipBytes))
        #expect(visitor.finished[1]?.storedBytes == Int64(zipBytes.count))
    }

    @Test("a 7z inside a tar.gz is read from memory (7z must seek; a member stream cannot)")
    func nestedSevenZip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let inner = folder.path + "/inner.7z"
        let sevenZip = try ArchiveWriter(path: inner, format: .sevenZip)
        try sevenZip.addFile(name: "auth.log", bytes: Self.plainLog)
        try sevenZip.addFile(name: "auth.log.2.gz", bytes: Self.rotatedGzip)
        try sevenZip.close()
        let innerBytes = Array(try Data(contentsOf: URL(fileURLWithPath: inner)))
        try FileManager.default.removeItem(atPath: inner)
        let outer = folder.path + "/outer.tar.gz"
        let tar = try ArchiveWriter(path: outer, format: .tar, filter: .gzip)
        try tar.addFile(name: "inner.7z", bytes: innerBytes)
        try tar.addFile(name: "after.log", bytes: Self.rotatedLog)
        try tar.close()

        let files = EvidenceDiscovery.discover([outer]).files
        #expect(files.map(\.displayPath) == [outer, outer + "!inner.7z", outer + "!inner.7z!auth.log", outer + "!inner.7z!auth.log.2.gz", outer + "!after.log"])
        #expect(files[1].kind == .archive(format: "7z", filters: []))
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.read[2]?.bytes == Self.plainLog)
        #expect(visitor.read[3]?.bytes == Self.rotatedLog)
        #expect(visitor.read[4]?.bytes == Self.rotatedLog)
        #expect(visitor.finished[1]?.error == nil)
        #expect(visitor.finished[1]?.sha256 == sha256Hex(innerBytes))
        #expect(visitor.finished[1]?.storedBytes == Int64(innerBytes.count))
    }

    @Test("archives nested deeper than the limit are hashed and reported, not opened")
    func nestingLimit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // level 6 holds the log; each level is a tar holding the next.
        var bytes = Self.plainLog
        var name = "deep.log"
        for level in stride(from: 6, through: 1, by: -1) {
            let path = folder.path + "/level\(level).tar"
            let writer = try ArchiveWriter(path: path, format: .tar)
            try writer.addFile(name: name, bytes: bytes)
            try writer.close()
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            name = "level\(level).tar"
            if level > 1 { try FileManager.default.removeItem(atPath: path) }
        }
        let path = folder.path + "/level1.tar"
        let files = EvidenceDiscovery.discover([path]).files
        // level1 (depth 1) … level4 opened; level5 is a member at depth 4 holding an archive: not opened.
        #expect(files.map(\.displayPath) == [path, path + "!level2.tar", path + "!level2.tar!level3.tar",
                                             path + "!level2.tar!level3.tar!level4.tar",
                                             path + "!level2.tar!level3.tar!level4.tar!level5.tar"])
        guard case .unopenedArchive(let reason) = files[4].kind else {
            Issue.record("level5.tar should not be opened: \(files[4].kind)")
            return
        }
        #expect(reason.contains("deeper than \(ArchiveListing.maximumNestingDepth)"))
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.finished[4]?.error == reason)
        #expect(visitor.finished[4]?.sha256 != nil)
        #expect(visitor.opened == [0, 1, 2, 3, 4])
    }

    @Test("an encrypted zip: without the password each member is an error and the listing goes on; with it, members are read")
    func encryptedZip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/export.zip"
        let writer = try ArchiveWriter(path: path, format: .zip, password: "hunter2")
        try writer.addFile(name: "auth.log", bytes: Self.plainLog)
        try writer.addFile(name: "auth.log.2.gz", bytes: Self.rotatedGzip)
        try writer.close()

        let locked = EvidenceDiscovery.discover([path]).files
        #expect(locked.map(\.displayPath) == [path, path + "!auth.log", path + "!auth.log.2.gz"])
        let lockedVisit = CollectingVisitor()
        ArchiveWalk.walk(locked, archiveIndex: 0, visitor: lockedVisit)
        #expect(lockedVisit.read[1]?.error?.description.contains("assphrase") == true, "\(String(describing: lockedVisit.read[1]?.error))")
        #expect(lockedVisit.read[2]?.error != nil)
        #expect(lockedVisit.read[1]?.bytes.isEmpty == true)

        let files = EvidenceDiscovery.discover([path], archivePasswords: ["wrong", "hunter2"]).files
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, passwords: ["wrong", "hunter2"], visitor: visitor)
        #expect(visitor.read[1]?.bytes == Self.plainLog)
        #expect(visitor.read[2]?.bytes == Self.rotatedLog)
        #expect(visitor.read[1]?.error == nil)
        #expect(visitor.finished[0]?.error == nil)
    }

    @Test("a truncated tar.gz: members before the damage are read, the archive says where it stopped")
    func truncatedArchive() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/cut.tar.gz"
        let writer = try ArchiveWriter(path: path, format: .tar, filter: .gzip)
        try writer.addFile(name: "a.log", bytes: Self.plainLog)
        try writer.addFile(name: "b.log", bytes: incompressibleBytes(200_000))
        try writer.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))

        let files = EvidenceDiscovery.discover([path]).files
        #expect(files.map(\.displayPath) == [path, path + "!a.log", path + "!b.log"])
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(files, archiveIndex: 0, visitor: visitor)
        #expect(visitor.read[1]?.bytes == Self.plainLog)
        #expect(visitor.read[2]?.error != nil, "b.log is cut")
        #expect(visitor.finished[0]?.error != nil)
        #expect(visitor.finished[0]?.wasOpened == true)
    }
}

/// Records what a walk told, and reads each member to its end.
final class CollectingVisitor: ArchiveWalkVisitor {
    struct Read {
        var bytes: [UInt8]
        var sha256: String
        var compression: Compression
        var error: InputError?
    }

    var opened: [Int] = []
    var read: [Int: Read] = [:]
    var finished: [Int: ArchiveOutcome] = [:]
    var missed: [Int: String] = [:]

    func opened(_ index: Int) { opened.append(index) }

    func readMember(_ index: Int, reader: EvidenceReader) {
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var failure: InputError?
        do throws(InputError) {
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { break }
                bytes += buffer[0..<count]
            }
        } catch {
            failure = error
        }
        read[index] = Read(bytes: bytes, sha256: reader.finish(), compression: reader.compression, error: failure)
    }

    func finished(_ index: Int, outcome: ArchiveOutcome) { finished[index] = outcome }

    func missed(_ index: Int, reason: String) { missed[index] = reason }
}

/// SHA-256 of bytes, through `sha256sum` on a temporary file (an independent implementation).
func sha256Hex(_ bytes: [UInt8]) -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-hash-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    try? Data(bytes).write(to: url)
    return (try? sha256sum(url.path)) ?? ""
}

@Suite("Single-file bzip2, xz and zstd")
struct CompressedFileTests {
    static let cases: [(ArchiveWriter.Filter, Compression)] = [(.bzip2, .bzip2), (.xz, .xz), (.zstd, .zstd)]

    @Test("a lone compressed file is told by content and decoded; its hash covers the stored bytes", arguments: [0, 1, 2])
    func decodes(_ index: Int) throws {
        let (filter, compression) = Self.cases[index]
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The name says nothing about the compression.
        let path = folder.path + "/auth.log.1"
        let text = authLog(lines: 3000)
        let writer = try ArchiveWriter(path: path, format: .raw, filter: filter)
        try writer.addFile(name: "auth.log.1", bytes: text)
        try writer.close()

        let files = EvidenceDiscovery.discover([path]).files
        #expect(files.count == 1)
        #expect(files[0].kind == .plain, "a lone compressed stream is not an archive")
        let reader = try EvidenceReader(file: files[0], readSize: 4096)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 16)
        defer { buffer.deallocate() }
        var bytes: [UInt8] = []
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        #expect(reader.compression == compression)
        #expect(bytes == text)
        #expect(reader.finish() == (try sha256sum(path)))
        #expect(reader.decompressedBytes == Int64(text.count))
    }

    @Test("a truncated xz file is damaged evidence, named, and still hashed whole")
    func truncated() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/syslog.2.xz"
        let writer = try ArchiveWriter(path: path, format: .raw, filter: .xz)
        try writer.addFile(name: "syslog.2", bytes: incompressibleBytes(100_000))
        try writer.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let reader = try EvidenceReader(file: EvidenceFile(displayPath: path, filesystemPath: path))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var failure: InputError?
        do throws(InputError) {
            while try reader.read(into: buffer) > 0 {}
        } catch {
            failure = error
        }
        guard case .damaged(let damagedPath, let reason, _, _, _)? = failure else {
            Issue.record("expected damage, got \(String(describing: failure))")
            return
        }
        #expect(damagedPath == path)
        #expect(reason.hasPrefix("xz: "))
        #expect(reader.finish() == (try sha256sum(path)))
    }
}
