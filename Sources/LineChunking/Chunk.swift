/// A run of whole lines cut from one evidence stream, with where they came from.
///
/// A chunk never splits a line. Its bytes are the decompressed bytes exactly as stored, terminators
/// included, except after an over-long line (see ``truncatedLine``), which always ends its chunk.
public struct Chunk: Sendable {
    /// Position of this chunk in its stream (0-based, consecutive).
    public var index: Int
    /// The bytes of the chunk's lines.
    public var bytes: [UInt8]
    /// The 1-based line number of the first line.
    public var firstLineNumber: Int
    /// Byte offset of `bytes[0]` in the decompressed stream.
    public var startOffset: Int64
    /// Set when the last line of the chunk was longer than the limit and was cut to it: the line's full
    /// length (terminator excluded). The cut-off bytes are not in `bytes` and were not matched.
    public var truncatedLine: Int64?
    /// Where each line's evidence lies in the stored file, for lines rendered from binary records
    /// (login records, journal entries); nil for text, whose lines are the stored bytes themselves.
    ///
    /// When set it holds one value per line: line `i`'s evidence offset is `lineSourceOffsets[i]` — the
    /// byte offset of the record it was rendered from in the file as stored — not `startOffset` plus
    /// the line's position in `bytes` (`startOffset` is then the offset of the first record). A value
    /// of −1 means the record's offset is not known; the line itself then carries the record's
    /// identity (a journal entry's `__CURSOR`). See ``evidenceOffset(ofLine:at:)``.
    public var lineSourceOffsets: [Int64]?

    public init(index: Int, bytes: [UInt8], firstLineNumber: Int, startOffset: Int64, truncatedLine: Int64? = nil, lineSourceOffsets: [Int64]? = nil) {
        self.index = index
        self.bytes = bytes
        self.firstLineNumber = firstLineNumber
        self.startOffset = startOffset
        self.truncatedLine = truncatedLine
        self.lineSourceOffsets = lineSourceOffsets
    }

    /// The evidence offset of line `index`, which starts at `position` in `bytes`: its record's offset
    /// in the stored file when the chunk has ``lineSourceOffsets``, else `startOffset + position`.
    @inlinable
    public func evidenceOffset(ofLine index: Int, at position: Int) -> Int64 {
        if let lineSourceOffsets, index < lineSourceOffsets.count { return lineSourceOffsets[index] }
        return startOffset + Int64(position)
    }

    /// Calls `body` with each line's bytes (no `\n`, no trailing `\r`), its 0-based index in the chunk and
    /// its start position in `bytes`. A final line without a newline is a line.
    @inlinable
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int, Int) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            var index = 0
            let count = all.count
            while start < count {
                var end = start
                if let base = all.baseAddress, let found = memchrNewline(base + start, count - start) {
                    end = found - base
                } else {
                    end = count
                }
                var contentEnd = end
                if contentEnd > start && all[contentEnd - 1] == 0x0d { contentEnd -= 1 }
                try body(UnsafeBufferPointer(rebasing: all[start..<contentEnd]), index, start)
                index += 1
                start = end + 1
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline
func memchrNewline(_ start: UnsafePointer<UInt8>, _ count: Int) -> UnsafePointer<UInt8>? {
    guard let found = memchr(start, 0x0a, count) else { return nil }
    return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
}

extension Chunk {
    /// Writes the start position of every line into `starts` (reusing its storage).
    /// Line `i` spans `starts[i] ..< starts[i+1]` (terminator included); the last runs to the end.
    public func lineStarts(into starts: inout [Int32]) {
        starts.removeAll(keepingCapacity: true)
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, all.count > 0 else { return }
            var start = 0
            while start < all.count {
                starts.append(Int32(start))
                guard let found = memchrNewline(base + start, all.count - start) else { break }
                start = found - base + 1
            }
        }
    }

    /// The content range of line `index` (no `\n`, no trailing `\r`), given `lineStarts`.
    @inlinable
    public func contentRange(ofLine index: Int, lineStarts: [Int32]) -> Range<Int> {
        let start = Int(lineStarts[index])
        var end = index + 1 < lineStarts.count ? Int(lineStarts[index + 1]) : bytes.count
        if end > start && bytes[end - 1] == 0x0a { end -= 1 }
        if end > start && bytes[end - 1] == 0x0d { end -= 1 }
        return start..<end
    }
}
