#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArchiveCodec
import Crypto
import ZlibCodec

/// Reads one evidence file (or an archive member's bytes) read-only and hands out its decompressed
/// bytes, hashing what is stored.
///
/// Contract:
/// - The file is opened `O_RDONLY` and never written; nothing is created beside it. An archive member
///   is streamed from its archive (``init(member:source:readSize:)``), never extracted.
/// - Compression is detected from the first bytes (gzip `1f 8b`; bzip2 `BZh`, xz `fd 37 7a 58 5a 00`,
///   zstd `28 b5 2f fd`, decoded by libarchive), never from the name.
/// - ``read(into:)`` returns decompressed bytes until it returns 0 at the end. On damage it first returns
///   every byte decoded before the damage, then throws ``InputError``; later calls return 0.
/// - ``finish()`` reads whatever stored bytes were not consumed, so the SHA-256 always covers the whole
///   file as stored, damaged or not.
public final class EvidenceReader {
    /// The evidence this reader reads.
    public let file: EvidenceFile
    /// The compression found from the content.
    public private(set) var compression: Compression = .none
    /// Stored bytes read so far (all of them once ``finish()`` has run).
    public private(set) var storedBytes: Int64 = 0
    /// Decompressed bytes handed out so far.
    public private(set) var decompressedBytes: Int64 = 0
    /// Gzip members that decoded completely and passed their integrity check.
    public var gzipMembers: Int { decoder?.membersCompleted ?? 0 }
    /// Stored bytes after the last gzip member that are not gzip data (not scanned).
    public var trailingGarbageBytes: Int { decoder?.trailingGarbageBytes ?? 0 }

    private let descriptor: Int32
    /// The archive member's bytes, for a member; nil for a file or standard input.
    private let memberSource: (any ArchiveByteSource)?
    private var hasher = SHA256()
    private var decoder: GzipDecoder?
    /// The libarchive decoder of a bzip2, xz or zstd stream (it pulls stored bytes through ``readStored(into:)``).
    private var compressedStream: ArchiveReader?
    private var rawBuffer: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var isAtStoredEnd = false
    private var hasFailed = false
    private var hasSniffed = false

    /// Opens `file` for reading (standard input when it has no path).
    public init(file: EvidenceFile, readSize: Int = 1 << 20) throws(InputError) {
        self.file = file
        memberSource = nil
        rawBuffer = [UInt8](repeating: 0, count: max(readSize, 4096))
        if file.member != nil {
            throw .unreadable(path: file.displayPath, reason: "an archive member is read from its archive, not opened")
        } else if let path = file.filesystemPath {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else { throw .unreadable(path: file.displayPath, reason: String(cString: strerror(errno))) }
            descriptor = opened
        } else {
            descriptor = STDIN_FILENO
        }
    }

    /// Reads an archive member's bytes from `source` (the member of the archive being walked).
    init(member file: EvidenceFile, source: any ArchiveByteSource, readSize: Int = 1 << 20) {
        self.file = file
        memberSource = source
        descriptor = -1
        rawBuffer = [UInt8](repeating: 0, count: max(readSize, 4096))
    }

    deinit {
        if descriptor >= 0 && descriptor != STDIN_FILENO { close(descriptor) }
    }

    /// What the evidence this reader belongs to may still decompress to (shared by an archive's members);
    /// nil: no limit. Once it is exceeded, ``read(into:)`` throws ``InputError/limitReached(path:reason:decompressedOffset:)``.
    public var budget: DecompressionBudget?

