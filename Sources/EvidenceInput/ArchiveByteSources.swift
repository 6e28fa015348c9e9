#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArchiveCodec
import Crypto

/// An archive file opened read-only (`O_RDONLY`), seekable so that formats that keep their index at the
/// end (7z, zip's central directory) can be read.
final class ArchiveFileSource: ArchiveByteSource {
    private let descriptor: Int32
    let displayPath: String

    init(path: String, displayPath: String) throws(InputError) {
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .unreadable(path: displayPath, reason: String(cString: strerror(errno))) }
        descriptor = opened
        self.displayPath = displayPath
    }

    deinit {
        close(descriptor)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .failed("\(displayPath): cannot read: \(String(cString: strerror(errno)))")
        }
    }

    var isSeekable: Bool { true }

    func seek(to offset: Int64, whence: Int32) -> Int64? {
        let position = lseek(descriptor, off_t(offset), whence)
        return position < 0 ? nil : Int64(position)
    }
}

/// The bytes of the current member of an archive, as a source for an ``EvidenceReader`` or for the
/// ``ArchiveReader`` of a nested archive. Keeps the first bytes (a gzip header's MTIME), optionally
/// hashes what passes, and remembers whether reading from the holding archive failed (damage there, or
/// an encrypted member without its password: the archive's next header tells which).
final class ArchiveMemberSource: ArchiveByteSource {
    private let archive: ArchiveReader
    private(set) var leadingBytes: [UInt8] = []
    private var hasher: SHA256?
    private(set) var bytesRead: Int64 = 0
    /// The error the holding archive gave for this member's bytes (not the member's own format's).
    private(set) var containerFailure: ArchiveError?

    init(archive: ArchiveReader, hashes: Bool) {
        self.archive = archive
        hasher = hashes ? SHA256() : nil
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let count: Int
        do throws(ArchiveError) {
            count = try archive.read(into: buffer)
        } catch {
            containerFailure = error
            throw error
        }
        if leadingBytes.count < 16 && count > 0 {
            leadingBytes += UnsafeRawBufferPointer(rebasing: buffer[0..<min(count, 16 - leadingBytes.count)])
        }
        if count > 0 { hasher?.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
        bytesRead += Int64(count)
        return count
    }

    /// Reads the member's remaining bytes (into the hash) and returns its SHA-256, lower-case hex.
    func finish() -> String? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while containerFailure == nil {
            guard let count = try? read(into: buffer), count > 0 else { break }
        }
        return hasher?.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
