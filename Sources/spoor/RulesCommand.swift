import ArgumentParser
import DetectionRules
import Foundation

/// `spoor rules …`: rule-pack management.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Manage rule packs.",
        subcommands: [ImportSigmaCommand.self])
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
