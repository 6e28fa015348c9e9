import Crypto
import Foundation
import Yams

/// `spoor lint`: what a rule author should fix before a rule reaches CI, beyond what the loader already
/// refuses. Loading errors (schema, unknown keys, fields and modifiers) are reported per file instead
/// of stopping at the first; then every rule is checked for metadata (id, description, level, ATT&CK
/// tags, exposure, false positives, tests), duplicate ids, names and titles across files, and `|re`
/// hazards: `$` instead of `\z`, an unbounded greedy capture followed by another capture (the
/// log-injection shape fail2ban rejects as RE_WRONG_GREED), and pattern-supplied `(*VERB)` settings.
public struct RuleLinter {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: String, Sendable { case error, warning }
        public var severity: Severity
        public var path: String
        public var line: Int?
        public var rule: String?
        public var message: String

        public var description: String {
            "\(path)\(line.map { ":\($0)" } ?? ""): \(severity.rawValue): \(rule.map { "rule \($0): " } ?? "")\(message)"
        }
    }

    public static let tactics: Set<String> = [
        "reconnaissance", "resource-development", "initial-access", "execution", "persistence", "privilege-escalation",
        "defense-evasion", "credential-access", "discovery", "lateral-movement", "collection", "command-and-control",
        "exfiltration", "impact",
        // ATT&CK v18 split defense-evasion into these two; SigmaHQ already uses them.
        "stealth", "defense-impairment",
    ]
    static let statuses: Set<String> = ["stable", "test", "experimental", "deprecated", "unsupported"]

    public var loader: RuleLoader
    /// Also report rules that have no literal for the prefilter (they run on every line in scope):
    /// advice on speed, not a defect, so it is asked for.
    public var reportsUngatedRules: Bool

    public init(loader: RuleLoader = RuleLoader(), reportsUngatedRules: Bool = false) {
        self.loader = loader
        self.reportsUngatedRules = reportsUngatedRules
    }

    /// Lints every rule file under `paths`. Imported rules (with a sidecar) are held to Sigma's own
    /// conventions only: their files must stay byte-identical, so native metadata is not required.
    public func lint(paths: [String]) -> [Issue] {
        var issues: [Issue] = []
        let (files, problems) = RuleLoader.ruleFiles(in: paths)
        issues += problems.map { Issue(severity: .error, path: $0.path, message: $0.message) }
        var rules: [DetectionRule] = []
        var correlations: [CorrelationRule] = []
        for file in files {
            do {
                var digest = SHA256()
                let loaded = try loader.loadFile(file, digest: &digest)
                rules += loaded.rules
                correlations += loaded.correlations
                for skipped in loaded.skipped {
                    issues.append(Issue(severity: .warning, path: skipped.path, line: skipped.line, rule: skipped.id, message: skipped.reason))
                }
            } catch {
                issues.append(Issue(severity: .error, path: error.path, line: error.line, rule: error.rule, message: error.message))
            }
        }
        // Correlations may name rules of other files: resolved over everything that loaded.
        do { _ = try RuleSet(rules: rules, files: files, sha256: "", correlations: correlations) } catch {
            issues.append(Issue(severity: .error, path: error.path, line: error.line, rule: error.rule, message: error.message))
        }
        for correlation in correlations {
            if let other = rules.first(where: { $0.id == correlation.id || ($0.name != nil && $0.name == correlation.name) }) {
                issues.append(Issue(severity: .error, path: correlation.sourcePath, line: correlation.sourceLine, rule: correlation.name ?? correlation.id,
                                    message: "id or name also used by \(other.name ?? other.id) (\(other.sourcePath))"))
            }
        }
        var ids: [String: DetectionRule] = [:]
        var names: [String: DetectionRule] = [:]
        var titles: [String: DetectionRule] = [:]
        for rule in rules {
            func issue(_ severity: Issue.Severity, _ message: String) {
                issues.append(Issue(severity: severity, path: rule.sourcePath, line: rule.sourceLine, rule: rule.name ?? rule.id, message: message))
            }
            if let other = ids[rule.id] { issue(.error, "duplicate id (also \(other.sourcePath):\(other.sourceLine ?? 0))") } else { ids[rule.id] = rule }
            if let name = rule.name {
                if let other = names[name] { issue(.error, "duplicate name '\(name)' (also \(other.sourcePath):\(other.sourceLine ?? 0))") } else { names[name] = rule }
            }
            if let other = titles[rule.title.lowercased()] { issue(.warning, "same title as \(other.name ?? other.id) (\(other.sourcePath))") } else { titles[rule.title.lowercased()] = rule }
            let isImported = rule.provenance != nil
            for message in Self.metadataProblems(of: rule, isImported: isImported) { issue(isImported ? .warning : .error, message) }
            for message in Self.patternWarnings(of: rule) { issue(.warning, message) }
            if reportsUngatedRules && rule.gate == nil && rule.chunkGate == nil {
                issue(.warning, "no literal every match must contain, and no raw pattern that can be searched over whole chunks: the rule runs on every line of its logsource {\(rule.logSource.described)} (slow on large evidence); add a plain value or a literal to a |re")
            }
        }
        return issues
    }

    /// Missing or malformed metadata.
    static func metadataProblems(of rule: DetectionRule, isImported: Bool) -> [String] {
        var problems: [String] = []
        if UUID(uuidString: rule.id) == nil { problems.append("id '\(rule.id)' is not a UUID") }
        if let status = rule.status, !statuses.contains(status) { problems.append("status '\(status)' is not one of \(statuses.sorted().joined(separator: ", "))") }
        var hasTechnique = false
        for tag in rule.tags {
            guard tag.hasPrefix("attack.") else { continue }
            let value = String(tag.dropFirst("attack.".count))
            if value.range(of: #"^t\d{4}(\.\d{3})?$"#, options: .regularExpression) != nil { hasTechnique = true; continue }
            if value.range(of: #"^[gs]\d{4}$"#, options: .regularExpression) != nil { continue }
            if tactics.contains(value) { continue }
            problems.append("tag '\(tag)' is neither an ATT&CK tactic (attack.<tactic-name>) nor an id (attack.tNNNN[.NNN], attack.gNNNN, attack.sNNNN)")
        }
        if tag(rule.tags, hasUpperCase: true) { problems.append("tags must be lower case") }
        guard !isImported else { return problems }
        if !hasTechnique && rule.level != .informational { problems.append("no ATT&CK technique tag (attack.tNNNN)") }
        if !rule.tags.contains(where: { $0.hasPrefix("attack.") && tactics.contains(String($0.dropFirst(7))) }) { problems.append("no ATT&CK tactic tag (attack.<tactic>)") }
        if (rule.description ?? "").isEmpty { problems.append("no description") }
        if rule.falsePositives.isEmpty { problems.append("no falsepositives") }
        if rule.exposure == nil { problems.append("no exposure (category, disclosure, asset)") }
        if rule.tests == nil { problems.append("no tests") }
        if rule.name == nil { problems.append("no name (correlations and tests refer to rules by name)") }
        return problems
    }

    private static func tag(_ tags: [String], hasUpperCase: Bool) -> Bool {
        tags.contains { $0 != $0.lowercased() }
    }

    /// `|re` hazards of the rule's patterns.
    static func patternWarnings(of rule: DetectionRule) -> [String] {
        var warnings: [String] = []
        for selection in rule.selections {
            guard case .maps(let maps) = selection.body else { continue }
            for test in maps.joined() where test.key.split(separator: "|").dropFirst().contains("re") {
                for case .pattern(let pattern) in test.values {
                    let source = String(decoding: pattern.source, as: UTF8.self)
                    for message in patternHazards(source) { warnings.append("selection '\(selection.name)', \(test.key): \(message)") }
                }
            }
        }
        return warnings
    }

    /// Hazards of one regex source.
    public static func patternHazards(_ source: String) -> [String] {
        var hazards: [String] = []
        let bytes = Array(source.utf8)
        // `$` (outside a class, unescaped) also matches before a final newline; `\z` is the end.
        var index = 0
        var inClass = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if inClass { if byte == UInt8(ascii: "]") { inClass = false } }
            else if byte == UInt8(ascii: "[") { inClass = true; if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "]") { index += 1 } }
            else if byte == UInt8(ascii: "$") { hazards.append("'$' also matches before a trailing newline: anchor the end with '\\z'"); break }
            index += 1
        }
        if source.hasPrefix("(*") && !source.hasPrefix("(*LIMIT_MATCH=") {
            hazards.append("a leading (*VERB) changes engine settings from inside the pattern; use the rule's pcre2: key")
        }
        // An unbounded greedy run inside a capture that another capture follows: injected text can
        // move the second capture (fail2ban's RE_WRONG_GREED).
        let captures = namedGroupBodies(bytes)
        for (offset, capture) in captures.enumerated() where offset + 1 < captures.count {
            if capture.body.range(of: #"(\.|\\S|\[\^?[^\]]*\])(\*|\+|\{\d+,\})(?![?+])"#, options: .regularExpression) != nil {
                hazards.append("capture '\(capture.name)' has an unbounded greedy run and capture '\(captures[offset + 1].name)' follows it: make it lazy or bounded")
            }
        }
        return hazards
    }

    /// Named groups and their bodies, in order.
    static func namedGroupBodies(_ bytes: [UInt8]) -> [(name: String, body: String)] {
        var result: [(String, String)] = []
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "("), bytes[index + 1] == UInt8(ascii: "?"),
               bytes[index + 2] == UInt8(ascii: "<") || (bytes[index + 2] == UInt8(ascii: "P") && index + 3 < bytes.count && bytes[index + 3] == UInt8(ascii: "<")) {
                var nameStart = index + 3
                if bytes[index + 2] == UInt8(ascii: "P") { nameStart += 1 }
                guard nameStart < bytes.count, bytes[nameStart] != UInt8(ascii: "="), bytes[nameStart] != UInt8(ascii: "!"),
                      let nameEnd = bytes[nameStart...].firstIndex(of: UInt8(ascii: ">")) else { index += 1; continue }
                var depth = 1
                var cursor = nameEnd + 1
                var inClass = false
                while cursor < bytes.count && depth > 0 {
                    let byte = bytes[cursor]
                    if byte == UInt8(ascii: "\\") { cursor += 2; continue }
                    if inClass { if byte == UInt8(ascii: "]") { inClass = false } }
                    else if byte == UInt8(ascii: "[") { inClass = true }
                    else if byte == UInt8(ascii: "(") { depth += 1 }
                    else if byte == UInt8(ascii: ")") { depth -= 1 }
                    cursor += 1
                }
                let bodyEnd = max(nameEnd + 1, cursor - 1)
                result.append((String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self), String(decoding: bytes[(nameEnd + 1)..<min(bodyEnd, bytes.count)], as: UTF8.self)))
            }
            index += 1
        }
        return result
    }
}
