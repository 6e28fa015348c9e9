import PatternMatching
import Testing

@Suite("LiteralEscaping")
struct LiteralEscapingTests {
    @Test("every byte 0...255 becomes a pattern that matches exactly that byte")
    func everyByteIsLiteral() throws {
        // Metacharacters, NUL, newline and non-UTF-8 bytes alike: none may keep a regex meaning.
        let scratch = MatchScratch()
        for value in 0...255 {
            let byte = UInt8(value)
            let pattern = try CompiledPattern(bytes: LiteralEscaping.pattern(matching: [byte]))
            let subject: [UInt8] = [0x7c, byte, 0x7c]
            let outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) }
            #expect(outcome == .matched, "byte \(value)")
            let found = scratch.range(ofGroup: 0)
            #expect(found == 1..<2 || (byte == 0x7c && found == 0..<1), "byte \(value)")
            // No other byte matches it (a class or `.` would).
            let others = (0...255).map(UInt8.init).filter { $0 != byte }
            let miss = others.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) }
            #expect(miss == .noMatch, "byte \(value)")
        }
    }

    @Test("all 256 bytes in one literal match themselves and nothing shorter")
    func wholeByteRange() throws {
        // One literal holding every byte value, as a base64/utf16 transform could produce.
        let all = (0...255).map(UInt8.init)
        let pattern = try CompiledPattern(bytes: LiteralEscaping.pattern(matching: all), allowJIT: false)
        let scratch = MatchScratch()
        let subject = [UInt8](repeating: 0x41, count: 3) + all + [0x0a]
        #expect(subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) } == .matched)
        #expect(scratch.range(ofGroup: 0) == 3..<259)
        let shorter = Array(all.dropLast())
        #expect(shorter.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) } == .noMatch)
    }

    @Test("letters, digits and underscore stay readable; everything else is \\xHH")
    func escapingShape() {
        // Readable patterns in error messages, and the literal extractor reads `\xHH` back.
        #expect(LiteralEscaping.pattern(matching: Array("sshd_2".utf8)) == Array("sshd_2".utf8))
        #expect(LiteralEscaping.pattern(matching: Array("a.b*".utf8)) == Array("a\\x2eb\\x2a".utf8))
        #expect(LiteralEscaping.pattern(matching: [0x00, 0xff, 0x0a]) == Array("\\x00\\xff\\x0a".utf8))
        #expect(LiteralEscaping.pattern(matching: [UInt8]()) == [])
    }

    @Test("an escaped literal is case-insensitive for ASCII when compiled caseless")
    func caselessLiteral() throws {
        // Sigma plain values are caseless: the escaping must not hide letters behind \xHH.
        let pattern = try CompiledPattern(bytes: LiteralEscaping.pattern(matching: Array("Failed password".utf8)), options: [.caseless])
        let subject = Array("FAILED PASSWORD for root".utf8)
        #expect(subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: MatchScratch()) } == .matched)
    }
}
