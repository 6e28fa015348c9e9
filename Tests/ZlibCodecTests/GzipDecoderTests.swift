import Foundation
import Testing
import ZlibCodec

/// What a test decode produced: the bytes handed out by successful steps, and how it ended.
private struct DecodeRun {
    var output: [UInt8] = []
    var error: GzipError?
    /// `decoder.producedBytes` when the error was thrown (or at the end).
    var producedAtEnd = 0
}

/// Feeds `input` to `decoder` in slices of `inputSlice` bytes with an output buffer of `outputSize`
/// bytes, widening a slice only when the decoder asks for more (it consumed and produced nothing),
/// then calls `finish()`. Stops at the first error.
private func decodeAll(_ input: [UInt8], decoder: GzipDecoder, inputSlice: Int = 1 << 20, outputSize: Int = 1 << 20) -> DecodeRun {
    var run = DecodeRun()
    var output = [UInt8](repeating: 0, count: outputSize)
    var position = 0
    var width = inputSlice
    do throws(GzipError) {
        while position < input.count {
            let end = min(position + width, input.count)
            let attempt: Result<GzipDecodeStep, GzipError> = input.withUnsafeBytes { raw in
                output.withUnsafeMutableBytes { out in
                    do throws(GzipError) {
                        return .success(try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[position..<end]), into: out))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            let step = try attempt.get()
            run.output += output[0..<step.produced]
            position += step.consumed
            if step.consumed == 0 && step.produced == 0 {
                // The decoder needs more than this slice (two magic bytes at a member boundary).
                if end == input.count { break }
                width += 1
            } else {
                width = inputSlice
            }
        }
        // What decode() could not take (a lone byte at a member boundary) is handed to finish().
        try decoder.finish(unconsumedBytes: input.count - position)
    } catch {
        run.error = error
    }
    run.producedAtEnd = decoder.producedBytes
    return run
}

/// Real-shaped auth.log text, long enough that deflate uses back-references across lines.
private func authLog(lines: Int, host: String = "web01") -> [UInt8] {
    var text = ""
    for index in 0..<lines {
        let second = index % 60
        let stamp = "Mar  7 10:00:\(second < 10 ? "0" : "")\(second)"
        if index % 3 == 0 {
            text += "\(stamp) \(host) sshd[\(2100 + index)]: Failed password for invalid user admin\(index) from 203.0.113.\(index % 250) port \(40000 + index) ssh2\n"
        } else {
            text += "\(stamp) \(host) CRON[\(3100 + index)]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"
        }
    }
    return Array(text.utf8)
}

@Suite("GzipDecoder")
struct GzipDecoderTests {
    @Test("one member round-trips through GzipEncoder and GzipDecoder")
    func roundTrip() throws {
        // 200 log lines: several deflate back-references, one member, nothing after it.
        let original = authLog(lines: 200)
        let member = try GzipEncoder().member(of: original, modificationTime: 1_741_341_621, originalName: "auth.log")
        let decoder = try GzipDecoder()
        let run = decodeAll(member, decoder: decoder)
        #expect(run.error == nil)
        #expect(run.output == original)
        #expect(decoder.membersCompleted == 1)
        #expect(decoder.trailingGarbageBytes == 0)
        #expect(decoder.consumedBytes == member.count)
        #expect(decoder.producedBytes == original.count)
    }

    @Test("round trip at every compression level", arguments: [Int32(1), 6, 9])
    func roundTripAtLevel(level: Int32) throws {
        // The encoder writes a different XFL byte per level; the decoder must not care.
        let original = authLog(lines: 50)
        let member = try GzipEncoder(level: level).member(of: original)
        let run = decodeAll(member, decoder: try GzipDecoder())
        #expect(run.error == nil)
        #expect(run.output == original)
    }

    @Test("an empty file's member decodes to nothing and completes")
    func emptyPayloadMember() throws {
        // `gzip < /dev/null`: a valid member whose payload is zero bytes (not the same as empty input).
        let member = try GzipEncoder().member(of: [])
        let decoder = try GzipDecoder()
        let run = decodeAll(member, decoder: decoder)
        #expect(run.error == nil)
        #expect(run.output.isEmpty)
        #expect(decoder.membersCompleted == 1)
    }

    @Test("two concatenated members decode to the concatenation (cat a.gz b.gz)")
    func concatenatedMembers() throws {
        // Rotated logs are sometimes joined with cat; the second member must not be read as garbage.
        let first = authLog(lines: 40, host: "web01")
        let second = authLog(lines: 70, host: "db01")
        let encoder = try GzipEncoder()
        let stored = encoder.member(of: first, originalName: "auth.log.1") + encoder.member(of: second, originalName: "auth.log.2")
        let decoder = try GzipDecoder()
        let run = decodeAll(stored, decoder: decoder)
        #expect(run.error == nil)
        #expect(run.output == first + second)
        #expect(decoder.membersCompleted == 2)
        #expect(decoder.trailingGarbageBytes == 0)
    }

    @Test("1-byte input slices and tiny output buffers give identical bytes", arguments: [1, 2, 7])
    func tinySlices(outputSize: Int) throws {
        // Two members so the magic-byte sniff at the member boundary also sees single bytes.
        let first = authLog(lines: 30)
        let second = authLog(lines: 25, host: "mail01")
        let encoder = try GzipEncoder()
        let stored = encoder.member(of: first) + encoder.member(of: second)
        let decoder = try GzipDecoder()
        let run = decodeAll(stored, decoder: decoder, inputSlice: 1, outputSize: outputSize)
        #expect(run.error == nil)
        #expect(run.output == first + second)
        #expect(decoder.membersCompleted == 2)
        #expect(decoder.consumedBytes == stored.count)
    }

    @Test("a truncated member makes finish() throw .truncated")
    func truncatedMember() throws {
        // Cut in the middle of the deflate data: what was decoded comes out, then end of input inside member 1.
        let original = authLog(lines: 300)
        let member = try GzipEncoder().member(of: original)
        let cut = Array(member[0..<(member.count / 2)])
        let decoder = try GzipDecoder()
        let run = decodeAll(cut, decoder: decoder, outputSize: 4096)
        #expect(run.error == .truncated(member: 1))
        #expect(run.output.count > 0)
        #expect(run.output == Array(original[0..<run.output.count]))
        #expect(decoder.membersCompleted == 0)
    }

    @Test("a member cut just before its trailer is still truncated, not complete")
    func truncatedBeforeTrailer() throws {
        // All the data decodes, but without CRC and length the member cannot be trusted.
        let original = authLog(lines: 20)
        let member = try GzipEncoder().member(of: original)
        let decoder = try GzipDecoder()
        let run = decodeAll(Array(member.dropLast(8)), decoder: decoder)
        #expect(run.error == .truncated(member: 1))
        #expect(run.output == original)
    }

    @Test("the second member truncated is reported as member 2")
    func truncatedSecondMember() throws {
        // The member count in the error lets a report say which part of a joined file was lost.
        let encoder = try GzipEncoder()
        let first = authLog(lines: 10)
        let secondMember = encoder.member(of: authLog(lines: 60, host: "db01"))
        let stored = encoder.member(of: first) + Array(secondMember[0..<(secondMember.count / 2)])
        let decoder = try GzipDecoder()
        let run = decodeAll(stored, decoder: decoder)
        #expect(run.error == .truncated(member: 2))
        #expect(decoder.membersCompleted == 1)
        #expect(Array(run.output.prefix(first.count)) == first)
    }

    @Test("a flipped CRC byte throws .checksumMismatch only after every byte of the member was produced",
          arguments: [(1 << 20, 1 << 20), (1, 3), (5, 64)])
    func checksumMismatchAfterAllBytes(inputSlice: Int, outputSize: Int) throws {
        // The CRC32 is the first trailer field; zlib can only check it once the member's data is out.
        let original = authLog(lines: 40)
        var member = try GzipEncoder().member(of: original)
        member[member.count - 8] ^= 0x01
        let decoder = try GzipDecoder()
        let run = decodeAll(member, decoder: decoder, inputSlice: inputSlice, outputSize: outputSize)
        guard case .checksumMismatch(let memberNumber, let message) = run.error else {
            Issue.record("expected checksumMismatch, got \(String(describing: run.error))")
            return
        }
        #expect(memberNumber == 1)
        #expect(message.contains(decoder.backend == .zlib ? "incorrect data check" : "incorrect checksum"))
        // Every byte was produced before the error, and handed out by the steps that returned.
        #expect(run.producedAtEnd == original.count)
        #expect(run.output == original)
        #expect(decoder.membersCompleted == 0)
    }

    @Test("a wrong length in the trailer is also an integrity failure")
    func lengthMismatch() throws {
        // ISIZE is the last trailer field: a good CRC with a wrong length is still a damaged member.
        let original = authLog(lines: 40)
        var member = try GzipEncoder().member(of: original)
        member[member.count - 4] ^= 0x01
        let decoder = try GzipDecoder()
        let run = decodeAll(member, decoder: decoder)
        guard case .checksumMismatch(_, let message) = run.error else {
            Issue.record("expected checksumMismatch, got \(String(describing: run.error))")
            return
        }
        #expect(message.contains(decoder.backend == .zlib ? "incorrect length check" : "incorrect checksum"))
        #expect(run.output == original)
    }

    @Test("corrupt deflate data at the start throws .corruptData with the library's message")
    func corruptDataEarly() throws {
        // Byte 10 is the first deflate byte; 0x07 sets BFINAL and the reserved block type 3.
        let original = authLog(lines: 100)
        var member = try GzipEncoder().member(of: original)
        member[10] = 0x07
        let decoder = try GzipDecoder()
        let run = decodeAll(member, decoder: decoder)
        guard case .corruptData(let memberNumber, let message) = run.error else {
            Issue.record("expected corruptData, got \(String(describing: run.error))")
            return
        }
        #expect(memberNumber == 1)
        #expect(message.contains(decoder.backend == .zlib ? "invalid block type" : "invalid deflate block"))
        #expect(run.output.isEmpty)
        #expect(decoder.membersCompleted == 0)
    }

    @Test("after an error the decoder keeps throwing the same error")
    func errorIsSticky() throws {
        // A caller that retries must not get silent success (or different bytes) out of damaged data.
        var member = try GzipEncoder().member(of: authLog(lines: 5))
        member[10] = 0x07
        let decoder = try GzipDecoder()
        let first = decodeAll(member, decoder: decoder)
        #expect(first.error != nil)
        let again = decodeAll(member, decoder: decoder)
        #expect(again.error != nil)
        #expect(again.output.isEmpty)
    }

    @Test("trailing garbage after a member is counted and the output is complete")
    func trailingGarbage() throws {
        // Zero padding after the last member is common on tapes and some disk images.
        let original = authLog(lines: 30)
        let member = try GzipEncoder().member(of: original)
        let garbage = [UInt8](repeating: 0, count: 37) + Array("not gzip\n".utf8)
        let decoder = try GzipDecoder()
        let run = decodeAll(member + garbage, decoder: decoder)
        #expect(run.error == nil)
        #expect(run.output == original)
        #expect(decoder.membersCompleted == 1)
        #expect(decoder.trailingGarbageBytes == garbage.count)
        #expect(decoder.consumedBytes == member.count + garbage.count)
    }

    @Test("trailing garbage fed byte by byte is counted in full")
    func trailingGarbageInTinySlices() throws {
        // The garbage starts with 1f (a gzip magic's first byte) so the sniff must wait for byte two.
        let original = authLog(lines: 10)
        let member = try GzipEncoder().member(of: original)
        let garbage: [UInt8] = [0x1f, 0x00, 0x41, 0x42, 0x0a]
        let decoder = try GzipDecoder()
        let run = decodeAll(member + garbage, decoder: decoder, inputSlice: 1, outputSize: 16)
        #expect(run.error == nil)
        #expect(run.output == original)
        #expect(decoder.trailingGarbageBytes == garbage.count)
    }

    @Test("a lone byte after the last member is counted as trailing garbage")
    func loneTrailingByte() throws {
        // One stray 1f after the member: it cannot start a member, so the contract says it is garbage.
        let original = authLog(lines: 10)
        let member = try GzipEncoder().member(of: original)
        let decoder = try GzipDecoder()
        let run = decodeAll(member + [0x1f], decoder: decoder)
        #expect(run.error == nil)
        #expect(run.output == original)
        #expect(decoder.trailingGarbageBytes == 1)
    }

    @Test("empty input makes finish() throw .empty")
    func emptyInput() throws {
        // A zero-byte .gz (a rotation that crashed) is not a valid empty member.
        let decoder = try GzipDecoder()
        #expect(throws: GzipError.empty) { try decoder.finish() }
        #expect(decoder.membersCompleted == 0)
    }

    @Test("error descriptions name the member and the kind of damage")
    func descriptions() {
        // The description is what a report quotes: it must say where and what.
        #expect(GzipError.truncated(member: 2).description.contains("member 2"))
        #expect(GzipError.truncated(member: 2).description.contains("truncated"))
        #expect(GzipError.checksumMismatch(member: 1, message: "incorrect data check").description.contains("integrity"))
        #expect(GzipError.corruptData(member: 3, message: "invalid block type").description.contains("invalid block type"))
        #expect(GzipError.empty.description == "empty gzip stream")
    }
}

/// zlib and ISA-L behind ``GzipDecoder``: the same bytes, members, trailing garbage, and the same kind
/// of error at the same member after the same bytes, on intact and damaged gzip (at a cut, ISA-L may
/// hold back the last symbol before it). Skipped, saying so,
/// where ISA-L is not installed (`apt-get install libisal-dev`; `scripts/install-deps` does it).
@Suite("GzipDecoder: zlib and ISA-L agree")
struct GzipBackendAgreementTests {
    private static let malformed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/malformed/inputs")

    /// The error's kind and member, without the library's own wording.
    private static func kind(_ error: GzipError?) -> String {
        switch error {
        case nil: return "none"
        case .corruptData(let member, _)?: return "corrupt data in member \(member)"
        case .checksumMismatch(let member, _)?: return "checksum mismatch in member \(member)"
        case .truncated(let member)?: return "truncated in member \(member)"
        case .empty?: return "empty"
        case .outOfMemory?: return "out of memory"
        case .initialisation?: return "initialisation"
        }
    }

    private func expectAgreement(_ input: [UInt8], name: String, inputSlice: Int = 1 << 20, outputSize: Int = 1 << 20,
                                 sameBytesOnCorruption: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let zlib = try GzipDecoder(backend: .zlib)
        let isal = try GzipDecoder(backend: .isal)
        #expect(zlib.backend == .zlib && isal.backend == .isal, sourceLocation: sourceLocation)
        let fromZlib = decodeAll(input, decoder: zlib, inputSlice: inputSlice, outputSize: outputSize)
        let fromISAL = decodeAll(input, decoder: isal, inputSlice: inputSlice, outputSize: outputSize)
        #expect(Self.kind(fromZlib.error) == Self.kind(fromISAL.error), "\(name): zlib \(String(describing: fromZlib.error)), ISA-L \(String(describing: fromISAL.error))", sourceLocation: sourceLocation)
        #expect(zlib.membersCompleted == isal.membersCompleted, "\(name): members", sourceLocation: sourceLocation)
        #expect(zlib.trailingGarbageBytes == isal.trailingGarbageBytes, "\(name): trailing garbage", sourceLocation: sourceLocation)
        if case .corruptData? = fromZlib.error, !sameBytesOnCorruption {
            // Inside a corrupt block each library stops where its own decoder notices: one output is a
            // prefix of the other.
            let shorter = min(fromZlib.output.count, fromISAL.output.count)
            let agrees = fromZlib.output.prefix(shorter) == fromISAL.output.prefix(shorter)
            #expect(agrees, "\(name): bytes before the damage differ", sourceLocation: sourceLocation)
        } else if case .truncated? = fromZlib.error {
            // At a cut, ISA-L holds back the last deflate symbol whose bits it cannot look past (at most
            // one match, 258 bytes); what it gives is exactly zlib's bytes up to there.
            let agrees = fromISAL.output.count <= fromZlib.output.count && fromZlib.output.count - fromISAL.output.count <= 258
                && fromZlib.output.prefix(fromISAL.output.count) == fromISAL.output[...]
            #expect(agrees, "\(name): \(fromZlib.output.count) bytes from zlib, \(fromISAL.output.count) from ISA-L", sourceLocation: sourceLocation)
        } else {
            let agrees = fromZlib.output == fromISAL.output
            #expect(agrees, "\(name): \(fromZlib.output.count) bytes from zlib, \(fromISAL.output.count) from ISA-L", sourceLocation: sourceLocation)
        }
    }

    @Test("intact gzip: one member, concatenated members, an empty member, trailing garbage, odd slices")
    func intact() throws {
        guard InflateBackend.isISALAvailable else {
            print("skipped: ISA-L (libisal.so.2) is not installed here")
            return
        }
        let encoder = try GzipEncoder()
        let first = encoder.member(of: authLog(lines: 3000))
        let second = try GzipEncoder().member(of: authLog(lines: 500, host: "db01"))
        let empty = try GzipEncoder().member(of: [])
        try expectAgreement(first, name: "one member")
        try expectAgreement(first + empty + second, name: "three members")
        try expectAgreement(first + Array("garbage after the member".utf8), name: "trailing garbage")
        for (slice, output) in [(1, 7), (3, 64), (4093, 100)] {
            try expectAgreement(first + second, name: "slices \(slice)/\(output)", inputSlice: slice, outputSize: output)
        }
        // Incompressible bytes (stored blocks) as well as text.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try expectAgreement(try GzipEncoder().member(of: noise), name: "random bytes")
    }

    @Test("damaged gzip: truncation (inside data and before the trailer), a bad CRC, a bad length, corrupt deflate")
    func damaged() throws {
        guard InflateBackend.isISALAvailable else {
            print("skipped: ISA-L (libisal.so.2) is not installed here")
            return
        }
        let member = try GzipEncoder().member(of: authLog(lines: 3000))
        try expectAgreement(Array(member.prefix(member.count / 2)), name: "cut in the middle")
        try expectAgreement(Array(member.dropLast(4)), name: "cut in the trailer")
        try expectAgreement(member + Array(member.prefix(30)), name: "second member cut")
        var crc = member
        crc[crc.count - 8] ^= 0x40
        try expectAgreement(crc, name: "bad CRC", inputSlice: 5, outputSize: 64)
        var length = member
        length[length.count - 2] ^= 0x01
        try expectAgreement(length, name: "bad length")
        var corrupt = member
        corrupt[10] = 0x07
        try expectAgreement(corrupt, name: "reserved block type")
        try expectAgreement(Array("not gzip at all".utf8), name: "not gzip")
        for name in ["truncated.log.gz", "bad-crc.log.gz", "corrupt-deflate.log.gz", "long-line.log.gz"] {
            let bytes = try [UInt8](Data(contentsOf: Self.malformed.appendingPathComponent(name)))
            try expectAgreement(bytes, name: name, sameBytesOnCorruption: false)
        }
    }
}
