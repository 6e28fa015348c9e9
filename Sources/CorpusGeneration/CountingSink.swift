/// A sink that keeps nothing and only counts bytes: used to measure a host's output per day.
final class CountingSink: LogLineSink {
    /// Bytes received so far.
    private(set) var byteCount = 0

    func append(line: UnsafeBufferPointer<UInt8>, time: Int64) throws(CorpusError) -> Int {
        byteCount += line.count
        return line.count
    }

    func finish() throws(CorpusError) {}
}
