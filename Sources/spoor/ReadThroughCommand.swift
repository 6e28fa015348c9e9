import ArgumentParser
import Foundation
import ZlibCodec
import Scanning

/// `spoor read-through EVIDENCE…` (hidden, for the benchmark): reads the evidence as a scan does —
/// decompression, SHA-256, line-aligned chunks — with no rule, and prints what it read as one line of
/// JSON. The difference from `spoor scan` on the same files is the cost of detection.
struct ReadThroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-through",
        abstract: "Read, decompress, hash and chunk the evidence with no rule (benchmark baseline).",
        shouldDisplay: false)

    @Argument(help: "Files or folders (archives are not walked).")
    var paths: [String]

    @Option(name: .customLong("jobs"), help: "Files read at once.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let summary = ReadThrough.run(paths: paths, jobs: jobs)
        let line = "{\"files\":\(summary.files),\"stored_bytes\":\(summary.storedBytes),\"decompressed_bytes\":\(summary.decompressedBytes),"
            + "\"lines\":\(summary.lines),\"chunks\":\(summary.chunks),\"skipped_archives\":\(summary.skippedArchives),\"errors\":\(summary.errors.count),"
            + "\"inflate\":\"\(InflateBackend.preferred.rawValue)\"}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        for error in summary.errors { printError("spoor: \(error)") }
        if !summary.errors.isEmpty { throw ExitCode(ExitStatus.errorOrIncomplete) }
    }
}
