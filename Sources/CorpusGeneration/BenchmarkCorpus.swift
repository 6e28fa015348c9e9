/// A large deterministic corpus for measuring scan speed, with detections at a realistic low density.
///
/// Layout under the root:
/// - `hosts/<name>/var/log/auth.log*` and `syslog*` for each host: web, application and database
///   servers, Debian or Ubuntu, OpenSSH before or after 9.8, rotated daily or weekly with the older
///   generations gzip-compressed (`auth.log`, `auth.log.1`, `auth.log.2.gz`, …);
/// - `big/syslog-archive.gz`: a central log server's archive of eight forwarding hosts, about 20 % of
///   the total. By default it is one gzip member, compressed as it is written; with
///   ``BenchmarkOptions/archiveMemberBytes`` set, members of at most that many uncompressed bytes;
/// - `manifest.txt`: the options, every file, and every planted story with its host and times.
///
/// Sizes count uncompressed log bytes; each host stops at its share, so the total lands within a
/// line of the requested size unless a host's planned span ends first. Memory stays bounded: at most
/// one gzip member's text per stream per worker.
///
/// ```swift
/// let summary = try BenchmarkCorpus.write(to: "/tmp/corpus", options: BenchmarkOptions(totalBytes: 1_000_000_000))
/// ```
public enum BenchmarkCorpus {
    /// Writes the corpus under `root` and returns what was written.
    public static func write(to root: String, options: BenchmarkOptions) throws(CorpusError) -> BenchmarkSummary {
        guard options.totalBytes > 0 else { throw .invalidOptions(reason: "the corpus size must be positive") }
        let archiveBytes = options.resolvedArchiveBytes
        guard archiveBytes >= 0, archiveBytes < options.totalBytes else {
            throw .invalidOptions(reason: "the single archive (\(ByteSize(bytes: archiveBytes))) must be smaller than the corpus (\(ByteSize(bytes: options.totalBytes)))")
        }
        let hostCount = options.resolvedHostCount
        let hostBytes = options.totalBytes - archiveBytes
        let seed = SeededRandom(seed: options.seed)
        var jobs: [BenchmarkJob] = []
        if archiveBytes > 0 {
            jobs.append(BenchmarkJob(kind: .centralArchive, byteBudget: archiveBytes, random: seed.derived(1_000_000)))
        }
        let weights = (0..<hostCount).map(BenchmarkJob.budgetWeight(number:))
        let totalWeight = weights.reduce(0, +)
        var assigned = 0
        for number in 0..<hostCount {
            let share = number == hostCount - 1 ? hostBytes - assigned : hostBytes * weights[number] / totalWeight
            assigned += share
            jobs.append(BenchmarkJob(kind: .host(number: number), byteBudget: share, random: seed.derived(UInt64(number))))
        }
        let plannedJobs = jobs
        let runner = ParallelJobRunner<BenchmarkJob.Result>(jobCount: plannedJobs.count)
        let results = try runner.run(workerCount: options.workerCount) { (index) throws(CorpusError) -> BenchmarkJob.Result in
            try plannedJobs[index].run(root: root, options: options)
        }
        let summary = BenchmarkSummary(
            files: results.flatMap(\.files),
            uncompressedBytes: results.reduce(0) { $0 + $1.bytes },
            archiveBytes: archiveBytes > 0 ? results[0].bytes : 0,
            hostCount: hostCount,
            stories: results.flatMap(\.stories))
        try writeManifest(summary, options: options, root: root)
        return summary
    }

    /// `manifest.txt`: what was asked, what was written, where the stories are.
    private static func writeManifest(_ summary: BenchmarkSummary, options: BenchmarkOptions, root: String) throws(CorpusError) {
        var text = "# spoor-corpus bench\n"
        text += "seed: \(options.seed)\n"
        text += "requested: \(options.totalBytes) bytes (\(ByteSize(bytes: options.totalBytes)))\n"
        text += "written: \(summary.uncompressedBytes) uncompressed bytes (\(ByteSize(bytes: summary.uncompressedBytes)))\n"
        text += options.archiveMemberBytes == 0
            ? "single archive: \(summary.archiveBytes) bytes, one gzip member\n"
            : "single archive: \(summary.archiveBytes) bytes, members of at most \(options.archiveMemberBytes) bytes\n"
        text += "hosts: \(summary.hostCount)\ncompression level: \(options.compressionLevel)\n\n## planted stories\n"
        for story in summary.stories { text += "- \(story)\n" }
        text += "\n## files\n"
        for file in summary.files { text += file + "\n" }
        let file = try OutputFile(path: root + "/manifest.txt")
        try file.append(Array(text.utf8))
        try file.finish()
    }
}
