import CZlib

/// Writes gzip members (RFC 1952) with a chosen mtime and file name, the only owner of zlib's deflate state.
///
/// Used by the corpus generator and by tests that need exact, reproducible gzip bytes
/// (a stored mtime, several members, a deliberately broken trailer).
public final class GzipEncoder {
    private var stream = z_stream()
    private var isInitialised = false
    private let level: Int32

    /// Creates an encoder at a zlib compression level (1 fastest … 9 smallest; 6 is gzip's default).
    public init(level: Int32 = 6) throws(GzipError) {
        self.level = level
        let status = spoor_deflate_init_raw(&stream, level)
        guard status == Z_OK else { throw .initialisation(code: status) }
        isInitialised = true
    }

    deinit {
        if isInitialised { deflateEnd(&stream) }
    }

    // Streaming state: one member written in pieces (for members larger than memory should hold).
    private var streamCRC: UInt32 = 0
    private var streamLength: UInt32 = 0

    /// Starts a member written in pieces: returns its header. Follow with ``compress(_:)`` for each
    /// piece and ``finishMember()`` for the trailer. Not to be interleaved with ``member(of:modificationTime:originalName:)``.
    public func beginMember(modificationTime: UInt32 = 0, originalName: String? = nil) -> [UInt8] {
        deflateReset(&stream)
        streamCRC = 0
        streamLength = 0
        return header(modificationTime: modificationTime, originalName: originalName)
    }

    /// Compresses the next piece of the member begun with ``beginMember(modificationTime:originalName:)``.
    public func compress(_ data: [UInt8]) -> [UInt8] {
        streamCRC = data.withUnsafeBufferPointer { UInt32(crc32(uLong(streamCRC), $0.baseAddress, uInt($0.count))) }
        streamLength = streamLength &+ UInt32(truncatingIfNeeded: data.count)
        return run(data, flush: Z_NO_FLUSH)
    }

    /// Ends the member: the last compressed bytes and the trailer (CRC-32 and length).
    public func finishMember() -> [UInt8] {
        var out = run([], flush: Z_FINISH)
        withUnsafeBytes(of: streamCRC.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: streamLength.littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    private func header(modificationTime: UInt32, originalName: String?) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, originalName == nil ? 0 : 0x08]
        withUnsafeBytes(of: modificationTime.littleEndian) { out.append(contentsOf: $0) }
        out.append(level >= 9 ? 2 : (level <= 1 ? 4 : 0))
        out.append(3) // OS: Unix
        if let originalName {
            out.append(contentsOf: Array(originalName.utf8).filter { $0 != 0 })
            out.append(0)
        }
        return out
    }

    /// Runs deflate over `data` with `flush`, returning what it wrote.
    private func run(_ data: [UInt8], flush: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                buffer.withUnsafeMutableBufferPointer { output in
                    stream.next_out = output.baseAddress
                    stream.avail_out = uInt(output.count)
                    _ = deflate(&stream, flush)
                    out.append(contentsOf: output[0..<(output.count - Int(stream.avail_out))])
                }
            } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
        }
        return out
    }

    /// Compresses `data` into one complete gzip member.
    ///
    /// - Parameters:
    ///   - modificationTime: the header's MTIME (seconds since the epoch; 0 means none), as `gzip` stores it.
    ///   - originalName: the header's FNAME, when given.
    public func member(of data: [UInt8], modificationTime: UInt32 = 0, originalName: String? = nil) -> [UInt8] {
        beginMember(modificationTime: modificationTime, originalName: originalName) + compress(data) + finishMember()
    }
}
