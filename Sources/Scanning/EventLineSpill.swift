#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The evidence lines of correlation events, kept in a temporary file instead of memory.
///
/// A scan holds every event of the rules correlations read until it ends, and most of an event's
/// bytes are its line, which is read again only when the event becomes evidence of a correlation
/// finding (at most ``CorrelationEngine/evidenceLimit`` lines a finding) or when a shard writes its
/// partial report. The lines go, in the order the events are made, to a file created with `mkstemp`
/// (mode 0600, close-on-exec) in the directory given (`$TMPDIR` for `spoor scan`, never beside the evidence) and
/// unlinked at once: nothing is left behind, whatever way the process ends, and the lines leave the
/// process's memory for the page cache. The lines are those the report would show (secrets redacted).
///
/// Written by one thread at a time (the scan's in-order merger), read by any after. A write that fails
/// (a full disk) turns the spill off: the lines it could not write stay in memory and are read from
/// there, and the caller keeps the later ones in memory.
final class EventLineSpill: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    /// Lines not yet written to the file, and where the first of them goes.
    private var pending: [UInt8] = []
    private var pendingOffset: Int64 = 0
    private var isFailed = false
    private static let writeSize = 1 << 20

    /// A spill file in `directory`, or nil when one cannot be made there (the lines then stay in memory).
    init?(directory: String) {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast()) + Array("spoor-lines-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
        pending.reserveCapacity(Self.writeSize)
    }

    deinit { close(descriptor) }

    /// Appends a line: where it lies, or nil when the spill has failed (keep the line in memory).
    func append(_ line: [UInt8]) -> Int64? {
        lock.lock(); defer { lock.unlock() }
        guard !isFailed else { return nil }
        let offset = pendingOffset + Int64(pending.count)
        pending += line
        if pending.count >= Self.writeSize && !flushLocked() { return nil }
        return offset
    }

    /// The `count` bytes at `offset`, nil when they cannot be read back (an I/O error of the temporary
    /// file's disk).
    func read(offset: Int64, count: Int) -> [UInt8]? {
        var reader = Reader(self, windowSize: 0)
        return reader.read(offset: offset, count: count)
    }

    /// Lines at or after `offset` that are not in the file (none once flushed, unless a write failed).
    private func unwritten(offset: Int64, count: Int) -> [UInt8]?? {
        lock.lock(); defer { lock.unlock() }
        guard offset >= pendingOffset else { return .none }
        let start = Int(offset - pendingOffset)
        guard start + count <= pending.count else { return .some(nil) }
        return .some(Array(pending[start..<(start + count)]))
    }

    /// Writes what is pending; false (and the spill failed) when the file takes less than all of it.
    /// Called with the lock held.
    private func flushLocked() -> Bool {
        var written = 0
        while written < pending.count {
            let result = pending.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(pendingOffset) + off_t(written)) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                isFailed = true
                return false
            }
            written += result
        }
        pendingOffset += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
        return true
    }

    /// Everything appended so far is readable with `pread` (written lines stay readable after a failure).
    private func flushForReading() {
        lock.lock(); defer { lock.unlock() }
        if !pending.isEmpty && !isFailed { _ = flushLocked() }
    }

    /// Reads lines back, a window of the file at a time: reading events in the order they were made
    /// (a partial report does) costs one `pread` a window.
    struct Reader {
        private let spill: EventLineSpill
        private let windowSize: Int
        private var window: [UInt8] = []
        private var windowOffset: Int64 = 0

        init(_ spill: EventLineSpill, windowSize: Int = EventLineSpill.writeSize) {
            self.spill = spill
            self.windowSize = windowSize
            spill.flushForReading()
        }

        mutating func read(offset: Int64, count: Int) -> [UInt8]? {
            if case .some(let bytes) = spill.unwritten(offset: offset, count: count) { return bytes }
            if offset < windowOffset || offset + Int64(count) > windowOffset + Int64(window.count) {
                guard fill(offset: offset, count: max(count, windowSize)) else { return nil }
                guard offset + Int64(count) <= windowOffset + Int64(window.count) else { return nil }
            }
            let start = Int(offset - windowOffset)
            return Array(window[start..<(start + count)])
        }

        private mutating func fill(offset: Int64, count: Int) -> Bool {
            window = Array(repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let result = window.withUnsafeMutableBytes { pread(spill.descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
                if result < 0 && errno == EINTR { continue }
                guard result >= 0 else { window = []; return false }
                if result == 0 { break }
                filled += result
            }
            window.removeLast(count - filled)
            windowOffset = offset
            return true
        }
    }
}

/// A spilled line the temporary file did not give back (an I/O error of its disk) while a partial
/// report was written: the partial is not written rather than written without it.
public struct EventLineSpillError: Error, Sendable, CustomStringConvertible {
    /// The evidence file and line of the event whose line was lost.
    public var path: String
    public var line: Int

    public var description: String {
        "the temporary file holding correlation events' lines could not be read back (\(path), line \(line)); no partial report was written"
    }
}
