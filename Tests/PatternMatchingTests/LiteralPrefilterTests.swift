import PatternMatching
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
