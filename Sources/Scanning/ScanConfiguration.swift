/// Everything a scan needs to know, resolved once before it starts and immutable afterwards.
public struct ScanConfiguration: Sendable {
    /// Evidence paths: files, folders (walked recursively, sorted), or `-` for standard input.
    public var evidencePaths: [String]
    /// Worker threads for matching (and at most this many files read at once).
    public var jobs: Int
    /// Target size of a line-aligned chunk.
    public var chunkBytes: Int = 1 << 20
    /// Lines longer than this are cut for matching, counted and reported.
    public var maximumLineBytes: Int = 1 << 20
    /// Findings kept per rule; later matches are only counted.
    public var findingsCapPerRule: Int = 1000
    /// Key for the keyed hash that stands in for redacted secrets.
    public var redactionKey: [UInt8]
    /// When false, secrets are shown in clear (`--no-redact`).
    public var isRedacting: Bool = true

    public init(evidencePaths: [String], jobs: Int, redactionKey: [UInt8]) {
        self.evidencePaths = evidencePaths
        self.jobs = max(1, jobs)
        self.redactionKey = redactionKey
    }
}
