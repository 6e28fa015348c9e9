#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EvidenceInput

/// One evidence file opened `O_RDONLY` for positioned reads; the descriptor is closed on `deinit`.
///
/// Contract: nothing is ever written; ``read(at:count:)`` returns fewer bytes than asked only at the end
/// of the file; a failing read throws ``InputError/unreadable(path:reason:)`` naming the file.
final class ReadOnlyFile {
    /// The path shown in errors (the evidence's display path).
    let displayPath: String
    /// The file's size when it was opened.
    let size: Int64
    let descriptor: Int32

    init(path: String, displayPath: String) throws(InputError) {
        self.displayPath = displayPath
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .unreadable(path: displayPath, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(opened)
            throw .unreadable(path: displayPath, reason: reason)
        }
        descriptor = opened
        size = Int64(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Up to `count` bytes from `offset` (fewer only at the end of the file).
    func read(at offset: Int64, count: Int) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        let got = try read(at: offset, into: &bytes)
        bytes.removeLast(bytes.count - got)
        return bytes
    }

    /// Fills `bytes` from `offset`; returns how many bytes were read (fewer only at the end of the file).
    func read(at offset: Int64, into bytes: inout [UInt8]) throws(InputError) -> Int {
        var total = 0
        let wanted = bytes.count
        while total < wanted {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + total, wanted - total, off_t(offset + Int64(total)))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: displayPath, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            total += count
        }
        return total
    }
}
