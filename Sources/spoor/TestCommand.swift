import ArgumentParser
import DetectionRules
import Foundation
import RuleTesting

/// `spoor test [PATH…]`: runs every rule's own test cases; exit 0 only when all pass.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the rules' own test cases (the bundled rules when no path is given).")

    @Argument(help: "Rule files or folders.")
    var paths: [String] = []

    func run() throws {
        var sources = paths
        if sources.isEmpty {
            guard let bundled = BundledRules.locate() else {
                printError("spoor: cannot find the bundled rules; give rule paths")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
            sources = [bundled]
        }
        let rules: RuleSet
        do {
            rules = try RuleLoader().load(paths: sources)
        } catch {
            printError("spoor: rule error: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        let results = RuleTestRunner(rules: rules).run()
        var output = ""
        for result in results {
            output += "\(result.isPassed ? "✔" : "✘") \(result.rule) — \(result.caseName)\n"
            for failure in result.failures { output += "    \(failure)  (\(result.sourcePath))\n" }
        }
        let failed = results.filter { !$0.isPassed }.count
        let untested = rules.rules.filter { $0.tests == nil }.map { $0.name ?? $0.id }
        if !untested.isEmpty { output += "rules without tests: \(untested.joined(separator: ", "))\n" }
        output += "rule tests: \(results.count - failed) passed, \(failed) failed\n"
        FileHandle.standardOutput.write(Data(output.utf8))
        if failed > 0 { throw ExitCode(ExitStatus.findings) }
    }
}
