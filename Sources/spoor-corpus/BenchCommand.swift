import ArgumentParser
import CorpusGeneration
import Dispatch

/// `spoor-corpus bench --output DIR --size 1GB`: a large corpus for throughput measurements.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Write a benchmark corpus: many hosts' rotated auth.log/syslog files plus one large gzip archive.",
        discussion: "Sizes count uncompressed log bytes: 200MB, 1GB, 4GB (powers of 1000) or 512MiB, 2GiB (powers of 1024).")

    @Option(name: .customLong("output"), help: "Folder to write into (created if needed).")
    var output: String

    @Option(name: .customLong("size"), help: "Total uncompressed size of the corpus.")
    var size: String = "1GB"

    @Option(name: .customLong("single-gz-size"), help: "Uncompressed size of big/syslog-archive.gz (default: 20 % of --size).")
    var singleArchiveSize: String?

    @Option(name: .customLong("hosts"), help: "Number of hosts (default: one per ~48 MB of host data, at least 2).")
    var hosts: Int?

    @Option(name: .customLong("seed"), help: "Random seed; the same seed and options give the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .customLong("level"), help: "gzip compression level, 1-9.")
    var level: Int32 = 6

    @Option(name: .customLong("archive-member-size"), help: "Largest uncompressed gzip member of the big archive; 0 (the default) writes it as one gzip member, streamed.")
    var archiveMemberSize: String = "0"

    @Option(name: .customLong("jobs"), help: "Worker threads (default: the number of processors). Output does not depend on it.")
    var jobs: Int?

    func run() throws {
        var options = BenchmarkOptions(totalBytes: try ByteSize(parsing: size).bytes, seed: seed, compressionLevel: level)
        if let singleArchiveSize { options.singleArchiveBytes = try ByteSize(parsing: singleArchiveSize).bytes }
        options.hostCount = hosts
        let memberBytes = try ByteSize(parsing: archiveMemberSize).bytes
        options.archiveMemberBytes = memberBytes == 0 ? 0 : max(1 << 20, memberBytes)
        options.workerCount = jobs ?? ProcessorCount.active
        let started = ContinuousClock.now
        let summary = try BenchmarkCorpus.write(to: output, options: options)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytesPerSecond = Double(summary.uncompressedBytes) / 1e6 / max(seconds, 1e-9)
        print("wrote \(summary.files.count) files under \(output): \(ByteSize(bytes: summary.uncompressedBytes)) uncompressed "
            + "(\(summary.uncompressedBytes) bytes), \(summary.hostCount) hosts + big/syslog-archive.gz "
            + "(\(ByteSize(bytes: summary.archiveBytes))), \(summary.stories.count) planted stories")
        print("time \(String(twoDecimals: seconds)) s, \(String(twoDecimals: megabytesPerSecond)) MB/s with \(options.workerCount) workers; see \(output)/manifest.txt")
    }
}

extension String {
    /// Two decimals without Foundation.
    init(twoDecimals value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
