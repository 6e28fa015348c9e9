import PatternMatching
import Testing

/// The outcome of `pattern` on `subject`, with every group's range when it matched.
private func match(_ pattern: CompiledPattern, _ subject: [UInt8], scratch: MatchScratch = MatchScratch()) -> (MatchOutcome, [Range<Int>?]) {
    let outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: scratch) }
    guard outcome == .matched else { return (outcome, []) }
    return (outcome, (0...pattern.captureCount).map { scratch.range(ofGroup: $0) })
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("CompiledPattern")
struct CompiledPatternTests {
    @Test("byte mode matches invalid UTF-8 and captures it unchanged", arguments: [true, false])
    func invalidUTF8Capture(allowJIT: Bool) throws {
        // rule-format §4.3: under PCRE2_UTF this line errors, under MATCH_INVALID_UTF it evades; bytes must match.
        let subject = bytes("Invalid user ") + [0xff, 0xfe] + bytes("P4ss from 1.2.3.4")
        let pattern = try CompiledPattern("user (\\S+) from", allowJIT: allowJIT)
        let (outcome, groups) = match(pattern, subject)
        #expect(outcome == .matched)
        let user = try #require(groups[1])
        #expect(Array(subject[user]) == [0xff, 0xfe] + bytes("P4ss"))
        #expect(groups[0] == 8..<24)
    }

    @Test("a NUL byte inside the subject is an ordinary byte")
    func nulInSubject() throws {
        // Lengths are explicit: a NUL must neither end the subject nor stop a match across it.
        let subject = bytes("Failed password for ") + [0] + bytes("root from 192.0.2.1")
        let pattern = try CompiledPattern("for \\x00root from (\\S+)$")
        let (outcome, groups) = match(pattern, subject)
        #expect(outcome == .matched)
        #expect(groups[1].map { Array(subject[$0]) } == bytes("192.0.2.1"))
    }

    @Test("named groups are reported with their numbers, unnamed ones counted")
    func namedGroups() throws {
        // Unnamed group 2 sits between the names: numbers must not be read off the name order.
        let pattern = try CompiledPattern("^Failed (?<method>\\S+) for (invalid user )?(?<user>\\S+) from (?<src_ip>[0-9.]+)")
        #expect(pattern.captureCount == 4)
        #expect(pattern.namedGroups.map(\.name) == ["method", "user", "src_ip"])
        #expect(pattern.namedGroups.map(\.number) == [1, 3, 4])
        let subject = bytes("Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2")
        let (outcome, groups) = match(pattern, subject)
        #expect(outcome == .matched)
        #expect(groups[3].map { String(decoding: subject[$0], as: UTF8.self) } == "admin")
        #expect(groups[4].map { String(decoding: subject[$0], as: UTF8.self) } == "203.0.113.50")
    }

    @Test("an unset optional group has no range (absent is not empty)", arguments: [true, false])
    func unsetGroup(allowJIT: Bool) throws {
        // `port` is missing from the line; an empty group would read as an empty port instead.
        let pattern = try CompiledPattern("from (?<ip>[0-9.]+)(?: port (?<port>\\d+))?(?<empty>x?)", allowJIT: allowJIT)
        let (outcome, groups) = match(pattern, bytes("Connection closed from 198.51.100.7 [preauth]"))
        #expect(outcome == .matched)
        #expect(groups[1] == 23..<35)
        #expect(groups[2] == nil)
        #expect(groups[3] == 35..<35)
    }

    @Test("an unset group after a longer earlier match is still absent")
    func unsetGroupAfterEarlierMatch() throws {
        // The scratch is reused: the earlier match's offsets for group 2 must not leak into this one.
        let scratch = MatchScratch()
        let pattern = try CompiledPattern("(a)|(b)")
        let (first, firstGroups) = match(pattern, bytes("b"), scratch: scratch)
        #expect(first == .matched && firstGroups[2] == 0..<1)
        let (second, secondGroups) = match(pattern, bytes("a"), scratch: scratch)
        #expect(second == .matched)
        #expect(secondGroups[1] == 0..<1)
        #expect(secondGroups[2] == nil)
    }

