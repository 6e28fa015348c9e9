import ArgumentParser
import DetectionRules
import Foundation

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

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let sources = try engine.ruleSources(paths)
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
}
