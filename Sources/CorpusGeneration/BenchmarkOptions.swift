/// What ``BenchmarkCorpus`` writes: how much, how it is split, and how it is compressed.
public struct BenchmarkOptions: Sendable {
    /// Uncompressed bytes of log text in the whole corpus (every file, the big archive included).
    public var totalBytes: Int
    /// Uncompressed bytes of `big/syslog-archive.gz`; nil means 20 % of ``totalBytes``.
    public var singleArchiveBytes: Int?
    /// Number of hosts with their own `var/log`; nil means one per ~48 MB of host data (at least 2).
    public var hostCount: Int?
    /// The seed: the same seed and options give byte-identical files.
    public var seed: UInt64
    /// zlib level for every `.gz` (6 is what logrotate's gzip uses).
    public var compressionLevel: Int32
    /// Largest uncompressed member of `big/syslog-archive.gz` (see ``BenchmarkCorpus``).
    public var archiveMemberBytes: Int
    /// Threads generating hosts at once; the output does not depend on it.
    public var workerCount: Int

    /// Options with the defaults for everything but the size.
    public init(totalBytes: Int, singleArchiveBytes: Int? = nil, hostCount: Int? = nil, seed: UInt64 = 1,
                compressionLevel: Int32 = 6, archiveMemberBytes: Int = 0, workerCount: Int = 2) {
        self.totalBytes = totalBytes
        self.singleArchiveBytes = singleArchiveBytes
        self.hostCount = hostCount
        self.seed = seed
        self.compressionLevel = compressionLevel
        self.archiveMemberBytes = archiveMemberBytes
        self.workerCount = workerCount
    }

    /// The archive's share after defaults.
    var resolvedArchiveBytes: Int { singleArchiveBytes ?? totalBytes / 5 }

    /// The number of hosts after defaults.
    var resolvedHostCount: Int {
        if let hostCount { return max(1, hostCount) }
        let hostBytes = totalBytes - resolvedArchiveBytes
        return max(2, (hostBytes + 47_999_999) / 48_000_000)
    }
}
