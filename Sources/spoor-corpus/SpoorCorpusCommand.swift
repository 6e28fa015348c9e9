import ArgumentParser
import CorpusGeneration

/// `spoor-corpus`: writes deterministic Debian/Ubuntu log trees with a planted intrusion.
@main
struct SpoorCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spoor-corpus",
        abstract: "Write deterministic Linux log trees (auth.log, syslog, rotated and gzip) with a planted intrusion.",
        subcommands: [SamplesCommand.self, BenchCommand.self])
}

/// `spoor-corpus samples --output samples`: the small committed evidence set.
struct SamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Write the sample evidence (web01's /var/log, 4-7 March 2025) under a folder.")

    @Option(name: .customLong("output"), help: "Folder to write var/log/... into.")
    var output: String = "samples"

    @Option(name: .customLong("seed"), help: "Random seed (the committed samples use the default).")
    var seed: UInt64 = SampleCorpus.defaultSeed

    func run() throws {
        let files = try SampleCorpus.write(to: output, seed: seed)
        for file in files { print(output + "/" + file) }
    }
}
