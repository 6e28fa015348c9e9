import PatternMatching
import Foundation
import Testing

/// A chunk of lines and where each starts, as LineChunking's `lineStarts(into:)` gives them.
struct ChunkFixture {
    var bytes: [UInt8]
    var starts: [Int32]

    init(_ text: [UInt8]) {
        bytes = text
        starts = []
        var start = 0
        while start < text.count {
            starts.append(Int32(start))
            guard let newline = text[start...].firstIndex(of: 0x0a) else { break }
            start = newline + 1
        }
    }

    init(_ text: String) { self.init(Array(text.utf8)) }

    func scan(_ prefilter: LiteralPrefilter, hits: inout [[Int32]]) -> Int {
        bytes.withUnsafeBufferPointer { chunk in
            starts.withUnsafeBufferPointer { prefilter.scan(chunk, lineStarts: $0, scratch: MatchScratch(), into: &hits) }
        }
    }

    /// The reference: lines (split at `\n`) that contain `literal`, ASCII case folded when caseless.
    func linesContaining(_ literal: [UInt8], caseless: Bool) -> [Int32] {
        func fold(_ bytes: [UInt8]) -> [UInt8] { caseless ? bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 } : bytes }
        let needle = fold(literal)
        var out: [Int32] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? Int(starts[index + 1]) : bytes.count
            let line = fold(Array(bytes[Int(start)..<end]))
            if line.count >= needle.count, (0...(line.count - needle.count)).contains(where: { Array(line[$0..<($0 + needle.count)]) == needle }) {
                out.append(Int32(index))
            }
        }
        return out
    }
}

@Suite("LiteralPrefilter")
struct LiteralPrefilterTests {
    /// An auth.log excerpt: two hits on one line, differently cased hits, and a last line without newline.
    static let excerpt = ChunkFixture("""
        Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.9 port 40022 ssh2
        Mar  7 10:00:22 web01 sshd[2101]: Connection closed by invalid user admin 203.0.113.9 port 40022 [preauth]
        Mar  7 10:00:23 web01 CRON[3001]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
        Mar  7 10:00:24 web01 sshd[2102]: Failed password for root from 203.0.113.9 port 40023 ssh2: Failed password again
        Mar  7 10:00:25 web01 sshd[2103]: FAILED PASSWORD for Invalid User guest from 198.51.100.2 port 5000 ssh2
        Mar  7 10:00:26 web01 sshd[2104]: Failed password for invalid user test from 198.51.100.2 port 5001 ssh2
        """)

    @Test("cased and caseless literals report exactly the lines that hold them, once each")
    func exactLines() throws {
        // Line 3 holds "Failed password" twice and must be reported once; line 5 has no newline.
        let literals = [
            LiteralPrefilter.Literal(bytes: Array("Failed password".utf8), isCaseless: false),
            LiteralPrefilter.Literal(bytes: Array("invalid user".utf8), isCaseless: true),
            LiteralPrefilter.Literal(bytes: Array("uid=0".utf8), isCaseless: false),
            LiteralPrefilter.Literal(bytes: Array("not in this chunk".utf8), isCaseless: true),
        ]
        let prefilter = try LiteralPrefilter(literals: literals)
        #expect(prefilter.literals == literals)
        var hits: [[Int32]] = []
        let errors = Self.excerpt.scan(prefilter, hits: &hits)
        #expect(errors == 0)
        #expect(hits == [[0, 3, 5], [0, 1, 4, 5], [2], []])
        for (index, literal) in literals.enumerated() {
            #expect(hits[index] == Self.excerpt.linesContaining(literal.bytes, caseless: literal.isCaseless))
        }
    }

    @Test("a hit in the last line without newline, and at the very end of the chunk")
    func lastLineWithoutNewline() throws {
        // The final byte of the chunk is the last byte of the literal.
        let chunk = ChunkFixture("Mar  7 10:00:21 web01 sshd[1]: a\nMar  7 10:00:22 web01 sshd[1]: Disconnected from 192.0.2.1 port 22 [preauth]")
        let prefilter = try LiteralPrefilter(literals: [LiteralPrefilter.Literal(bytes: Array("[preauth]".utf8), isCaseless: false)])
        var hits: [[Int32]] = []
        #expect(chunk.scan(prefilter, hits: &hits) == 0)
        #expect(hits == [[1]])
    }

