import ArgumentParser
import DetectionRules
import ExposureReport
import Foundation
import ReportExport
import Scanning

/// `spoor merge`: the partial reports of a sharded scan (`spoor scan --partial`) into the full report.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial reports of a sharded scan (spoor scan --partial) into the report a single scan gives.",
        discussion: """
        Give the rules the shards used (the bundled ones and the same --rules, --profile, --logsources).
        A missing or duplicated shard, or partials of another rule set, evidence list or options: the merge
        says which, marks the report incomplete and exits 2.
        """)

    @Argument(help: "Partial reports (spoor.partial/v1), one per shard.")
    var partials: [String]

    @Option(name: .customLong("rules"), help: "A rule file or folder the shards loaded as well (repeatable).")
    var rulePaths: [String] = []

    @Flag(name: .customLong("no-bundled-rules"), help: "The shards used only the rules given with --rules.")
    var withoutBundledRules = false

    @Option(name: .customLong("format"), help: "Output format, as for spoor scan (default: markdown on a terminal, json with -o).")
    var format: OutputFormat?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the report to this file.")
    var outputPath: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 only for findings at or above this level.")
    var failOn: RuleLevel = .informational

    @Option(name: .customLong("jobs"), help: "Threads for the work that runs side by side (default: all cores); the report does not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let started = Date()
        var clock = PhaseClock()
        let rules = try engine.load(try engine.scanRuleSources(rulePaths, withoutBundled: withoutBundledRules))
        clock.lap("rules loaded")

        var loaded: [(name: String, report: PartialReport)] = []
        for path in partials {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("spoor: \(path): cannot read the partial report")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
            do {
                loaded.append((path, try PartialReport.decode(data)))
            } catch {
                printError("spoor: \(path): not a readable \(PartialReport.schemaIdentifier) partial report: \(Self.describe(error))")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
        }
        clock.lap("partials read")
        var merged: PartialMerge.Result
        do throws(PartialMerge.MergeError) {
            merged = try PartialMerge.merge(loaded, rules: rules)
        } catch {
            printError("spoor: merge: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        clock.lap("partials combined")
        loaded = []
        merged.configuration.jobs = max(1, jobs)
        // In place: the state's events move into the correlation engine without a copy.
        let outcome = merged.state.outcome(rules: rules, configuration: merged.configuration)
        clock.lap("correlations")
        var run = RunInfo(argv: CommandLine.arguments, start: ISO8601DateFormatter().string(from: started),
                          durationSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, jobs: max(1, jobs))
        run.shards = merged.shards
        let assembled = try ReportAssembly.assemble(outcome: outcome, rules: rules, configuration: merged.configuration, run: run)

        clock.lap("report assembled")
        let chosen = format ?? (outputPath == nil ? .markdown : .json)
        try writeOutput(try chosen.render(assembled), to: outputPath)
        clock.lap("report written")
        for problem in merged.problems { printError("spoor: merge: \(problem)") }
        if !merged.problems.isEmpty { printError("spoor: merge: the report is incomplete") }
        throw ExitCode(reportExitStatus(assembled.summary, assembled.statistics, rules: rules, failOn: failOn))
    }

    /// A decoding error with the place it happened (the coding path).
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?, .keyNotFound(_, let context)?, .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            let place = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "\(context.debugDescription)\(place.isEmpty ? "" : " at \(place)")"
        default:
            return "\(error)"
        }
    }
}
