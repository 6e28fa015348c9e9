import Crypto
import Foundation

/// Finds evidence files whose content, once decompressed, is the same as an earlier file's: the plain
/// `auth.log.1` beside its own `auth.log.1.gz` (a rotation caught half-way), or a file collected twice.
/// The scan reads the first and records the others as copies of it, so their lines are not counted
/// twice in findings, sessions and tallies.
///
/// Cost: only files with the same decompressed size are compared (a plain file's size; a gzip file's
/// ISIZE trailer, the size modulo 2^32 of its last member, exact for single-member files under 4 GiB),
/// and only those are read ahead to hash their content. Archive members, bzip2/xz/zstd files and
/// standard input are not compared.
public enum DuplicateContent {
    /// A file that repeats an earlier one.
    public struct Copy: Sendable, Equatable {
        /// The evidence index of the file that is scanned.
        public var original: Int
        /// SHA-256 of the decompressed content both share, and of this file as stored.
        public var contentSHA256: String
        public var storedSHA256: String
        public var storedBytes: Int64
        public var decompressedBytes: Int64
        public var compression: Compression
    }

    /// The copies among `files`, by evidence index; the earliest file of a set of equal contents is its original.
    public static func find(in files: [EvidenceFile]) -> [Int: Copy] {
        var bySize: [Int64: [Int]] = [:]
        for (index, file) in files.enumerated() where file.member == nil && !file.isArchive {
            guard let path = file.filesystemPath, let size = decompressedSize(path: path), size > 0 else { continue }
            bySize[size, default: []].append(index)
        }
        var copies: [Int: Copy] = [:]
        for (_, indexes) in bySize where indexes.count > 1 {
            var firstWithContent: [String: Int] = [:]
            for index in indexes.sorted() {
                guard let digest = contentDigest(files[index]) else { continue }
                if let original = firstWithContent[digest.content] {
                    copies[index] = Copy(original: original, contentSHA256: digest.content, storedSHA256: digest.stored,
                                         storedBytes: digest.storedBytes, decompressedBytes: digest.decompressedBytes, compression: digest.compression)
                } else {
                    firstWithContent[digest.content] = index
                }
            }
        }
        return copies
    }

    /// The decompressed size a file announces: its size when plain, its gzip ISIZE when gzip; nil otherwise.
    static func decompressedSize(path: String) -> Int64? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 6), let end = try? handle.seekToEnd() else { return nil }
        let bytes = Array(head)
        if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
            guard end >= 18, (try? handle.seek(toOffset: end - 4)) != nil, let tail = try? handle.read(upToCount: 4), tail.count == 4 else { return nil }
            let trailer = Array(tail)
            return Int64(trailer[0]) | Int64(trailer[1]) << 8 | Int64(trailer[2]) << 16 | Int64(trailer[3]) << 24
        }
        // bzip2, xz and zstd do not say their size up front: not compared.
        if bytes.starts(with: [0x42, 0x5a, 0x68]) || bytes.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) || bytes.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) {
            return nil
        }
        return Int64(end)
    }

    /// Reads `file` through an ``EvidenceReader``: the hash of its decompressed content and of its stored
    /// bytes; nil when it cannot be read whole (a damaged file is never called a copy).
    static func contentDigest(_ file: EvidenceFile) -> (content: String, stored: String, storedBytes: Int64, decompressedBytes: Int64, compression: Compression)? {
        guard let reader = try? EvidenceReader(file: file) else { return nil }
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do throws(InputError) {
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { break }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        } catch {
            return nil
        }
        let content = hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        return (content, reader.finish(), reader.storedBytes, reader.decompressedBytes, reader.compression)
    }
}