    @Test("hits reuse the caller's array, resized to the literal count")
    func hitsArrayReused() throws {
        // Workers keep one hits array across chunks: stale hits from a bigger set must not survive.
        let prefilter = try LiteralPrefilter(literals: [LiteralPrefilter.Literal(bytes: Array("sshd".utf8), isCaseless: false)])
        var hits: [[Int32]] = [[7, 8], [9]]
        _ = ChunkFixture("x\nsshd\n").scan(prefilter, hits: &hits)
        #expect(hits == [[1]])
        _ = ChunkFixture("sshd\n").scan(prefilter, hits: &hits)
        #expect(hits == [[0]])
    }

    @Test("literal bytes that are regex metacharacters or invalid UTF-8 are matched literally")
    func metacharactersAndBytes() throws {
        // `(uid=0)` would be a group, `.` any byte; 0xff must match itself in byte mode.
        let chunk = ChunkFixture(Array("for user root(uid=0)\nfor user rootXuid=0Y\nuser ".utf8) + [0xff, 0xfe] + Array("P4ss\n".utf8))
        let prefilter = try LiteralPrefilter(literals: [
            LiteralPrefilter.Literal(bytes: Array("(uid=0)".utf8), isCaseless: true),
            LiteralPrefilter.Literal(bytes: [0x20, 0xff, 0xfe], isCaseless: false),
        ])
        var hits: [[Int32]] = []
        _ = chunk.scan(prefilter, hits: &hits)
        #expect(hits == [[0], [2]])
    }

    @Test("many lines with many hits agree with a byte-by-byte reference")
    func againstReference() throws {
        // 500 generated lines where the literal lands at the start, the end, or twice.
        var text = ""
        for index in 0..<500 {
            switch index % 6 {
            case 0: text += "session opened for user root\n"
            case 1: text += "x Session Opened\n"
            case 2: text += "SESSION OPENED twice: session opened\n"
            case 3: text += "\n"
            case 4: text += "sessionopened\n"
            default: text += "pam_unix(sshd:session): session closed for user deploy\n"
            }
        }
        let chunk = ChunkFixture(text)
        let literal = Array("session opened".utf8)
        let prefilter = try LiteralPrefilter(literals: [
            LiteralPrefilter.Literal(bytes: literal, isCaseless: false),
            LiteralPrefilter.Literal(bytes: literal, isCaseless: true),
        ])
        var hits: [[Int32]] = []
        _ = chunk.scan(prefilter, hits: &hits)
        #expect(hits[0] == chunk.linesContaining(literal, caseless: false))
        #expect(hits[1] == chunk.linesContaining(literal, caseless: true))
        #expect(!hits[0].isEmpty && hits[1].count > hits[0].count)
    }
}

