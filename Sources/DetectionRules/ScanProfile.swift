import Foundation
import Yams

/// A site profile (`profiles/<site>.yml`, rule-format §3.2): the values of `|expand` placeholders
/// (`%SudoAdmins%`) and the site's time zone.
///
/// ```yaml
/// placeholders:
///     SudoAdmins: [alice, opsadmin]
/// timezone: Europe/London
/// ```
public struct ScanProfile: Sendable, Equatable {
    public var placeholders: [String: [String]]
    public var timeZone: String?

    static let keys: Set<String> = ["placeholders", "timezone"]

    public init(placeholders: [String: [String]] = [:], timeZone: String? = nil) {
        self.placeholders = placeholders
        self.timeZone = timeZone
    }

    /// Reads a profile; errors name the file and line.
    public static func load(path: String) throws(RuleLoadError) -> ScanProfile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RuleLoadError(path: path, message: "cannot read the profile")
        }
        func fail(_ message: String, _ node: Node?) -> RuleLoadError { RuleLoadError(path: path, line: node?.mark?.line, message: "profile: \(message)") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw RuleLoadError(path: path, message: "profile YAML: \(error)") }
        guard let map = root?.mapping else { throw fail("must be a mapping with placeholders and timezone", root) }
        try TestBlockParser.checkKeys(map, allowed: keys, where: "profile", fail: fail)
        var profile = ScanProfile(timeZone: map["timezone"]?.string)
        if let node = map["placeholders"] {
            guard let entries = node.mapping else { throw fail("placeholders maps a name to a list of values", node) }
            for (key, value) in entries {
                guard let name = key.string, let values = value.sequence?.compactMap(\.string) ?? value.string.map({ [$0] }) else {
                    throw fail("placeholders: each name maps to a list of strings", key)
                }
                profile.placeholders[name] = values
            }
        }
        return profile
    }
}
