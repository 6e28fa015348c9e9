import ArgumentParser
import DetectionRules
import Foundation

/// `spoor explain --rule ID LINE…`: how one rule reads given lines, selection by selection.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show, for each line, which parser read it, the fields it got, and why each selection of a rule matched or not.")

    @Option(name: .customLong("rule"), help: "The rule's id or name.")
    var ruleID: String

    @Argument(help: "Log lines to explain; - reads them from standard input.")
    var lines: [String] = []

    @Option(name: .customLong("rules"), help: "A rule file or folder to load as well (repeatable).")
    var rulePaths: [String] = []

    @Flag(name: .customLong("no-bundled-rules"), help: "Use only the rules given with --rules.")
    var withoutBundledRules = false

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        var sources = rulePaths
        if !withoutBundledRules, let bundled = BundledRules.locate() { sources.insert(bundled, at: 0) }
        let rules = try engine.load(sources, usesTestPlaceholders: true)
        guard let rule = rules.rules.first(where: { $0.id == ruleID || $0.name == ruleID }) else {
            printError("spoor: no rule with id or name '\(ruleID)' in \(sources.joined(separator: ", "))")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        var inputs = lines
        if inputs == ["-"] || inputs.isEmpty {
            inputs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        let explainer = RuleExplainer(rule: rule)
        var out = "rule \(rule.name ?? rule.id): \(rule.title) [\(rule.level.rawValue)] (\(rule.sourcePath))\n"
        for line in inputs { out += explainer.explain(line.hasSuffix("\r") ? String(line.dropLast()) : line) }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
