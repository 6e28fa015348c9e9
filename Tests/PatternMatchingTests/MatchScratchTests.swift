import PatternMatching
import Testing

@Suite("MatchScratch")
struct MatchScratchTests {
    @Test("default limits are finite and far below PCRE2's build defaults")
    func defaultLimits() {
        // rule-format §4.1: one hostile line must not burn 0.4 s; the defaults are the guard.
        let limits = MatchLimits()
        #expect(limits.matchLimit == 1_000_000)
        #expect(limits.depthLimit == 100_000)
        #expect(limits.heapLimitKiB == 20 * 1024)
        #expect(limits.jitStackBytes == 4 * 1024 * 1024)
        #expect(MatchScratch(limits: limits).limits == limits)
    }

    @Test("a group number past the pattern's groups has no range")
    func groupOutOfRange() throws {
        // Asking for a group the pattern lacks is absent, never a stale offset from an earlier match.
        let scratch = MatchScratch()
        let earlier = try CompiledPattern("(a)(b)(c)")
        let abc = Array("abc".utf8)
        #expect(abc.withUnsafeBufferPointer { earlier.firstMatch(in: $0, scratch: scratch) } == .matched)
        #expect(scratch.range(ofGroup: 3) == 2..<3)
        let pattern = try CompiledPattern("(sshd)")
        let subject = Array("sshd[1]".utf8)
        #expect(subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) } == .matched)
        #expect(scratch.range(ofGroup: 1) == 0..<4)
        #expect(scratch.range(ofGroup: 1000) == nil)
        #expect(scratch.range(ofGroup: 2) == nil)
        #expect(scratch.range(ofGroup: 3) == nil)
    }

    @Test("the JIT stack size in the limits decides whether a long line can be matched", arguments: [true, false])
    func jitStack(allowJIT: Bool) throws {
        // rule-format §4.2: `^(a|b)*$` recurses per byte; 32 KiB of JIT stack fails where the default does not.
        let pattern = try CompiledPattern("^(a|b)*$", allowJIT: allowJIT)
        let subject = [UInt8](repeating: UInt8(ascii: "a"), count: 20_000) + [UInt8(ascii: "c")]
        let outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: MatchScratch()) }
        #expect(outcome == .noMatch)
        var small = MatchLimits()
        small.jitStackBytes = 32 * 1024
        let cramped = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: MatchScratch(limits: small)) }
        if pattern.isJITCompiled {
            #expect(cramped == .failed(code: -46))
            #expect(cramped.isLimitError)
        } else {
            #expect(cramped == .noMatch)
        }
    }

    @Test("a line too long for every limit is an engine error, never a miss", arguments: [true, false])
    func tooLongIsAnError(allowJIT: Bool) throws {
        // 200,000 bytes through `^(a|b)*$`: JIT stack, depth or heap runs out; the caller must be told.
        let pattern = try CompiledPattern("^(a|b)*$", allowJIT: allowJIT)
        let subject = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + [UInt8(ascii: "c")]
        let outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: MatchScratch()) }
        #expect(outcome.isLimitError)
    }
}