    @Test("catastrophic backtracking stops at the match limit as .failed, never .noMatch", arguments: [true, false])
    func matchLimit(allowJIT: Bool) throws {
        // rule-format §4.1's measured case: `(a+)+$` on 40 × a then `!`.
        var limits = MatchLimits()
        limits.matchLimit = 10_000
        let pattern = try CompiledPattern("(a+)+$", allowJIT: allowJIT)
        #expect(pattern.isJITCompiled == false || allowJIT)
        let (outcome, _) = match(pattern, [UInt8](repeating: UInt8(ascii: "a"), count: 40) + bytes("!"), scratch: MatchScratch(limits: limits))
        #expect(outcome == .failed(code: -47))
        #expect(outcome.isLimitError)
        #expect(outcome != .noMatch)
    }

    @Test("isLimitError is false for matches, misses and non-limit errors")
    func isLimitErrorOnlyForLimits() {
        // Only resource limits are limit errors; a bad-UTF error (-22) is an error but not a limit.
        #expect(!MatchOutcome.matched.isLimitError)
        #expect(!MatchOutcome.noMatch.isLimitError)
        #expect(!MatchOutcome.failed(code: -22).isLimitError)
        #expect(MatchOutcome.failed(code: -46).isLimitError)
        #expect(MatchOutcome.failed(code: -53).isLimitError)
        #expect(MatchOutcome.failed(code: -63).isLimitError)
    }

    /// One row of the JIT/interpreter comparison, with the outcome both must give.
    struct AgreementCase: Sendable, CustomTestStringConvertible {
        var source: String
        var options: PatternOptions = []
        var subject: [UInt8]
        var shouldMatch: Bool
        var testDescription: String { "\(source) on \(String(decoding: subject, as: UTF8.self).debugDescription)" }
    }

    /// Anchors, classes, captures, caseless, invalid UTF-8, NUL, lookarounds, and `$` against a final newline.
    static let agreementTable: [AgreementCase] = [
        AgreementCase(source: "^Failed (?<m>password|publickey) for (?<u>\\S+)", subject: bytes("Failed password for root from 1.2.3.4"), shouldMatch: true),
        AgreementCase(source: "^Failed (?<m>password|publickey) for (?<u>\\S+)", subject: bytes("Accepted password for root"), shouldMatch: false),
        AgreementCase(source: "invalid user", options: [.caseless], subject: bytes("Failed password for INVALID USER x"), shouldMatch: true),
        AgreementCase(source: "\\Aroot\\z", options: [.caseless], subject: bytes("ROOT"), shouldMatch: true),
        AgreementCase(source: "\\Aroot\\z", subject: bytes("root\n"), shouldMatch: false),
        AgreementCase(source: "^root$", subject: bytes("root\n"), shouldMatch: true),
        AgreementCase(source: "user (\\S+) from", subject: bytes("Invalid user ") + [0xff, 0xfe] + bytes("P4ss from 1.2.3.4"), shouldMatch: true),
        AgreementCase(source: "[^ ]+@(?<domain>[a-z.]+)", subject: bytes("to=<bob@example.org>, relay=local"), shouldMatch: true),
        AgreementCase(source: "a.c", subject: bytes("a\nc"), shouldMatch: false),
        AgreementCase(source: "a.c", options: [.dotAll], subject: bytes("a\nc"), shouldMatch: true),
        AgreementCase(source: "^c", options: [.multiline], subject: bytes("a\nc"), shouldMatch: true),
        AgreementCase(source: "^c", subject: bytes("a\nc"), shouldMatch: false),
        AgreementCase(source: "(?<=port )\\d+(?! ssh1)", subject: bytes("port 22 ssh2"), shouldMatch: true),
        AgreementCase(source: "\\x00\\xff", subject: [0x41, 0x00, 0xff, 0x42], shouldMatch: true),
        AgreementCase(source: "(a|b)*c", subject: bytes("ababababx"), shouldMatch: false),
        AgreementCase(source: "COMMAND=(?<cmd>.*)$", subject: bytes("USER=root ; COMMAND=/bin/bash -c 'id'"), shouldMatch: true),
        AgreementCase(source: "(?i)SSHD", subject: bytes("sshd"), shouldMatch: true),
        AgreementCase(source: "", subject: [], shouldMatch: true),
    ]

