import LineChunking

/// Gathers rendered record lines into chunks with per-line source offsets.
///
/// A chunk closes after `recordsPerChunk` lines or `targetChunkBytes` bytes, whichever comes first.
/// A line longer than `maximumLineBytes` closes the chunk before it and goes alone into its own
/// chunk, cut to the limit, with ``Chunk/truncatedLine`` set (the contract `LineChunker` keeps for text).
struct RecordChunkBuilder {
    let recordsPerChunk: Int
    let targetChunkBytes: Int
    let maximumLineBytes: Int
    /// Lines cut to the limit so far.
    private(set) var truncatedLines = 0
    /// Lines added so far.
    private(set) var lineCount = 0

    private var bytes: [UInt8] = []
    private var offsets: [Int64] = []
    private var nextIndex = 0
    private var nextLineNumber = 1
    private var ready: [Chunk] = []

    init(recordsPerChunk: Int, targetChunkBytes: Int = 1 << 20, maximumLineBytes: Int) {
        self.recordsPerChunk = max(recordsPerChunk, 1)
        self.targetChunkBytes = max(targetChunkBytes, 1)
        self.maximumLineBytes = max(maximumLineBytes, 1)
    }

    /// True when a chunk is ready to be taken.
    var hasReadyChunk: Bool { !ready.isEmpty }

    /// Adds one line (without terminator, no `\n` inside) rendered from the record at `sourceOffset`.
    mutating func append(line: [UInt8], sourceOffset: Int64) {
        lineCount += 1
        if line.count > maximumLineBytes {
            close()
            var cut = Array(line[0..<maximumLineBytes])
            cut.append(0x0a)
            ready.append(Chunk(index: nextIndex, bytes: cut, firstLineNumber: nextLineNumber, startOffset: sourceOffset,
                               truncatedLine: Int64(line.count), lineSourceOffsets: [sourceOffset]))
            nextIndex += 1
            nextLineNumber += 1
            truncatedLines += 1
            return
        }
        bytes.append(contentsOf: line)
        bytes.append(0x0a)
        offsets.append(sourceOffset)
        if offsets.count >= recordsPerChunk || bytes.count >= targetChunkBytes { close() }
    }

    /// Closes the open chunk (if it has lines) so that ``take()`` returns it.
    mutating func close() {
        guard !offsets.isEmpty else { return }
        ready.append(Chunk(index: nextIndex, bytes: bytes, firstLineNumber: nextLineNumber, startOffset: offsets[0], lineSourceOffsets: offsets))
        nextIndex += 1
        nextLineNumber += offsets.count
        bytes = []
        offsets = []
    }

    /// The oldest ready chunk, if any.
    mutating func take() -> Chunk? {
        ready.isEmpty ? nil : ready.removeFirst()
    }
}