    /// Fills `buffer` with decompressed bytes; 0 means the end of the evidence.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if hasFailed || buffer.count == 0 { return 0 }
        guard let budget else { return try readDecoded(into: buffer) }
        if let reason = budget.exceeded {
            hasFailed = true
            throw .limitReached(path: file.displayPath, reason: reason, decompressedOffset: decompressedBytes)
        }
        let count = try readDecoded(into: buffer)
        // Only decompressed bytes count: a plain file's bytes are its stored bytes.
        guard compression != .none || memberSource != nil else { return count }
        // Standard input has no size to measure against: what was read so far stands for it.
        if file.filesystemPath == nil && memberSource == nil { budget.storedBytes = storedBytes }
        budget.add(count)
        return count
    }

    private func readDecoded(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if !hasSniffed { try sniff() }
        if let compressedStream {
            do throws(ArchiveError) {
                let count = try compressedStream.read(into: buffer)
                decompressedBytes += Int64(count)
                return count
            } catch {
                hasFailed = true
                throw .damaged(path: file.displayPath, reason: "\(compression.rawValue): \(error.description)", storedOffset: storedBytes,
                               decompressedOffset: decompressedBytes, isChecksumFailure: false)
            }
        }
        while true {
            if rawStart == rawEnd && !isAtStoredEnd { try fillRaw() }
            switch compression {
            case .bzip2, .xz, .zstd:
                // Decoded through `compressedStream` above; reaching here means it failed to start.
                return 0
            case .none:
                let available = rawEnd - rawStart
                if available == 0 { return 0 }
                let count = min(available, buffer.count)
                rawBuffer.withUnsafeBytes { raw in
                    buffer.baseAddress!.copyMemory(from: raw.baseAddress! + rawStart, byteCount: count)
                }
                rawStart += count
                decompressedBytes += Int64(count)
                return count
            case .gzip:
                guard let decoder else { return 0 }
                if rawStart == rawEnd && isAtStoredEnd {
                    do { try decoder.finish() } catch {
                        hasFailed = true
                        throw damage(error, decoder: decoder)
                    }
                    return 0
                }
                let attempt: Result<GzipDecodeStep, GzipError> = rawBuffer.withUnsafeBytes { raw in
                    do throws(GzipError) {
                        return .success(try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[rawStart..<rawEnd]), into: buffer))
                    } catch {
                        return .failure(error)
                    }
                }
                let step: GzipDecodeStep
                switch attempt {
                case .success(let value): step = value
                case .failure(let error):
                    hasFailed = true
                    throw damage(error, decoder: decoder)
                }
                rawStart += step.consumed
                decompressedBytes += Int64(step.produced)
                if step.produced > 0 { return step.produced }
                if step.consumed == 0 && !isAtStoredEnd {
                    // The decoder needs more than the bytes left (a member boundary split across reads).
                    try compactAndFill()
                } else if step.consumed == 0 && isAtStoredEnd {
                    // Bytes the decoder cannot start a member with (one lone byte): at the end of the
                    // stored data they are trailing garbage, or a truncated member.
                    let unconsumed = rawEnd - rawStart
                    rawStart = rawEnd
                    do { try decoder.finish(unconsumedBytes: unconsumed) } catch {
                        hasFailed = true
                        throw damage(error, decoder: decoder)
                    }
                    return 0
                }
            }
        }
    }

    private func damage(_ error: GzipError, decoder: GzipDecoder) -> InputError {
        var isChecksum = false
        if case .checksumMismatch = error { isChecksum = true }
        return .damaged(path: file.displayPath, reason: error.description, storedOffset: Int64(decoder.consumedBytes), decompressedOffset: decompressedBytes, isChecksumFailure: isChecksum)
    }

    /// Reads the rest of the stored bytes into the hash and returns the file's SHA-256 (lower-case hex).
    /// Call once, after reading (or after an error).
    public func finish() -> String {
        while !isAtStoredEnd {
            rawStart = rawEnd
            do { try fillRaw() } catch { break }
        }
        return hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    private func sniff() throws(InputError) {
        hasSniffed = true
        try fillRaw()
        if rawEnd - rawStart >= 2 && rawBuffer[rawStart] == 0x1f && rawBuffer[rawStart + 1] == 0x8b {
            compression = .gzip
            do { decoder = try GzipDecoder() } catch {
                throw .damaged(path: file.displayPath, reason: error.description, storedOffset: 0, decompressedOffset: 0, isChecksumFailure: false)
            }
        } else if let other = Self.otherCompression(rawBuffer[rawStart..<rawEnd]) {
            compression = other
            do throws(ArchiveError) {
                compressedStream = try ArchiveReader.compressedStream(source: StoredByteSource(reader: self))
            } catch {
                hasFailed = true
                throw .damaged(path: file.displayPath, reason: "\(other.rawValue): \(error.description)", storedOffset: storedBytes,
                               decompressedOffset: 0, isChecksumFailure: false)
            }
        }
    }

    /// bzip2, xz or zstd, from the stream's magic bytes.
    private static func otherCompression(_ head: ArraySlice<UInt8>) -> Compression? {
        let bytes = Array(head.prefix(6))
        if bytes.count >= 4 && bytes[0...2] == [0x42, 0x5a, 0x68] && (0x31...0x39).contains(bytes[3]) { return .bzip2 }
        if bytes == [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] { return .xz }
        if bytes.count >= 4 && bytes[0...3] == [0x28, 0xb5, 0x2f, 0xfd] { return .zstd }
        return nil
    }

    /// Hands stored bytes (hashed as they are read) to the libarchive decoder of a bzip2, xz or zstd stream.
    fileprivate func readStored(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        if rawStart == rawEnd {
            if isAtStoredEnd { return 0 }
            do throws(InputError) { try fillRaw() } catch { throw .failed(error.description) }
        }
        let count = min(rawEnd - rawStart, buffer.count)
        rawBuffer.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + rawStart, byteCount: count)
        }
        rawStart += count
        return count
    }

    private func compactAndFill() throws(InputError) {
        let leftover = rawEnd - rawStart
        if leftover > 0 && rawStart > 0 {
            rawBuffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + rawStart, byteCount: leftover)
            }
        }
        rawStart = 0
        rawEnd = leftover
        try readMore()
    }

    private func fillRaw() throws(InputError) {
        rawStart = 0
        rawEnd = 0
        try readMore()
    }

    private func readMore() throws(InputError) {
        while rawEnd < rawBuffer.count {
            if let memberSource {
                let result: Result<Int, ArchiveError> = rawBuffer.withUnsafeMutableBytes { raw in
                    do throws(ArchiveError) {
                        return .success(try memberSource.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[rawEnd...])))
                    } catch {
                        return .failure(error)
                    }
                }
                switch result {
                case .success(let count):
                    if count == 0 { isAtStoredEnd = true; return }
                    rawBuffer.withUnsafeBytes { raw in
                        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[rawEnd..<(rawEnd + count)]))
                    }
                    rawEnd += count
                    storedBytes += Int64(count)
                    return
                case .failure(let error):
                    isAtStoredEnd = true
                    throw .damaged(path: file.displayPath, reason: "archive: \(error.description)", storedOffset: storedBytes,
                                   decompressedOffset: decompressedBytes, isChecksumFailure: false)
                }
            }
            let count = rawBuffer.withUnsafeMutableBytes { raw in
                Glibc.read(descriptor, raw.baseAddress! + rawEnd, raw.count - rawEnd)
            }
            if count < 0 {
                if errno == EINTR { continue }
                isAtStoredEnd = true
                throw .unreadable(path: file.displayPath, reason: String(cString: strerror(errno)))
            }
            if count == 0 { isAtStoredEnd = true; break }
            rawBuffer.withUnsafeBytes { raw in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[rawEnd..<(rawEnd + count)]))
            }
            rawEnd += count
            storedBytes += Int64(count)
            if rawEnd > 0 { break }
        }
    }
}

