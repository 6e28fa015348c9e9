/// Where a simulation's lines go, in time order: a rotation set of files, or a byte counter.
///
/// Contract: ``append(line:time:)`` receives complete lines (newline included) with non-decreasing
/// `time`; it returns how many bytes it kept (0 when the line fell in a span that was wiped, as after a
/// `truncate -s 0`). ``finish()`` is called once, after the last line.
protocol LogLineSink: AnyObject {
    /// Takes one line; returns the number of bytes kept.
    func append(line: UnsafeBufferPointer<UInt8>, time: Int64) throws(CorpusError) -> Int
    /// Flushes and closes whatever is open.
    func finish() throws(CorpusError)
}
