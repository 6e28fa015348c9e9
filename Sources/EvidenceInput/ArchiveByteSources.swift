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

    /// The member's bytes so far, kept when they start with 7z's signature: a 7z archive must be
    /// seekable to be read, so one inside another archive is read from memory (up to a limit).
    private var recorded: [UInt8]?
    private var isRecordingDecided = false
    /// True when the member starts with 7z's signature.
    var isSevenZip: Bool { recorded != nil }
    static let sevenZipSignature: [UInt8] = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]

    init(archive: ArchiveReader, hashes: Bool) {
        self.archive = archive
        hasher = hashes ? SHA256() : nil
    }

    /// All of a 7z member's bytes (those read so far and the rest), or nil when it is no 7z or larger
    /// than `limit`.
    func sevenZipBytes(limit: Int) -> [UInt8]? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        // Read until the signature is decided, then (for a 7z) to the member's end or the limit.
        while containerFailure == nil && (recorded.map { $0.count <= limit } ?? !isRecordingDecided) {
            guard let count = try? read(into: buffer), count > 0 else { break }
        }
        guard let bytes = recorded, bytes.count <= limit, containerFailure == nil else { return nil }
        return bytes
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
        if !isRecordingDecided && leadingBytes.count >= 6 {
            isRecordingDecided = true
            // Bytes of earlier reads (fewer than 6) are all in `leadingBytes`.
            if Array(leadingBytes.prefix(6)) == Self.sevenZipSignature { recorded = Array(leadingBytes.prefix(Int(bytesRead))) }
        }
        if recorded != nil && count > 0 {
            if recorded!.count <= ArchiveMemberSource.sevenZipMemoryLimit {
                recorded! += UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            }
        }
        bytesRead += Int64(count)
        return count
    }

    /// The member's bytes from the start, up to `limit` (call before any other read); nil when reading fails.
    func readAll(limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while bytes.count < limit {
            guard let count = try? read(into: buffer) else { return nil }
            if count == 0 { break }
            bytes += UnsafeRawBufferPointer(rebasing: buffer[0..<min(count, limit - bytes.count)])
        }
        return bytes
    }

    /// The largest 7z archive inside another archive that is read (from memory).
    static let sevenZipMemoryLimit = 256 << 20

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

/// Bytes in memory, seekable: a 7z archive that was a member of another archive.
final class MemoryByteSource: ArchiveByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }

    var isSeekable: Bool { true }

    func seek(to offset: Int64, whence: Int32) -> Int64? {
        let base: Int
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = bytes.count
        default: return nil
        }
        let target = base + Int(offset)
        guard target >= 0, target <= bytes.count else { return nil }
        position = target
        return Int64(target)
    }
}
