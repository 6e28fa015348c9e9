import DetectionRules
import PatternMatching
import Testing

/// Chunk gates (`DetectionRule.chunkGate`): patterns searched once over a whole chunk must find every
/// line on which the rule matches by itself, with LF and CRLF line ends, at the chunk's first and last
/// line, and next to other lines that almost match.
@Suite("ChunkGate")
struct ChunkGateTests {
    /// The lines a chunk search finds, as the scan does it (a search resumed at the line after each hit).
    private func chunkHits(_ pattern: CompiledPattern, _ lines: [String], lineEnd: String) -> Set<Int> {
        var text: [UInt8] = []
        var starts: [Int] = []
        for line in lines {
            starts.append(text.count)
            text += Array((line + lineEnd).utf8)
        }
        var hits: Set<Int> = []
        let scratch = MatchScratch()
        text.withUnsafeBufferPointer { buffer in
            var line = 0
            while line < lines.count {
                guard pattern.firstMatch(in: buffer, from: starts[line], scratch: scratch) == .matched,
                      let range = scratch.range(ofGroup: 0) else { break }
                let hit = starts.lastIndex { $0 <= range.lowerBound }!
                hits.insert(hit)
                line = hit + 1
            }
        }
        return hits
    }

    /// Every line the rule matches alone is a candidate of its chunk gate.
    private func expectNoFalseNegatives(_ rule: DetectionRule, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let gate = rule.chunkGate else {
            Issue.record("no chunk gate", sourceLocation: sourceLocation)
            return
        }
        let matched = Set(lines.indices.filter { RuleFixtures.evaluate(rule, lines[$0]).isMatched })
        #expect(!matched.isEmpty, "the test lines must hold matches", sourceLocation: sourceLocation)
        for lineEnd in ["\n", "\r\n"] {
            var candidates: Set<Int> = []
            for pattern in gate.patterns { candidates.formUnion(chunkHits(pattern, lines, lineEnd: lineEnd)) }
            for (index, line) in lines.enumerated() where gate.literals.contains(where: { RuleFixtures.gateAdmits([$0], Array(line.utf8)) }) {
                candidates.insert(index)
            }
            #expect(matched.isSubset(of: candidates), "line end \(lineEnd.debugDescription): missed \(matched.subtracting(candidates).sorted())", sourceLocation: sourceLocation)
        }
    }

    @Test("a digit pattern with negative lookarounds (card numbers) is searched over the chunk, at line starts and ends")
    func cardNumbers() throws {
        let rule = try RuleFixtures.rule(detection: """
            card:
                raw|re: '(?<![0-9])(?<card>[2-6][0-9]{3}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7})(?![0-9])'
            condition: card
            """, logsource: "{product: linux}")
        #expect(rule.gate == nil)
        #expect(rule.chunkGate?.patterns.count == 1)
        expectNoFalseNegatives(rule, [
            "4111111111111111 at the start",
            "order 12345678901234567890 too long",
            "checkout card=5500-0000-0000-0004",
            "Mar  7 10:15:33 web01 app[2211]: pid 4000 port 5000",
            "at the end 4111 1111 1111 1111",
        ])
    }

    @Test("a final \\z becomes the line's end; a `$` inside still anchors at each line's end, CRLF too")
    func endAnchors() throws {
        let rule = try RuleFixtures.rule(detection: """
            xfer:
                raw|re: '^[A-Z][a-z]{2} \\d{1,10} (?<file>\\S{1,64}\\.[sd][qm][lp]) [ab] [o] (?<user>\\S{1,16})\\z'
            condition: xfer
            """, logsource: "{product: linux}")
        #expect(rule.gate == nil)
        let pattern = try #require(rule.chunkGate?.patterns.first)
        #expect(String(decoding: pattern.source, as: UTF8.self).hasSuffix("(?=\\r?$)"))
        expectNoFalseNegatives(rule, [
            "Sat 12 /srv/db.sql b o leo",
            "Sat 12 /srv/db.sql b o leo trailing",
            "Sun 3 /x.sql a o root",
        ])
        let dollar = try RuleFixtures.rule(detection: "s:\n    raw|re: '(?<n>[0-9]{6,9})$'\ncondition: s", logsource: "{product: linux}")
        expectNoFalseNegatives(dollar, ["id 1234567", "id 12345 short", "1234567 not at end", "x 99999999"])
    }

    @Test("patterns that could miss in a chunk what they find in a line are not chunk gates")
    func refusals() {
        for refused in [
            "\\Afoo[0-9]{6}",          // start of subject
            "[0-9]{6}\\z[0-9]",        // end of subject, not last
            "(?![^x])[0-9]{6}",        // negative lookahead whose class matches a newline
            "(?>[^\"]*)[0-9]{6}$",     // atomic group over a class that crosses lines
            "[0-9]{6}(?!.)",           // `.` matches the CR of a CRLF line end
            "(?s)a.[0-9]{6}",          // dot-all
            "(?x) [0-9]{6}",           // extended syntax
            "(*COMMIT)[0-9]{6}",       // verbs
            "a\\s++[0-9]{6}",          // possessive over a newline-capable atom
        ] {
            #expect(ChunkGate.chunkPattern(Array(refused.utf8)) == nil, "accepted \(refused)")
        }
        for accepted in ["(?<![0-9])[0-9]{13,19}(?![0-9])", "^[A-Z]\\S+ [0-9]{6}", "[^/\\s]{1,4}[0-9]{6}", "(?i:ab)[0-9]{6}"] {
            #expect(ChunkGate.chunkPattern(Array(accepted.utf8)) != nil, "refused \(accepted)")
        }
    }

    @Test("a literal too decorated for a decoded field is cut to its longest plain run")
    func plainRun() throws {
        // `OK DOWNLOAD: Client "` holds a quote, which a JSON-escaped message spells `\"`.
        let rule = try RuleFixtures.rule(detection: "s:\n    message|re: 'OK DOWNLOAD: Client \"(?<ip>[0-9.]+)\"'\ncondition: s", logsource: "{product: linux}")
        #expect(rule.gate == [LiteralPrefilter.Literal(bytes: Array("OK DOWNLOAD: Client ".utf8), isCaseless: false)])
    }
}
