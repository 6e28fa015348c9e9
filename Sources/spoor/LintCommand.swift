import ArgumentParser
import DetectionRules
import Foundation
import Scanning

/// `spoor lint [PATH…]`: rule problems, one per line (`path:line: error|warning: …`); exit 1 on errors,
/// or on warnings too with --strict.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check rules: schema, duplicate ids and names, unknown fields and modifiers, ATT&CK tags, regex hazards.")

    @Argument(help: "Rule files or folders (the bundled rules when none is given).")
    var paths: [String] = []

    @Flag(name: .customLong("strict"), help: "Fail on warnings too.")
    var strict = false

    @Flag(name: .customLong("performance"), help: "Also list rules with no literal for the prefilter (they run on every line of their logsource).")
    var performance = false

    @Option(name: .customLong("cost"), help: ArgumentHelp("Instead of linting, run the rules over this evidence (file or folder; repeatable) and list each rule's share of matching time, most expensive first.", valueName: "EVIDENCE"))
    var costEvidence: [String] = []

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let sources = try engine.ruleSources(paths)
        if !costEvidence.isEmpty { return try reportCosts(sources) }
        let loader: RuleLoader
        do { loader = try engine.loader(usesTestPlaceholders: true) } catch {
            printError("spoor: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        let issues = RuleLinter(loader: loader, reportsUngatedRules: performance).lint(paths: sources)
        var output = issues.map(\.description).joined(separator: "\n")
        let errors = issues.filter { $0.severity == .error }.count
        output += (output.isEmpty ? "" : "\n") + "lint: \(errors) errors, \(issues.count - errors) warnings\n"
        FileHandle.standardOutput.write(Data(output.utf8))
        if errors > 0 || (strict && !issues.isEmpty) { throw ExitCode(ExitStatus.findings) }
    }

    /// `--cost EVIDENCE`: each rule's share of matching time on the evidence.
    private func reportCosts(_ sources: [String]) throws {
        let rules = try engine.load(sources)
        var configuration = ScanConfiguration(evidencePaths: costEvidence, jobs: 1, redactionKey: Array("cost".utf8))
        configuration.collectsActivities = true
        let report = RuleCostProfile.measure(rules: rules, configuration: configuration)
        let total = Double(max(1, report.matchingNanoseconds))
        func milliseconds(_ nanoseconds: UInt64) -> String { String(format: "%.1f", Double(nanoseconds) / 1e6) }
        var out = "cost: \(report.files) files, \(report.bytes) bytes, \(report.lines) lines; matching \(milliseconds(report.matchingNanoseconds)) ms "
        out += "(prefilter \(milliseconds(report.prefilterNanoseconds)) ms, \(String(format: "%.1f", Double(report.prefilterNanoseconds) / total * 100)) %); "
        out += "records and activities, not rule work: \(milliseconds(report.recordNanoseconds)) ms\n"
        out += "share      ms  candidate-lines  matches  gate  rule (file)\n"
        for cost in report.rules {
            let rule = rules.rules[cost.ruleIndex]
            out += String(format: "%5.1f %% %7.1f  %15d  %7d  ", Double(cost.nanoseconds) / total * 100, Double(cost.nanoseconds) / 1e6,
                          cost.candidateLines, cost.matches) + (cost.isGated ? "yes   " : cost.hasChunkGate ? "chunk " : "none  ")
            out += "\(rule.name ?? rule.id) (\(rule.sourcePath))\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        for error in report.errors { printError("spoor: \(error)") }
        if !report.errors.isEmpty { throw ExitCode(ExitStatus.errorOrIncomplete) }
    }
}
