import ArgumentParser
import DetectionRules
import Foundation

/// `spoor rules …`: rule-pack management.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Manage rule packs.",
        subcommands: [ImportSigmaCommand.self, ExportPatternsCommand.self])
}

/// `spoor rules import-sigma PATH… --into DIR`.
struct ImportSigmaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-sigma",
        abstract: "Copy Sigma rules byte for byte into a rule folder, each with a sidecar (provenance, DRL attribution, suggested exposure, test skeleton).",
        discussion: "Rules that cannot run are not copied; each is listed with the reason, and the exit code is 1.")

    @Argument(help: "Sigma rule files or folders (a SigmaHQ checkout's rules/linux, for example).")
    var paths: [String]

    @Option(name: .customLong("into"), help: "The rule folder to write into.")
    var folder: String

    @Option(name: .customLong("source"), help: "The rule set's name, for provenance.")
    var source: String = "SigmaHQ/sigma"

    @Option(name: .customLong("commit"), help: "The upstream commit the files come from, for provenance and links.")
    var commit: String?

    @Flag(name: .customLong("force"), help: "Overwrite existing sidecars (they may hold reviewed tests).")
    var force = false

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let loader: RuleLoader
        do { loader = try engine.loader() } catch {
            printError("spoor: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        let outcome = SigmaImporter(loader: loader, source: source, commit: commit, overwrite: force).run(paths: paths, into: folder)
        var out = ""
        for path in outcome.imported { out += "imported \(path)\n" }
        for path in outcome.kept { out += "kept (sidecar exists; --force to overwrite) \(path)\n" }
        for item in outcome.unsupported { out += "cannot support \(item.path): \(item.reason)\n" }
        out += "import-sigma: \(outcome.imported.count) imported, \(outcome.kept.count) kept, \(outcome.unsupported.count) cannot be supported\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if !outcome.unsupported.isEmpty { throw ExitCode(ExitStatus.findings) }
    }
}

/// `spoor rules export-patterns [PATH…] -o FILE`: every PCRE2 pattern of the rules, one per line, for
/// raw search tools (the benchmark's `rg -f`).
struct ExportPatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-patterns",
        abstract: "Write every pattern of the rules, one per line, for `rg -f` or `grep -P -f` (caseless ones led by (?i)).",
        discussion: "A pattern meant for one field is written as is: a raw search of the whole line with it costs about what it costs, but does not mean what the rule means. The bundled rules when no path is given.")

    @Argument(help: "Rule files or folders (the bundled rules when none is given).")
    var paths: [String] = []

    @Option(name: .customShort("o"), help: "The file to write (standard output when absent).")
    var output: String?

    @OptionGroup var engine: RuleEngineOptions

    func run() throws {
        let rules = try engine.load(try engine.ruleSources(paths), usesTestPlaceholders: true)
        let export = PatternExport.export(rules)
        let text = export.patterns.map { $0 + "\n" }.joined()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                printError("spoor: cannot write \(output)")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        for item in export.omitted { printError("spoor: export-patterns: left out a pattern of \(item.rule): \(item.reason)") }
        printError("export-patterns: \(export.patterns.count) patterns from \(rules.rules.count) rules, \(export.omitted.count) left out")
    }
}
