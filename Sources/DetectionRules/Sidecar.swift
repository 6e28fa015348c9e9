import Foundation
import Yams

/// Where an imported rule came from, from its `.lfs.yml` sidecar (rule-format §3.10): kept with the
/// rule so that every finding can carry the author attribution its licence (DRL 1.1) asks for.
public struct RuleProvenance: Sendable, Equatable, Codable {
    /// The rule set: `SigmaHQ/sigma`.
    public var source: String
    /// The rule's path in that set.
    public var path: String
    /// The upstream commit, when known.
    public var commit: String?
    /// SHA-256 of the imported rule file, which must still be byte-identical.
    public var sha256: String
    public var license: String?
    public var licenseURL: String?
    public var authors: [String]
    /// Link to the rule upstream.
    public var url: String?

    enum CodingKeys: String, CodingKey {
        case source, path, commit, sha256, license, authors, url
        case licenseURL = "license_url"
    }
}

/// A sidecar: provenance for the file, and per rule id its review state, exposure and tests.
struct Sidecar: Sendable {
    struct Entry {
        var review: String?
        var exposure: ExposureSpec?
        var tests: RuleTests?
    }

    static let suffix = ".lfs.yml"
    static let fileKeys: Set<String> = ["provenance", "rules"]
    static let provenanceKeys: Set<String> = ["source", "path", "commit", "sha256", "license", "license_url", "authors", "url"]
    static let entryKeys: Set<String> = ["review", "exposure", "tests", "title"]

    var provenance: RuleProvenance
    var rules: [String: Entry]

    /// `x.yml` → `x.lfs.yml`.
    static func path(for ruleFile: String) -> String {
        let base = ruleFile.hasSuffix(".yaml") ? String(ruleFile.dropLast(5)) : ruleFile.hasSuffix(".yml") ? String(ruleFile.dropLast(4)) : ruleFile
        return base + suffix
    }

    static func parse(_ data: Data, path: String) throws(RuleLoadError) -> Sidecar {
        func fail(_ message: String, _ node: Node?) -> RuleLoadError {
            RuleLoadError(path: path, line: node?.mark?.line, message: "sidecar: \(message)")
        }
        let root: Node
        do {
            guard let text = String(data: data, encoding: .utf8), let parsed = try Yams.compose(yaml: text) else {
                throw fail("not a YAML mapping", nil)
            }
            root = parsed
        } catch let error as RuleLoadError {
            throw error
        } catch {
            throw RuleLoadError(path: path, message: "sidecar YAML: \(error)")
        }
        guard let map = root.mapping else { throw fail("must be a mapping with provenance and rules", root) }
        try TestBlockParser.checkKeys(map, allowed: fileKeys, where: "sidecar", fail: fail)
        guard let provenanceMap = map["provenance"]?.mapping else { throw fail("needs a provenance mapping", root) }
        try TestBlockParser.checkKeys(provenanceMap, allowed: provenanceKeys, where: "sidecar.provenance", fail: fail)
        guard let source = provenanceMap["source"]?.string, let rulePath = provenanceMap["path"]?.string,
              let sha = provenanceMap["sha256"]?.string else {
            throw fail("provenance needs source, path and sha256", map["provenance"])
        }
        let provenance = RuleProvenance(
            source: source, path: rulePath, commit: provenanceMap["commit"]?.string, sha256: sha,
            license: provenanceMap["license"]?.string, licenseURL: provenanceMap["license_url"]?.string,
            authors: provenanceMap["authors"]?.sequence?.compactMap(\.string) ?? [], url: provenanceMap["url"]?.string)
        var entries: [String: Entry] = [:]
        for (key, value) in map["rules"]?.mapping ?? [:] {
            guard let id = key.string, let entryMap = value.mapping else { throw fail("rules maps a rule id to its entry", key) }
            try TestBlockParser.checkKeys(entryMap, allowed: entryKeys, where: "sidecar.rules.\(id)", fail: fail)
            var entry = Entry(review: entryMap["review"]?.string)
            if let node = entryMap["exposure"] { entry.exposure = try ExposureSpec.parse(node) { message, at in fail(message, at ?? node) } }
            if let node = entryMap["tests"] {
                entry.tests = try TestBlockParser.parse(node, ruleFile: path) { message, at in RuleLoadError(path: path, line: at?.mark?.line, rule: id, message: "sidecar: \(message)") }
            }
            entries[id] = entry
        }
        return Sidecar(provenance: provenance, rules: entries)
    }
}

extension ExposureSpec {
    /// VERIS confidentiality data varieties, in kebab case (rule-format §3.8).
    public static let categories: Set<String> = [
        "credentials", "personal", "system", "internal", "secrets", "payment", "bank", "medical", "source-code",
        "digital-certificate", "classified", "copyrighted", "virtual-currency", "other", "unknown",
    ]
    public static let disclosures: Set<String> = ["confirmed", "potential", "none", "unknown"]
    public static let assets: Set<String> = ["account", "host", "file", "dataset", "network"]
    static let keys: Set<String> = ["category", "disclosure", "asset"]

    static func parse(_ node: Node, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> ExposureSpec {
        guard let map = node.mapping else { throw fail("exposure must be a mapping", node) }
        try TestBlockParser.checkKeys(map, allowed: keys, where: "exposure", fail: fail)
        guard let category = map["category"]?.string else { throw fail("exposure needs a category", node) }
        guard categories.contains(category) else {
            throw fail("exposure.category '\(category)' is not a VERIS data variety (\(categories.sorted().joined(separator: ", ")))", map["category"])
        }
        let disclosure = map["disclosure"]?.string ?? "unknown"
        guard disclosures.contains(disclosure) else {
            throw fail("exposure.disclosure must be one of \(disclosures.sorted().joined(separator: ", "))", map["disclosure"])
        }
        let asset = map["asset"]?.string
        if let asset, !assets.contains(asset) {
            throw fail("exposure.asset must be one of \(assets.sorted().joined(separator: ", "))", map["asset"])
        }
        return ExposureSpec(category: category, disclosure: disclosure, asset: asset)
    }
}
