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
        // A correlation: what it counts, then the lines against each base rule it reads.
        var subjects: [DetectionRule] = []
        var out = ""
        if let rule = rules.rules.first(where: { $0.id == ruleID || $0.name == ruleID }) {
            subjects = [rule]
        } else if let correlation = rules.correlations.first(where: { $0.id == ruleID || $0.name == ruleID }) {
            out += "correlation \(correlation.name ?? correlation.id): \(correlation.title) [\(correlation.level.rawValue)] (\(correlation.sourcePath))\n"
            out += "  \(correlation.summary)\n"
            for (position, input) in correlation.inputs.enumerated() {
                switch input {
                case .rule(let index): subjects.append(rules.rules[index])
                case .correlation: out += "  reads correlation '\(correlation.references[position])': explain it by its name\n"
                }
            }
        } else {
            printError("spoor: no rule with id or name '\(ruleID)' in \(sources.joined(separator: ", "))")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        var inputs = lines
        if inputs == ["-"] || inputs.isEmpty {
            inputs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        for rule in subjects {
            let explainer = RuleExplainer(rule: rule)
            out += "rule \(rule.name ?? rule.id): \(rule.title) [\(rule.level.rawValue)] (\(rule.sourcePath))\n"
            for line in inputs { out += explainer.explain(line.hasSuffix("\r") ? String(line.dropLast()) : line) }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
