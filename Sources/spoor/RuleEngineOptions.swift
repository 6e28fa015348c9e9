import ArgumentParser
import DetectionRules
import Foundation

/// Options every command that loads rules shares: the site profile and the logsource map.
struct RuleEngineOptions: ParsableArguments {
    @Option(name: .customLong("profile"), help: "A site profile (YAML: placeholders for |expand, timezone).")
    var profilePath: String?

    @Option(name: .customLong("logsources"), help: "A logsource map replacing the built-in one (see `spoor logsources`).")
    var logSourcesPath: String?

    /// `paths`, or the bundled rules when none is given (exit 2 when they cannot be found).
    func ruleSources(_ paths: [String]) throws -> [String] {
        guard paths.isEmpty else { return paths }
        guard let bundled = BundledRules.locate() else {
            printError("spoor: cannot find the bundled rules; give rule paths (or set SPOOR_BUNDLED_RULES)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        return [bundled]
    }

    /// What a scan loads: the bundled rules (unless `withoutBundled`), then `paths`; exit 2 when the
    /// bundled rules cannot be found, or when that leaves no rule at all.
    func scanRuleSources(_ paths: [String], withoutBundled: Bool) throws -> [String] {
        var sources = paths
        if !withoutBundled {
            guard let bundled = BundledRules.locate() else {
                printError("spoor: cannot find the bundled rules; set SPOOR_BUNDLED_RULES to the rules/ folder, or pass --no-bundled-rules with --rules")
                throw ExitCode(ExitStatus.errorOrIncomplete)
            }
            sources.insert(bundled, at: 0)
        }
        guard !sources.isEmpty else {
            printError("spoor: no rules: give --rules PATH")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
        return sources
    }

    /// The profile, or an empty one.
    func profile() throws(RuleLoadError) -> ScanProfile {
        guard let profilePath else { return ScanProfile() }
        return try ScanProfile.load(path: profilePath)
    }

    /// A loader configured from the options.
    func loader(allowJIT: Bool = true, usesTestPlaceholders: Bool = false) throws(RuleLoadError) -> RuleLoader {
        var map = LogSourceMap.builtIn
        if let logSourcesPath {
            guard let data = FileManager.default.contents(atPath: logSourcesPath), let text = String(data: data, encoding: .utf8) else {
                throw RuleLoadError(path: logSourcesPath, message: "cannot read the logsource map")
            }
            map = try LogSourceMap(yaml: text, path: logSourcesPath)
        }
        return RuleLoader(allowJIT: allowJIT, placeholders: try profile().placeholders, usesTestPlaceholders: usesTestPlaceholders, logSources: map)
    }

    /// Loads rules, printing the error and exiting 2 when they do not load.
    func load(_ paths: [String], allowJIT: Bool = true, usesTestPlaceholders: Bool = false) throws -> RuleSet {
        do {
            return try loader(allowJIT: allowJIT, usesTestPlaceholders: usesTestPlaceholders).load(paths: paths)
        } catch {
            printError("spoor: rule error: \(error.description)")
            throw ExitCode(ExitStatus.errorOrIncomplete)
        }
    }
}

/// `spoor logsources`: prints the built-in logsource map, to read or to copy and change.
struct LogSourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logsources",
        abstract: "Print the built-in logsource map (Sigma logsource → record formats and programs).")

    func run() throws {
        FileHandle.standardOutput.write(Data((LogSourceMap.defaultText + "\n").utf8))
    }
}
