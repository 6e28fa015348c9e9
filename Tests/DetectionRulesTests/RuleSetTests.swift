import DetectionRules
import Foundation
import Testing

@Suite("RuleSet")
struct RuleSetTests {
    @Test("rules.sha256 is stable for the same files and changes when a rule file changes")
    func digestTracksContent() throws {
        // The report records which rules ran; a one-character edit must show.
        let folder = try RuleFolder()
        defer { folder.remove() }
        let path = try folder.write("auth.yml", RuleFixtures.document(id: "r1", detection: "k: 'Failed password'\ncondition: k"))
        try folder.write("sudo.yml", RuleFixtures.document(id: "r2", detection: "k: 'USER=root'\ncondition: k"))
        let first = try RuleLoader().load(paths: [folder.path]).sha256
        let again = try RuleLoader().load(paths: [folder.path]).sha256
        #expect(first == again)
        #expect(first.count == 64 && first.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        try Data(RuleFixtures.document(id: "r1", detection: "k: 'Failed passwords'\ncondition: k").utf8).write(to: URL(fileURLWithPath: path))
        let changed = try RuleLoader().load(paths: [folder.path]).sha256
        #expect(changed != first)
    }

    @Test("rules.sha256 covers file names: a rename changes it")
    func digestCoversPaths() throws {
        // The same bytes under another path is another rule set as far as provenance goes.
        let folder = try RuleFolder()
        defer { folder.remove() }
        let text = RuleFixtures.document(id: "r1", detection: "k: 'Failed password'\ncondition: k")
        try folder.write("x/auth.yml", text)
        let before = try RuleLoader().load(paths: [folder.path + "/x"]).sha256
        try FileManager.default.moveItem(atPath: folder.path + "/x/auth.yml", toPath: folder.path + "/x/sshd.yml")
        let after = try RuleLoader().load(paths: [folder.path + "/x"]).sha256
        #expect(before != after)
    }

    @Test("an empty rule set has an empty prefilter and no gates")
    func emptySet() throws {
        // A folder with no rules is valid input to the set (the CLI decides whether it is an error).
        let set = try RuleSet(rules: [], files: [], sha256: "")
        #expect(set.rules.isEmpty)
        #expect(set.gateLiterals.isEmpty)
        #expect(set.prefilter.literals.isEmpty)
    }
}
