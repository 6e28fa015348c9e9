import ArchiveCodec
@testable import EvidenceInput
import Foundation
import Testing
import ZlibCodec

/// Compression-bomb limits: what was read before a limit is delivered, then the reader stops with
/// ``InputError/limitReached(path:reason:decompressedOffset:)``; an archive's members share one budget.
@Suite("Decompression limits")
struct DecompressionBudgetTests {
    /// `count` bytes of 100-byte log-like lines: about 200 x smaller once gzip-compressed.
    static func lines(_ count: Int) -> [UInt8] {
        let line = Array("Mar  7 00:10:00 web01 CRON[321994]: pam_unix(cron:session): session opened for user root(uid=0)\n".utf8)
        return Array((0..<(count / line.count + 1)).lazy.flatMap { _ in line }.prefix(count))
    }

    /// Reads `reader` to its end or its error; returns the bytes read and the error.
    static func drain(_ reader: EvidenceReader) -> (Int64, InputError?) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        do throws(InputError) {
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { return (total, nil) }
                total += Int64(count)
            }
        } catch {
            return (total, error)
        }
    }

    @Test("a gzip file past the ratio stops after the floor, its bytes before the limit delivered and the file still hashed whole")
    func ratio() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let data = Self.lines(8 << 20)
        let path = try folder.write("auth.log.gz", try GzipEncoder(level: 9).member(of: data))
        let reader = try EvidenceReader(file: EvidenceFile(displayPath: path, filesystemPath: path))
        reader.budget = DecompressionBudget(limits: DecompressionLimits(maximumRatio: 50, ratioFloorBytes: 1 << 20, maximumBytes: 0), path: path)
        let (read, error) = Self.drain(reader)
        guard case .limitReached(let failedPath, let reason, let offset)? = error else {
            Issue.record("expected the limit, got \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(reason.contains("more than 50 times"))
        #expect(offset == read)
        #expect(read > 1 << 20 && read < 2 << 20)
        #expect(reader.finish() == sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
    }

    @Test("under the ratio, or under the floor, or uncompressed, nothing stops")
    func withinLimits() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let data = Self.lines(4 << 20)
        let compressed = try folder.write("auth.log.gz", try GzipEncoder(level: 9).member(of: data))
        let plain = try folder.write("auth.log", data)
        for (path, limits) in [(compressed, DecompressionLimits(maximumRatio: 1000, ratioFloorBytes: 0, maximumBytes: 0)),
                               (compressed, DecompressionLimits(maximumRatio: 2, ratioFloorBytes: 8 << 20, maximumBytes: 0)),
                               (plain, DecompressionLimits(maximumRatio: 1, ratioFloorBytes: 0, maximumBytes: 1))] {
            let reader = try EvidenceReader(file: EvidenceFile(displayPath: path, filesystemPath: path))
            reader.budget = DecompressionBudget(limits: limits, path: path)
            let (read, error) = Self.drain(reader)
            #expect(error == nil, "\(path) \(limits)")
            #expect(read == Int64(data.count))
        }
    }

    @Test("an archive's members share one budget: the member that passes it is partial, the ones after it are missed with the reason")
    func archiveBudget() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/uac.tar.gz"
        let writer = try ArchiveWriter(path: path, format: .tar, filter: .gzip)
        for name in ["auth.log", "auth.log.1", "syslog"] { try writer.addFile(name: "var/log/" + name, bytes: Self.lines(3 << 20)) }
        try writer.close()
        let discovery = EvidenceDiscovery.discover([path])
        let visitor = CollectingVisitor()
        ArchiveWalk.walk(discovery.files, archiveIndex: 0, limits: DecompressionLimits(maximumRatio: 0, ratioFloorBytes: 0, maximumBytes: 4 << 20), visitor: visitor)
        #expect(visitor.read.keys.sorted() == [1, 2])
        #expect(visitor.read[1]?.error == nil)
        guard case .limitReached(_, let reason, _)? = visitor.read[2]?.error else {
            Issue.record("expected the limit on the second member, got \(String(describing: visitor.read[2]?.error))")
            return
        }
        #expect(reason.contains("decompression limit reached"))
        #expect(visitor.missed[3]?.contains("decompression limit reached") == true)
        #expect(visitor.finished[0]?.error?.contains("decompression limit reached") == true)
    }
}
