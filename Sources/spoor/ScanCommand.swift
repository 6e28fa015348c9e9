import ArgumentParser
import DetectionRules
import EvidenceInput
import ExposureReport
import Foundation
import RecordParsing
import ReportExport
import Scanning

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan evidence (files, folders, or - for standard input) with the bundled rules and any given.")

    @Argument(help: "Evidence files or folders (walked recursively, in sorted order); - reads standard input.")
    var paths: [String] = []

    @Option(name: .customLong("files-from"), help: "Read evidence paths from this file, one a line (- for standard input), after those given as arguments.")
    var filesFrom: String?

    @Option(name: .customLong("shard"), help: "K/N: scan only shard K of N (cut by host and log stream); without it, an array job's environment (Slurm, Kubernetes Indexed Job, AWS Batch, GCP Batch) gives the shard when set.")
    var shard: String?

    @Option(name: .customLong("shard-count"), help: "The number of shards when the environment gives only this task's index (Kubernetes JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX); else SPOOR_SHARD_COUNT.")
    var shardCount: Int?

    @Flag(name: .customLong("partial"), help: "Write a partial report (spoor.partial/v2) to -o for spoor merge, instead of a report.")
    var isPartial = false

    @Option(name: .customLong("rules"), help: "A rule file or folder to load as well (repeatable).")
    var rulePaths: [String] = []

    @Flag(name: .customLong("no-bundled-rules"), help: "Use only the rules given with --rules.")
    var withoutBundledRules = false

    @Option(name: .customLong("format"), help: "Output format: markdown (the incident summary, the default on a terminal), text (a short summary), json (the full report, the default with -o), jsonl (JSON Lines), sarif (SARIF 2.1.0), csv (the timeline), timesketch (JSON Lines for Timesketch), html (a self-contained page to open in a browser).")
    var format: OutputFormat?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the report to this file (never next to the evidence).")
    var outputPath: String?

    @Option(name: .customLong("jobs"), help: "Worker threads (default: all cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("fail-on"), help: "Exit 1 only for findings at or above this level (informational, low, medium, high, critical).")
    var failOn: RuleLevel = .informational

    @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this are cut for matching, counted and reported.")
    var maximumLineBytes: Int = 1 << 20

    @Option(name: .customLong("chunk-kib"), help: "Size of the line-aligned chunks handed to workers, in KiB.")
    var chunkKiB: Int = 1024

    @Option(name: .customLong("findings-cap"), help: "Findings kept per rule; later matches are counted only.")
    var findingsCap: Int = 1000

    @Flag(name: .customLong("no-redact"), help: "Show secrets found in the logs in clear.")
    var showSecrets = false

    @Flag(name: .customLong("no-progress"), help: "Never print the progress line.")
    var withoutProgress = false

    @Option(name: .customLong("reference-date"), help: "YYYY-MM-DD: the latest date year-less stamps can have, when the evidence has no better date.")
    var referenceDate: String?

    @Option(name: .customLong("password"), help: "A password for encrypted archive members (zip, 7z; repeatable: each is tried). It shows in the process list: prefer a private machine.")
    var archivePasswords: [String] = []

    @Option(name: .customLong("timezone"), help: "The zone of local time stamps (tz name, e.g. Europe/London); overrides etc/timezone in the evidence.")
    var timeZone: String?

    @Option(name: .customLong("since"), help: "Keep findings at or after this UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ).")
    var since: String?

    @Option(name: .customLong("until"), help: "Keep findings at or before this UTC time (YYYY-MM-DD means the end of that day).")
    var until: String?

    @Option(name: .customLong("host"), help: "Keep findings of this host only (repeatable); sessions and coverage of other hosts are left out.")
    var hosts: [String] = []

    @Option(name: .customLong("user"), help: "Keep findings naming this user (user or target_user; repeatable).")
    var users: [String] = []

    @Option(name: .customLong("source-ip"), help: "Keep findings from this source address (src_ip; repeatable).")
    var sourceAddresses: [String] = []

    @Option(name: .customLong("min-level"), help: "Keep findings at or above this level (informational, low, medium, high, critical).")
    var minimumLevel: RuleLevel?

    @Option(name: .customLong("max-correlation-events"), help: "Events kept for correlations (about 300 bytes each, most of it the evidence line); beyond it correlations are incomplete and the scan says so.")
    var maximumCorrelationEvents: Int = 2_000_000

    @Option(name: .customLong("temp-dir"), help: "Directory for the temporary file that holds the evidence lines of correlation events instead of memory (made there with mode 0600 and unlinked at once). Default: $TMPDIR, else /tmp; 'none' keeps them in memory.")
    var temporaryDirectory: String?

    @Option(name: .customLong("max-ratio"), help: "Compression-bomb limit: one piece of evidence (a file, or an archive with all it holds) may decompress to at most this many times its stored size, checked past 256 MiB; the rest is not read and the evidence is partial (0: no limit).")
    var maximumRatio: Int = DecompressionLimits().maximumRatio

    @Option(name: .customLong("ratio-floor-mib"), help: "MiB a piece of evidence may decompress to before --max-ratio is checked.")
    var ratioFloorMiB: Int = Int(DecompressionLimits().ratioFloorBytes >> 20)

    @Option(name: .customLong("max-decompressed-gib"), help: "Compression-bomb limit: GiB one piece of evidence may decompress to in all (0: no limit).")
    var maximumDecompressedGiB: Int = Int(DecompressionLimits().maximumBytes >> 30)

    @Flag(name: .customLong("scan-duplicates"), help: "Read files whose decompressed content repeats an earlier file's too (by default they are listed, hashed and marked duplicate_of, not read again).")
    var scansDuplicates = false

    @OptionGroup var engine: RuleEngineOptions

    mutating func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard maximumLineBytes >= 256 else { throw ValidationError("--max-line-bytes must be at least 256") }
        guard chunkKiB >= 4 else { throw ValidationError("--chunk-kib must be at least 4") }
        guard maximumRatio >= 0, maximumDecompressedGiB >= 0, ratioFloorMiB >= 0 else { throw ValidationError("--max-ratio, --ratio-floor-mib and --max-decompressed-gib cannot be negative") }
        guard findingsCap >= 0 else { throw ValidationError("--findings-cap cannot be negative") }
        if let referenceDate, CalendarDate(text: referenceDate) == nil { throw ValidationError("--reference-date must be YYYY-MM-DD, not '\(referenceDate)'") }
        if let timeZone, TimeZone(identifier: timeZone) == nil { throw ValidationError("--timezone: unknown zone '\(timeZone)' (use a tz database name such as Europe/London)") }
        if let since, UTCArgument.seconds(since, endOfDay: false) == nil { throw ValidationError("--since must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '\(since)'") }
        if let until, UTCArgument.seconds(until, endOfDay: true) == nil { throw ValidationError("--until must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '\(until)'") }
        if let shard, ShardSpec(text: shard) == nil { throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N, not '\(shard)'") }
        if let shardCount, shardCount < 1 { throw ValidationError("--shard-count must be at least 1") }
        if paths.isEmpty && filesFrom == nil { throw ValidationError("give evidence paths, or --files-from FILE") }
        if isPartial {
            guard outputPath != nil else { throw ValidationError("--partial needs -o FILE (the partial report is written there atomically)") }
            guard since == nil && until == nil else { throw ValidationError("--since/--until cannot be used with --partial: a sharded scan does not support a time window yet") }
            guard format == nil else { throw ValidationError("--partial writes spoor.partial/v2; give --format to spoor merge instead") }
        }
    }

    /// The evidence paths: the arguments, then the lines of `--files-from` (empty lines skipped).
    func evidencePaths() throws -> [String] {
        guard let filesFrom else { return paths }
        let data: Data
        if filesFrom == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: filesFrom) else {
                printError("spoor: --files-from \(filesFrom): cannot read the file")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
            data = contents
        }
        var listed = paths
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let path = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            guard !path.isEmpty else { continue }
            if path == "-" && filesFrom == "-" {
                printError("spoor: --files-from -, line \(number + 1): '-' (standard input) cannot be evidence when standard input is the list")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
            listed.append(path)
        }
        return listed
    }

    /// `--temp-dir`, checked (a directory given that cannot be written to is an error); else `$TMPDIR` or
    /// `/tmp`, where a failure only keeps the lines in memory.
    func eventLineDirectory() throws -> String? {
        guard let temporaryDirectory else {
            let environment = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
            return environment.isEmpty ? "/tmp" : environment
        }
        if temporaryDirectory == "none" { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: temporaryDirectory, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: temporaryDirectory) else {
            throw ValidationError("--temp-dir \(temporaryDirectory): not a directory this process can write to")
        }
        return temporaryDirectory
    }

    /// `--shard`, else the array job's environment, else none (a whole scan).
    func resolvedShard() throws -> ShardSpec? {
        if let shard { return ShardSpec(text: shard) }
        do {
            return try ShardSpec.fromEnvironment(ProcessInfo.processInfo.environment, countHint: shardCount)
        } catch {
            printError("spoor: shard from the environment: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
    }

    func run() throws {
        let started = Date()
        let rules = try engine.load(try engine.scanRuleSources(rulePaths, withoutBundled: withoutBundledRules))
        for skipped in rules.skipped {
            printError("spoor: rule \(skipped.id) (\(skipped.path)) not run: \(skipped.reason)")
        }
        let profileZone: String?
        do { profileZone = try engine.profile().timeZone } catch {
            printError("spoor: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        if let profileZone, TimeZone(identifier: profileZone) == nil {
            printError("spoor: profile \(engine.profilePath ?? "-"): unknown time zone '\(profileZone)'")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }

        var configuration = ScanConfiguration(evidencePaths: try evidencePaths(), jobs: jobs, redactionKey: RedactionKey.resolve(ruleSetHash: rules.sha256))
        configuration.maximumLineBytes = maximumLineBytes
        configuration.chunkBytes = chunkKiB * 1024
        configuration.findingsCapPerRule = findingsCap
        configuration.maximumCorrelationEvents = maximumCorrelationEvents
        configuration.eventLineDirectory = try eventLineDirectory()
        configuration.isRedacting = !showSecrets
        configuration.referenceDate = referenceDate.flatMap(CalendarDate.init(text:))
        configuration.timeZoneIdentifier = timeZone ?? profileZone
        configuration.archivePasswords = archivePasswords
        configuration.readsRepeatedContentOnce = !scansDuplicates
        configuration.decompressionLimits.maximumRatio = maximumRatio
        configuration.decompressionLimits.ratioFloorBytes = Int64(ratioFloorMiB) << 20
        configuration.decompressionLimits.maximumBytes = Int64(maximumDecompressedGiB) << 30
        configuration.since = since.flatMap { UTCArgument.seconds($0, endOfDay: false) }
        configuration.until = until.flatMap { UTCArgument.seconds($0, endOfDay: true) }
        configuration.scanDate = Int64(started.timeIntervalSince1970)
        configuration.hosts = hosts
        configuration.users = users
        configuration.sourceAddresses = sourceAddresses
        configuration.minimumLevel = minimumLevel?.rawValue
        configuration.shard = try resolvedShard()
        if isPartial && configuration.shard == nil {
            configuration.shard = ShardSpec(index: 1, count: 1, source: "--partial without a shard")
        }
        if let shard = configuration.shard {
            printError("spoor: scanning shard \(shard.description) (from \(shard.source))")
            if !isPartial { printError("spoor: warning: without --partial this report covers shard \(shard.description) only and cannot be merged") }
        }

        let isTerminal = isatty(STDERR_FILENO) == 1 && !withoutProgress
        let progress: ScanPipeline.ProgressHandler? = isTerminal ? ProgressLine(started: started).update : nil
        var clock = PhaseClock()
        var state = ScanPipeline(configuration: configuration, rules: rules).runState(progress: progress)
        clock.lap("evidence scanned")
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }

        var run = RunInfo(argv: Self.withoutPasswords(CommandLine.arguments), start: ISO8601DateFormatter().string(from: started),
                          durationSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, jobs: jobs)
        if let shard = configuration.shard { run.shards = ["\(shard.description) from \(shard.source)"] }
        if isPartial, let outputPath {
            try writePartial(PartialReport(state: state, rules: rules, configuration: configuration, run: run), to: outputPath)
            KeptUntilExit.keep(state)
            return
        }
        let outcome = state.outcome(rules: rules, configuration: configuration)
        clock.lap("correlations")
        let assembled = try ReportAssembly.assemble(outcome: outcome, rules: rules, configuration: configuration, run: run)

        clock.lap("report assembled")
        let chosen = format ?? (outputPath == nil ? .markdown : .json)
        if try writeOutput(try chosen.render(assembled), to: outputPath), isatty(STDOUT_FILENO) == 1 && chosen != .text && chosen != .markdown {
            FileHandle.standardOutput.write(Data(TextSummaryExporter.render(assembled.report()).utf8))
        }
        clock.lap("report written")
        for problem in assembled.summary.problems { printError("spoor: \(problem)") }
        KeptUntilExit.keep((state, outcome, assembled))
        throw ExitCode(reportExitStatus(assembled.summary, assembled.statistics, rules: rules, failOn: failOn))
    }

    /// Writes the partial report atomically; exit 0 when the shard's evidence was read completely, 2 when not.
    private func writePartial(_ partial: PartialReport, to path: String) throws {
        do {
            try PartialReport.writeAtomically(try partial.encoded(), to: path)
        } catch {
            printError("spoor: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        printError("spoor: partial report of shard \(partial.shard.description) written to \(path): \(partial.evidenceFiles) evidence files, \(partial.findingsKept) findings kept")
        guard partial.isShardComplete else {
            printError("spoor: shard \(partial.shard.description) is incomplete (damaged or unreadable evidence); the merge will say so")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        throw ExitCode(ExitStatus.clean)
    }

}

/// The exit status of a finished report: 2 incomplete, 1 findings at or above `failOn`, else 0.
func reportExitStatus(_ summary: ScanSummary, _ statistics: [RuleStatistics], rules: RuleSet, failOn: RuleLevel) -> Int32 {
    if !summary.isComplete { return ExitStatus.errorOrIncomplete }
    let levels = Dictionary(uniqueKeysWithValues: rules.rules.map { ($0.id, $0.level) })
    let hasFindings = statistics.contains { $0.matches > 0 && (levels[$0.id] ?? .informational) >= failOn }
    return hasFindings ? ExitStatus.findings : ExitStatus.clean
}

/// The `--format` values: the names of the exporters in `ReportExporters`.
struct OutputFormat: ExpressibleByArgument, Equatable {
    static let text = OutputFormat(argument: "text")!
    static let markdown = OutputFormat(argument: "markdown")!
    static let json = OutputFormat(argument: "json")!

    let exporter: any ReportExporter

    init?(argument: String) {
        guard let exporter = ReportExporters.named(argument) else { return nil }
        self.exporter = exporter
    }

    static var allValueStrings: [String] { ReportExporters.formatNames }

    static func == (lhs: OutputFormat, rhs: OutputFormat) -> Bool { lhs.exporter.formatName == rhs.exporter.formatName }

    /// The report in this format: the JSON report is the assembled JSON itself (encoded once, while
    /// secrets were removed); the other formats are made from the report model.
    func render(_ assembled: AssembledReport) throws -> Data {
        self == .json ? assembled.json : try exporter.export(assembled.report())
    }
}

extension RuleLevel: ExpressibleByArgument {}

/// Finds the bundled `rules/` folder: `SPOOR_BUNDLED_RULES`, else a `rules/` beside a `Package.swift`
/// above the executable (a build tree), else `rules/` beside the executable, else `./rules`.
enum BundledRules {
    static func locate() -> String? {
        let manager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["SPOOR_BUNDLED_RULES"], !explicit.isEmpty { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let executable = Bundle.main.executableURL { directory = executable.resolvingSymlinksInPath().deletingLastPathComponent() }
        let beside = directory.appendingPathComponent("rules").path
        if manager.fileExists(atPath: beside) { return beside }
        var candidate = directory
        for _ in 0..<8 {
            let rules = candidate.appendingPathComponent("rules").path
            if manager.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path) && manager.fileExists(atPath: rules) { return rules }
            candidate.deleteLastPathComponent()
        }
        if manager.fileExists(atPath: "rules") { return "rules" }
        return nil
    }
}

/// The key of the keyed hash behind redaction markers: `SPOOR_REDACTION_KEY` when set (keep it secret
/// to stop anyone guessing short secrets from the report), else derived from the rule set's hash, which
/// keeps reports reproducible.
enum RedactionKey {
    static func resolve(ruleSetHash: String) -> [UInt8] {
        if let key = ProcessInfo.processInfo.environment["SPOOR_REDACTION_KEY"], !key.isEmpty { return Array(key.utf8) }
        return Array("spoor-redaction:\(ruleSetHash)".utf8)
    }
}

/// The progress line on standard error, shown only after the first second.
struct ProgressLine: Sendable {
    let started: Date

    func update(_ bytesRead: Int64, _ totalBytes: Int64) {
        let elapsed = Date().timeIntervalSince(started)
        guard elapsed >= 1 else { return }
        let megabytes = Double(bytesRead) / 1e6
        let percent = totalBytes > 0 ? String(format: " (%.0f%%)", 100 * Double(bytesRead) / Double(totalBytes)) : ""
        let text = String(format: "\r\u{1b}[Kscanning: %.0f MB read%@, %.0f MB/s stored", megabytes, percent, megabytes / elapsed)
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Reads `--since`/`--until` values as UTC seconds.
enum UTCArgument {
    static func seconds(_ text: String, endOfDay: Bool) -> Int64? {
        if let date = CalendarDate(text: text), text.count == 10 {
            let days = Int64(CivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day))
            return days * 86_400 + (endOfDay ? 86_399 : 0)
        }
        let formatter = ISO8601DateFormatter()
        guard let parsed = formatter.date(from: text) else { return nil }
        return Int64(parsed.timeIntervalSince1970)
    }
}

extension ScanCommand {
    /// The command line as the report records it: `--password` values replaced, so a report can be shared.
    static func withoutPasswords(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var isPasswordNext = false
        for argument in arguments {
            if isPasswordNext {
                result.append("[redacted]")
                isPasswordNext = false
            } else if argument == "--password" {
                result.append(argument)
                isPasswordNext = true
            } else if argument.hasPrefix("--password=") {
                result.append("--password=[redacted]")
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
