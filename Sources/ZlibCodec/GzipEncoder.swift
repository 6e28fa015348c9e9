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

    /// Compresses `data` into one complete gzip member.
    ///
    /// - Parameters:
    ///   - modificationTime: the header's MTIME (seconds since the epoch; 0 means none), as `gzip` stores it.
    ///   - originalName: the header's FNAME, when given.
    public func member(of data: [UInt8], modificationTime: UInt32 = 0, originalName: String? = nil) -> [UInt8] {
        deflateReset(&stream)
        var out: [UInt8] = [0x1f, 0x8b, 8, originalName == nil ? 0 : 0x08]
        withUnsafeBytes(of: modificationTime.littleEndian) { out.append(contentsOf: $0) }
        out.append(level >= 9 ? 2 : (level <= 1 ? 4 : 0))
        out.append(3) // OS: Unix
        if let originalName {
            out.append(contentsOf: Array(originalName.utf8).filter { $0 != 0 })
            out.append(0)
        }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            var status = Z_OK
            repeat {
                buffer.withUnsafeMutableBufferPointer { output in
                    stream.next_out = output.baseAddress
                    stream.avail_out = uInt(output.count)
                    status = deflate(&stream, Z_FINISH)
                    out.append(contentsOf: output[0..<(output.count - Int(stream.avail_out))])
                }
            } while status == Z_OK || status == Z_BUF_ERROR
        }
        let crc = data.withUnsafeBufferPointer { input in
            UInt32(crc32(0, input.baseAddress, uInt(input.count)))
        }
        withUnsafeBytes(of: crc.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: data.count).littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