    @Test("JIT and interpreter agree on outcome and every group", arguments: agreementTable)
    func jitAgreesWithInterpreter(row: AgreementCase) throws {
        // CI gate 2 of rule-format §3.9: both engines must give identical results, and the right ones.
        let jit = try CompiledPattern(row.source, options: row.options, allowJIT: true)
        let interpreter = try CompiledPattern(row.source, options: row.options, allowJIT: false)
        #expect(!interpreter.isJITCompiled)
        let jitResult = match(jit, row.subject)
        let interpreterResult = match(interpreter, row.subject)
        #expect(jitResult.0 == interpreterResult.0)
        #expect(jitResult.1 == interpreterResult.1)
        #expect(jitResult.0 == (row.shouldMatch ? .matched : .noMatch))
    }

    @Test("a match can start past a given offset")
    func startOffset() throws {
        // The prefilter resumes searching after the line of the previous hit.
        let pattern = try CompiledPattern("sshd")
        let subject = bytes("sshd[1]: a\nsshd[2]: b")
        let scratch = MatchScratch()
        let outcome = subject.withUnsafeBufferPointer { pattern.firstMatch(in: $0, from: 1, scratch: scratch) }
        #expect(outcome == .matched)
        #expect(scratch.range(ofGroup: 0) == 11..<15)
    }

    @Test("an empty subject is matched without reading memory")
    func emptySubject() throws {
        // An empty message field: the pointer may be nil; `\A\z` (Sigma '') must match it.
        let pattern = try CompiledPattern("\\A\\z")
        let outcome = [UInt8]().withUnsafeBufferPointer { pattern.firstMatch(in: $0, scratch: MatchScratch()) }
        #expect(outcome == .matched)
    }

    @Test("more capture groups than the scratch's initial room are still reported")
    func manyGroups() throws {
        // 80 groups: the scratch must grow its match data rather than drop the later groups.
        let source = String(repeating: "(x)", count: 80)
        let pattern = try CompiledPattern(source)
        let scratch = MatchScratch()
        let (outcome, groups) = match(pattern, bytes(String(repeating: "x", count: 80)), scratch: scratch)
        #expect(outcome == .matched)
        #expect(groups.count == 81)
        #expect(groups[80] == 79..<80)
    }

    @Test("(*UTF) at the start of a pattern is refused in byte mode", arguments: ["(*UTF)abc", "(*UCP)\\w+"])
    func modeSwitchRefused(source: String) {
        // A rule must not switch itself into UTF mode (where 0xff makes it error or evade).
        #expect {
            _ = try CompiledPattern(source)
        } throws: { error in
            guard let error = error as? PatternError, case .compile(let message, let offset) = error else { return false }
            return message.contains("disabled by the application") && offset >= 0 && error.description.contains("at offset \(offset)")
        }
    }

    @Test("a compile error carries PCRE2's message and offset")
    func compileError() {
        // `a(b`: the missing parenthesis is found at the end, offset 3.
        #expect(throws: PatternError.compile(message: "missing closing parenthesis", offset: 3)) {
            _ = try CompiledPattern("a(b")
        }
        #expect(PatternError.compile(message: "missing closing parenthesis", offset: 3).description == "missing closing parenthesis at offset 3")
    }

    @Test("\\C is refused")
    func backslashCRefused() {
        // `\C` matches one code unit and can split characters; the wrapper sets NEVER_BACKSLASH_C.
        #expect(throws: PatternError.self) { _ = try CompiledPattern("a\\Cb") }
    }

    @Test("UTF mode is opt-in and then folds Unicode case")
    func utfOptIn() throws {
        // `é` vs `É`: folded only with .utf (UCP); byte mode folds ASCII only (rule-format §4.4).
        let subject = bytes("user JÉRÔME")
        let byteMode = try CompiledPattern("jérôme", options: [.caseless])
        let utfMode = try CompiledPattern("jérôme", options: [.caseless, .utf])
        #expect(match(byteMode, subject).0 == .noMatch)
        #expect(match(utfMode, subject).0 == .matched)
    }

    @Test("error messages for codes come from PCRE2")
    func errorMessages() {
        // The report quotes these texts for engine errors.
        #expect(CompiledPattern.errorMessage(-47) == "match limit exceeded")
        #expect(CompiledPattern.errorMessage(-1) == "no match")
    }
}