/// The one-pass automaton against the byte-by-byte reference on inputs built to break it: many
/// overlapping literals (one a suffix or prefix of another), cased and caseless twins, bytes above
/// 0x7f and invalid UTF-8, literals at the first and last byte of the chunk, and real log lines.
@Suite("LiteralPrefilter against the reference")
struct LiteralPrefilterReferenceTests {
    /// A small deterministic generator (SplitMix64), so that a failure is reproducible from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func check(_ chunk: ChunkFixture, _ literals: [LiteralPrefilter.Literal], seed: UInt64 = 0) throws {
        let prefilter = try LiteralPrefilter(literals: literals)
        var hits: [[Int32]] = []
        #expect(chunk.scan(prefilter, hits: &hits) == 0)
        #expect(hits.count == literals.count)
        for (index, literal) in literals.enumerated() {
            let expected = chunk.linesContaining(literal.bytes, caseless: literal.isCaseless)
            #expect(hits[index] == expected, "seed \(seed), literal \(index) \(literal.bytes) caseless \(literal.isCaseless)")
        }
    }

    @Test("random literals over a small alphabet (dense overlaps), with high bytes, 300 seeds")
    func randomized() throws {
        // Alphabet: a, A, b, B, the newline, 0xff, 0xc3 and a space: literals overlap constantly.
        let alphabet: [UInt8] = [0x61, 0x41, 0x62, 0x42, 0x0a, 0xff, 0xc3, 0x20, 0x61, 0x62]
        for seed in UInt64(1)...300 {
            var random = SplitMix(state: seed)
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...400, using: &random) { text.append(alphabet.randomElement(using: &random)!) }
            var literals: [LiteralPrefilter.Literal] = []
            for _ in 0..<Int.random(in: 1...24, using: &random) {
                var bytes: [UInt8] = []
                for _ in 0..<Int.random(in: 1...5, using: &random) {
                    // No newline inside a literal (the gate never derives one).
                    bytes.append(alphabet.filter { $0 != 0x0a }.randomElement(using: &random)!)
                }
                let literal = LiteralPrefilter.Literal(bytes: bytes, isCaseless: Bool.random(using: &random))
                if !literals.contains(literal) { literals.append(literal) }
            }
            // Literals cut from the text itself, so that most of them hit, at its very start and end.
            if text.count > 3 {
                literals.append(.init(bytes: Array(text.prefix(3)).filter { $0 != 0x0a }, isCaseless: false))
                literals.append(.init(bytes: Array(text.suffix(3)).filter { $0 != 0x0a }, isCaseless: true))
            }
            literals = literals.filter { !$0.bytes.isEmpty }
            var unique: [LiteralPrefilter.Literal] = []
            for literal in literals where !unique.contains(literal) { unique.append(literal) }
            try Self.check(ChunkFixture(text), unique, seed: seed)
        }
    }

    @Test("suffixes, prefixes and nested literals are all reported on the same line")
    func nested() throws {
        let chunk = ChunkFixture("Accepted publickey for root\nsudo: root : COMMAND=/bin/sh\npublic key\nkey\n")
        try Self.check(chunk, [
            .init(bytes: Array("Accepted publickey".utf8), isCaseless: false),
            .init(bytes: Array("publickey".utf8), isCaseless: false),
            .init(bytes: Array("key".utf8), isCaseless: false),
            .init(bytes: Array("KEY".utf8), isCaseless: false),
            .init(bytes: Array("KEY".utf8), isCaseless: true),
            .init(bytes: Array("ey".utf8), isCaseless: false),
            .init(bytes: Array("root".utf8), isCaseless: false),
            .init(bytes: Array(": root :".utf8), isCaseless: false),
            .init(bytes: Array("command=/bin/sh".utf8), isCaseless: true),
            .init(bytes: Array("command=/bin/sh".utf8), isCaseless: false),
            .init(bytes: Array("=/".utf8), isCaseless: false),
        ])
    }

    @Test("the literals of the bundled rules over the sample logs agree with the reference")
    func realShaped() throws {
        // Every line of the sample host's plain logs, and literals like the gates derive (cased and
        // caseless, with punctuation and spaces).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let logs = root.appendingPathComponent("samples/var/log")
        var text: [UInt8] = []
        for name in ["auth.log", "syslog"] {
            if let data = FileManager.default.contents(atPath: logs.appendingPathComponent(name).path) { text += Array(data) }
        }
        try #require(!text.isEmpty, "samples/var/log has no plain logs")
        let words = ["Failed password", "invalid user", "Accepted ", "sshd[", "sudo:", "COMMAND=", "session opened",
                     "session closed", "pam_unix", "/tmp/", "wget ", "curl ", "base64", "type=EXECVE", "uid=0", "GET /",
                     "POST ", " 404 ", "rclone", "${jndi:", "authentication failure", "Disconnected from", "[preauth]",
                     "useradd", "passwd", "cron", "CRON[", "root", "ssh2", "port ", ".sh", "User-Agent", "Mozilla"]
        var literals: [LiteralPrefilter.Literal] = []
        for (index, word) in words.enumerated() {
            literals.append(.init(bytes: Array(word.utf8), isCaseless: index % 3 == 0))
            literals.append(.init(bytes: Array(word.utf8), isCaseless: index % 3 != 0))
        }
        try Self.check(ChunkFixture(text), literals)
    }

    @Test("a chunk that is one line without a newline, and an empty chunk")
    func edges() throws {
        try Self.check(ChunkFixture("sshd"), [.init(bytes: Array("sshd".utf8), isCaseless: false), .init(bytes: Array("SSHD".utf8), isCaseless: true)])
        let prefilter = try LiteralPrefilter(literals: [.init(bytes: Array("x".utf8), isCaseless: false)])
        var hits: [[Int32]] = [[3]]
        #expect(ChunkFixture("").scan(prefilter, hits: &hits) == 0)
        #expect(hits == [[]])
    }
}