/// How evidence is stored.
public enum Compression: String, Sendable, Codable {
    case none
    case gzip
    case bzip2
    case xz
    case zstd
}

/// The stored bytes of an ``EvidenceReader``, as the source of its libarchive decoder. Holds the reader
/// unowned: the reader owns the decoder, which owns this source.
private final class StoredByteSource: ArchiveByteSource {
    unowned let reader: EvidenceReader

    init(reader: EvidenceReader) {
        self.reader = reader
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        try reader.readStored(into: buffer)
    }
}

/// Why evidence could not be read, or not completely. Every case names the file.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read at all.
    case unreadable(path: String, reason: String)
    /// Decompression failed part-way; bytes before `decompressedOffset` were delivered.
    case damaged(path: String, reason: String, storedOffset: Int64, decompressedOffset: Int64, isChecksumFailure: Bool)
    /// A binary log (login records, a journal file) is damaged: `reason` says where and how; the
    /// `recordsRead` records that could be read were delivered (before the damage, and after it when
    /// the format allows skipping it).
    case damagedRecords(path: String, reason: String, recordsRead: Int)
    /// The evidence passed its ``DecompressionLimits`` (a compression bomb, or a limit set too low):
    /// the bytes before `decompressedOffset` were delivered, the rest is not read.
    case limitReached(path: String, reason: String, decompressedOffset: Int64)

    public var path: String {
        switch self {
        case .unreadable(let path, _), .damaged(let path, _, _, _, _), .damagedRecords(let path, _, _), .limitReached(let path, _, _): return path
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .damaged(let path, let reason, let storedOffset, let decompressedOffset, _):
            return "\(path): \(reason) (after \(storedOffset) stored bytes, \(decompressedOffset) decompressed bytes)"
        case .damagedRecords(let path, let reason, let recordsRead):
            return "\(path): \(reason) (\(recordsRead) records read)"
        case .limitReached(let path, let reason, let decompressedOffset):
            return "\(path): \(reason) (after \(decompressedOffset) decompressed bytes)"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
