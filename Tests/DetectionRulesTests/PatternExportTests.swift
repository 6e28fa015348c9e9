import DetectionRules
import Foundation
import PatternMatching
import Testing

/// `spoor rules export-patterns`: the bundled pack's patterns, one per line, still compile and still
/// match what the rule's pattern matches.
@Suite("PatternExport")
struct PatternExportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every exported pattern of the bundled pack is one line that PCRE2 compiles, without named groups")
    func bundledPack() throws {
        let rules = try RuleLoader().load(paths: [Self.root.appendingPathComponent("rules").path])
        let export = PatternExport.export(rules)
        #expect(export.patterns.count > rules.rules.count / 2)
        #expect(Set(export.patterns).count == export.patterns.count)
        for pattern in export.patterns {
            #expect(!pattern.contains("\n"))
            // Names stay only where the pattern refers to a group by name.
            let refersByName = ["\\k", "\\g{", "(?P=", "(?P>", "(?&"].contains { pattern.contains($0) }
            #expect(refersByName || !pattern.contains("(?<") || pattern.contains("(?<=") || pattern.contains("(?<!"), "\(pattern)")
            #expect(throws: Never.self) { try CompiledPattern(bytes: Array(pattern.utf8)) }
        }
    }

    @Test("named groups become plain groups, escaped punctuation \\xHH; lookbehinds and letter escapes stay")
    func portable() throws {
        let source = #"(?<user>\S+) from (?P<ip>[\d.]+)\/(?<!y)\.\[\]\\z"#
        let text = PatternExport.portable(source)
        #expect(text == #"(?:\S+) from (?:[\d.]+)\x2f(?<!y)\x2e\x5b\x5d\x5cz"#)
        // Same lines matched by PCRE2 before and after.
        let before = try CompiledPattern(bytes: Array(source.utf8))
        let after = try CompiledPattern(bytes: Array(text.utf8))
        let scratch = MatchScratch()
        for line in [#"root from 10.0.0.1/.[]\z"#, #"root from 10.0.0.1/.[]z"#, "nothing"] {
            let bytes = Array(line.utf8)
            let a = bytes.withUnsafeBufferPointer { before.firstMatch(in: $0, from: 0, scratch: scratch) }
            let b = bytes.withUnsafeBufferPointer { after.firstMatch(in: $0, from: 0, scratch: scratch) }
            #expect(a == b, "\(line)")
        }
    }
}
