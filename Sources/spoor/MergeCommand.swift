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

    @Argument(help: "Partial reports (spoor.partial/v2), one per shard.")
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
        // The partials are independent: read and decode them in parallel (kept in the order given),
        // while this thread loads the rules.
        let slots = DecodedPartials(count: partials.count)
        let paths = partials
        let decoding = DispatchGroup()
        DispatchQueue.global().async(group: decoding) {
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in
                slots.set(index, Self.read(paths[index]))
            }
        }
        // The merge matches nothing: rule metadata, correlations and the rule set's hash (of the files)
        // are all it needs, so no JIT compilation.
        let rules = try engine.load(try engine.scanRuleSources(rulePaths, withoutBundled: withoutBundledRules), allowJIT: false)
        clock.lap("rules loaded")
        decoding.wait()
        var loaded: [(name: String, report: PartialReport)] = []
        // Taken from the slots, so that the merge holds the only copy (it moves the events out).
        for (path, outcome) in zip(partials, slots.take()) {
            switch outcome {
            case .success(let report)?: loaded.append((path, report))
            case .failure(let failure)?:
                printError("spoor: \(path): \(failure.message)")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            case nil:
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
        }
        clock.lap("partials read")
        var merged: PartialMerge.Result
        do throws(PartialMerge.MergeError) {
            merged = try PartialMerge.merge(&loaded, rules: rules, threads: max(1, jobs))
        } catch {
            printError("spoor: merge: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        clock.lap("partials combined")
        // The shards' states are merged. Freeing them (hundreds of thousands of strings and records)
        // would cost CPU the post-scan phase needs, just before the process exits and the system takes
        // the memory back whole: they are kept, on purpose, until then.
        KeptUntilExit.keep(loaded)
        loaded.removeAll()
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
        // The process ends here: the outcome and the report are left to it, not freed piece by piece.
        KeptUntilExit.keep((merged, outcome, assembled))
        throw ExitCode(reportExitStatus(assembled.summary, assembled.statistics, rules: rules, failOn: failOn))
    }

    struct ReadFailure: Error {
        var message: String
    }

    /// Reads and decodes one partial report.
    static func read(_ path: String) -> Result<PartialReport, ReadFailure> {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            return .failure(ReadFailure(message: "cannot read the partial report: \(error.localizedDescription)"))
        }
        do throws(PartialFormatError) {
            return .success(try PartialReport.decode(data))
        } catch {
            return .failure(ReadFailure(message: "not a readable \(PartialReport.schemaIdentifier) partial report: \(error.description)"))
        }
    }
}

/// The partials decoded by parallel tasks, one slot each.
private final class DecodedPartials: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<PartialReport, MergeCommand.ReadFailure>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<PartialReport, MergeCommand.ReadFailure>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// The results, the slots emptied.
    func take() -> [Result<PartialReport, MergeCommand.ReadFailure>?] {
        lock.lock()
        defer { lock.unlock() }
        let results = slots
        slots = []
        return results
    }
}
