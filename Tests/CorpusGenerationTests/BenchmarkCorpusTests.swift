import Foundation
import Testing
@testable import CorpusGeneration

/// The benchmark corpus: requested size, layout, determinism whatever the thread count.
@Suite struct BenchmarkCorpusTests {
    /// Uncompressed bytes of every log file under `root` (manifest excluded).
    private func uncompressedBytes(under root: String) throws -> Int {
        var total = 0
        for path in TemporaryFolder.relativeFilePaths(under: root) where path != "manifest.txt" {
            let bytes = try TemporaryFolder.bytes(at: root + "/" + path)
            total += path.hasSuffix(".gz") ? try GzipTestDecoding.decode(bytes).bytes.count : bytes.count
        }
        return total
    }

    @Test func honoursTheRequestedSize() throws {
        let folder = try TemporaryFolder("bench-size")
        defer { folder.remove() }
        let requested = 5_000_000
        let summary = try BenchmarkCorpus.write(to: folder.path, options: BenchmarkOptions(totalBytes: requested, seed: 7))
        let measured = try uncompressedBytes(under: folder.path)
        #expect(measured == summary.uncompressedBytes)
        #expect(abs(measured - requested) <= requested / 50, "wrote \(measured) bytes for \(requested) requested")
        let archive = try GzipTestDecoding.decode(try TemporaryFolder.bytes(at: folder.path + "/big/syslog-archive.gz"))
        #expect(abs(archive.bytes.count - requested / 5) <= requested / 100)
        #expect(summary.hostCount >= 2)
        #expect(!summary.stories.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.path + "/hosts/web01/var/log/auth.log"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/hosts/web01/var/log/syslog.2.gz"))
    }

    @Test func singleArchiveSizeAndMemberLimitAreHonoured() throws {
        let folder = try TemporaryFolder("bench-archive")
        defer { folder.remove() }
        var options = BenchmarkOptions(totalBytes: 4_000_000, singleArchiveBytes: 2_500_000, hostCount: 1, seed: 3)
        options.archiveMemberBytes = 1 << 20
        let summary = try BenchmarkCorpus.write(to: folder.path, options: options)
        let archive = try GzipTestDecoding.decode(try TemporaryFolder.bytes(at: folder.path + "/big/syslog-archive.gz"))
        #expect(summary.archiveBytes == archive.bytes.count)
        #expect(abs(archive.bytes.count - 2_500_000) < 1000)
        #expect(archive.members == (archive.bytes.count + (1 << 20) - 1) / (1 << 20))
    }

    /// Determinism has a name: one worker or two, the same seed gives the same bytes.
    @Test func outputDoesNotDependOnTheWorkerCount() throws {
        let one = try TemporaryFolder("bench-one")
        let two = try TemporaryFolder("bench-two")
        defer { one.remove(); two.remove() }
        _ = try BenchmarkCorpus.write(to: one.path, options: BenchmarkOptions(totalBytes: 3_000_000, seed: 11, workerCount: 1))
        _ = try BenchmarkCorpus.write(to: two.path, options: BenchmarkOptions(totalBytes: 3_000_000, seed: 11, workerCount: 2))
        #expect(one.relativeFilePaths() == two.relativeFilePaths())
        for path in one.relativeFilePaths() {
            #expect(try TemporaryFolder.bytes(at: one.path + "/" + path) == TemporaryFolder.bytes(at: two.path + "/" + path), "\(path)")
        }
    }

    @Test func rejectsAnArchiveLargerThanTheCorpus() {
        #expect(throws: CorpusError.self) {
            try BenchmarkCorpus.write(to: "/nonexistent", options: BenchmarkOptions(totalBytes: 1000, singleArchiveBytes: 2000))
        }
    }
}
