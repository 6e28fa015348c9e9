import Crypto
import Foundation
import Yams

/// `spoor rules import-sigma`: copies Sigma rule files byte for byte into a rule folder and writes each
/// one's `.lfs.yml` sidecar (rule-format §3.10): provenance with the DRL attribution (authors, licence,
/// link), a suggested exposure from the ATT&CK tactics (marked for review), and a test skeleton. A rule
/// that cannot run is not copied and is reported with the loader's reason — never dropped silently.
public struct SigmaImporter {
    public struct Outcome: Sendable {
        /// Rule files written (destination paths).
        public var imported: [String] = []
        /// Source files that cannot be supported, with the reason.
        public var unsupported: [(path: String, reason: String)] = []
        /// Destinations left alone because a sidecar already exists (it may hold reviewed tests).
        public var kept: [String] = []
    }

    public var loader: RuleLoader
    /// The rule set the files come from, and its commit, for provenance and links.
    public var source: String
    public var commit: String?
    public var overwrite: Bool

    public init(loader: RuleLoader = RuleLoader(), source: String = "SigmaHQ/sigma", commit: String? = nil, overwrite: Bool = false) {
        self.loader = loader
        self.source = source
        self.commit = commit
        self.overwrite = overwrite
    }

    /// Imports every `.yml` under `paths` into `folder`, keeping each file's path from its `rules…/`
    /// folder (SigmaHQ's layout) or from the given folder.
    public func run(paths: [String], into folder: String) -> Outcome {
        var outcome = Outcome()
        for (file, relative) in Self.files(under: paths) {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                outcome.unsupported.append((file, "cannot read the file as UTF-8"))
                continue
            }
            let rules: [DetectionRule]
            do {
                let loaded = try loader.loadDocumentsAndSkips(text, path: file, sidecar: nil)
                if let skipped = loaded.skipped.first { outcome.unsupported.append((file, "\(skipped.id): \(skipped.reason)")); continue }
                rules = loaded.rules
            } catch {
                outcome.unsupported.append((file, "\(error.rule.map { "\($0): " } ?? "")\(error.message)\(error.line.map { " (line \($0))" } ?? "")"))
                continue
            }
            let destination = (folder as NSString).appendingPathComponent(relative)
            let sidecarPath = Sidecar.path(for: destination)
            if FileManager.default.fileExists(atPath: sidecarPath) && !overwrite {
                outcome.kept.append(destination)
                continue
            }
            do {
                try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: destination))
                try Data(sidecar(for: rules, data: data, upstreamPath: relative).utf8).write(to: URL(fileURLWithPath: sidecarPath))
                outcome.imported.append(destination)
            } catch {
                outcome.unsupported.append((file, "cannot write \(destination): \(error.localizedDescription)"))
            }
        }
        return outcome
    }

    /// Rule files under the paths, with the path to keep: from the last `rules…/` component, else
    /// relative to the folder given.
    static func files(under paths: [String]) -> [(String, String)] {
        var result: [(String, String)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            var found: [(String, String)] = []
            if isDirectory.boolValue {
                for case let relative as String in FileManager.default.enumerator(atPath: path) ?? NSEnumerator()
                where relative.hasSuffix(".yml") && !relative.hasSuffix(Sidecar.suffix) {
                    found.append(((path as NSString).appendingPathComponent(relative), (((path as NSString).lastPathComponent) as NSString).appendingPathComponent(relative)))
                }
            } else {
                found.append((path, (path as NSString).lastPathComponent))
            }
            for (file, fallback) in found {
                let components = (file as NSString).pathComponents
                if let start = components.lastIndex(where: { $0 == "rules" || $0.hasPrefix("rules-") }) {
                    result.append((file, NSString.path(withComponents: Array(components[start...]))))
                } else {
                    result.append((file, fallback))
                }
            }
        }
        return result.sorted { Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) }
    }

    /// The sidecar text.
    func sidecar(for rules: [DetectionRule], data: Data, upstreamPath: String) -> String {
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let authors = Array(Set(rules.compactMap(\.author).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })).sorted().filter { !$0.isEmpty }
        var text = """
        # Spoor sidecar of an imported Sigma rule (rule-format §3.10). The rule file beside this one is a
        # byte-for-byte copy of upstream (checked by its SHA-256 at every load): local tests, exposure and
        # review state live here. Matches of this rule carry its authors and licence, as DRL 1.1 requires.
        provenance:
            source: \(quoted(source))
            path: \(quoted(upstreamPath))

        """
        if let commit { text += "    commit: \(quoted(commit))\n" }
        text += "    sha256: \(quoted(sha))\n"
        text += "    license: 'DRL-1.1'\n"
        text += "    license_url: 'https://github.com/SigmaHQ/Detection-Rule-License'\n"
        text += "    authors: [\(authors.map(quoted).joined(separator: ", "))]\n"
        if source == "SigmaHQ/sigma" {
            text += "    url: \(quoted("https://github.com/SigmaHQ/sigma/blob/\(commit ?? "master")/\(upstreamPath)"))\n"
        }
        text += "rules:\n"
        for rule in rules {
            let exposure = Self.suggestedExposure(tags: rule.tags)
            text += "    \(quoted(rule.id)):\n"
            text += "        title: \(quoted(rule.title))\n"
            text += "        review: needs-review\n"
            text += "        # Suggested from the ATT&CK tactics; review it.\n"
            text += "        exposure: {category: \(exposure.category), disclosure: \(exposure.disclosure), asset: \(exposure.asset ?? "host")}\n"
            text += "        # Test skeleton: add a positive case (lines the rule must find, with their line numbers)\n"
            text += "        # and a negative case (near misses, expect: []); `spoor test` fails until both exist.\n"
            text += "        tests:\n"
            text += "            context: {year: \(Calendar(identifier: .gregorian).component(.year, from: Date())), timezone: UTC}\n"
            text += "            cases: []\n"
        }
        return text
    }

    /// Exposure suggested by the tactic tags (rule-format §3.8).
    static func suggestedExposure(tags: [String]) -> ExposureSpec {
        if tags.contains("attack.credential-access") { return ExposureSpec(category: "credentials", disclosure: "potential", asset: "account") }
        if tags.contains("attack.collection") || tags.contains("attack.exfiltration") { return ExposureSpec(category: "internal", disclosure: "potential", asset: "dataset") }
        if tags.contains("attack.privilege-escalation") || tags.contains("attack.persistence") { return ExposureSpec(category: "system", disclosure: "potential", asset: "host") }
        return ExposureSpec(category: "system", disclosure: "unknown", asset: "host")
    }

    func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
