import EvidenceInput
import Foundation
import LineChunking

/// Spoor's reading alone, with no rule and no record: discovery, read-only opening, decompression,
/// SHA-256 and line-aligned chunking, on `jobs` reader threads (one file each at a time), as a scan
/// reads. It gives the benchmark the cost of reading, beside the cost of a scan (`spoor scan`).
///
/// Archives are not walked (their members need the scan's visitor): they are counted as skipped.
public enum ReadThrough {
    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var storedBytes: Int64 = 0
        public var decompressedBytes: Int64 = 0
        public var lines = 0
        public var chunks = 0
        /// Files that could not be read to the end, with the reason (file: error).
        public var errors: [String] = []
        public var skippedArchives = 0
    }

    public static func run(paths: [String], jobs: Int, chunkBytes: Int = 1 << 20, maximumLineBytes: Int = 1 << 20) -> Summary {
        let files = EvidenceDiscovery.discover(paths, archivePasswords: []).files.filter { $0.member == nil }
        let tally = Tally()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, files.count)) {
            group.enter()
            let thread = Thread {
                while true {
                    guard let index = tally.claim(below: files.count) else { break }
                    tally.add(read(files[index], chunkBytes: chunkBytes, maximumLineBytes: maximumLineBytes))
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        var total = tally.total
        total.errors.sort()
        return total
    }

    /// The next file to read and the running total, behind one lock.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var summary = Summary()

        func claim(below count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < count else { return nil }
            next += 1
            return next - 1
        }

        func add(_ part: Summary) {
            lock.lock()
            defer { lock.unlock() }
            summary.files += part.files
            summary.storedBytes += part.storedBytes
            summary.decompressedBytes += part.decompressedBytes
            summary.lines += part.lines
            summary.chunks += part.chunks
            summary.errors += part.errors
            summary.skippedArchives += part.skippedArchives
        }

        var total: Summary {
            lock.lock()
            defer { lock.unlock() }
            return summary
        }
    }

    static func read(_ file: EvidenceFile, chunkBytes: Int, maximumLineBytes: Int) -> Summary {
        var summary = Summary()
        if file.isArchive {
            summary.skippedArchives = 1
            return summary
        }
        let reader: EvidenceReader
        do {
            reader = try EvidenceReader(file: file)
        } catch {
            summary.errors.append("\(file.displayPath): \(error.description)")
            return summary
        }
        var chunker = LineChunker(targetChunkBytes: chunkBytes, maximumLineBytes: maximumLineBytes)
        do {
            while try chunker.next(from: reader) != nil { summary.chunks += 1 }
        } catch {
            summary.errors.append("\(file.displayPath): \(error.description)")
        }
        _ = reader.finish()
        summary.files = 1
        summary.storedBytes = reader.storedBytes
        summary.decompressedBytes = reader.decompressedBytes
        summary.lines = chunker.lineCount
        return summary
    }
}
