import ArgumentParser
import DetectionRules
import Foundation
import RuleTesting

/// `spoor test [PATH…]`: runs every rule's own test cases and the CI gates; exit 0 only when all pass.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the rules' own test cases and the CI gates (the bundled rules when no path is given).",
        discussion: """
        Fails (exit 1) when a case fails, a rule lacks a positive or a negative case, a value or top-level \
        |re alternative of a positive selection is hit by no positive line, the JIT and the interpreter \
        disagree, or a pattern hits a PCRE2 limit or runs past its time budget on a 64 KiB adversarial line.
        """)

    @Argument(help: "Rule files or folders.")
    var paths: [String] = []

    @Option(name: .customLong("junit"), help: "Also write the results as JUnit XML to this file.")
    var junitPath: String?

    @Flag(name: .customLong("quiet"), help: "Print failures and the summary only.")
    var quiet = false

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let sources = try engine.ruleSources(paths)
        let rules = try engine.load(sources, usesTestPlaceholders: true)
        let interpreted = try engine.load(sources, allowJIT: false, usesTestPlaceholders: true)
        let started = Date()
        let results = RuleTestRunner(rules: rules, interpreterRules: interpreted).run()
        var output = ""
        for result in results where !quiet || !result.isPassed {
            output += "\(result.isPassed ? "✔" : "✘") \(result.rule) — \(result.caseName)\n"
            for failure in result.failures { output += "    \(failure)  (\(result.sourcePath))\n" }
        }
        for skipped in rules.skipped {
            output += "✘ \(skipped.id) — not run: \(skipped.reason)  (\(skipped.path))\n"
        }
        let failed = results.filter { !$0.isPassed }.count + rules.skipped.count
        let failedRules = Set(results.filter { !$0.isPassed }.map(\.rule)).count
        output += "rule tests: \(results.count - failed + rules.skipped.count) passed, \(failed) failed (\(rules.rules.count) rules and \(rules.correlations.count) correlations, \(failedRules) with failures)\n"
        FileHandle.standardOutput.write(Data(output.utf8))
        if let junitPath {
            let xml = JUnitReport.render(results: results, skipped: rules.skipped, seconds: Date().timeIntervalSince(started))
            do { try Data(xml.utf8).write(to: URL(fileURLWithPath: junitPath)) } catch {
                printError("spoor: cannot write \(junitPath): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
        }
        if failed > 0 { throw ExitCode(ExitStatus.findings) }
    }
}
