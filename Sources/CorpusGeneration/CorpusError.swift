/// Everything that can go wrong while writing a corpus.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    /// A file or folder could not be created or written.
    case cannotWrite(path: String, reason: String)
    /// zlib refused to start a compressor at this level.
    case compressorUnavailable(level: Int32)
    /// A size such as `200MB` could not be read.
    case invalidSize(text: String)
    /// The options contradict each other (for example a single archive larger than the whole corpus).
    case invalidOptions(reason: String)

    /// A message for the command line.
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .compressorUnavailable(level): return "zlib cannot compress at level \(level)"
        case let .invalidSize(text): return "not a size: '\(text)' (use a number with B, KB, MB, GB, KiB, MiB or GiB)"
        case let .invalidOptions(reason): return reason
        }
    }
}
