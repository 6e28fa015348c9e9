import Foundation
import Testing
@testable import CorpusGeneration

/// The committed `samples/` tree is exactly what the generator writes, and it tells the story.
@Suite struct SampleCorpusTests {
    /// The package root, found from this file's path (`Tests/CorpusGenerationTests/…`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func sameSeedWritesIdenticalBytes() throws {
        let first = try TemporaryFolder("first")
        let second = try TemporaryFolder("second")
        defer { first.remove(); second.remove() }
        try SampleCorpus.write(to: first.path)
        try SampleCorpus.write(to: second.path)
        #expect(first.relativeFilePaths() == second.relativeFilePaths())
        for path in SampleCorpus.relativePaths {
            #expect(try TemporaryFolder.bytes(at: first.path + "/" + path) == TemporaryFolder.bytes(at: second.path + "/" + path),
                    "\(path) differs between two runs with the same seed")
        }
    }

    @Test func anotherSeedWritesOtherBytes() throws {
        let first = try TemporaryFolder("seed-a")
        let second = try TemporaryFolder("seed-b")
        defer { first.remove(); second.remove() }
        try SampleCorpus.write(to: first.path, seed: 1)
        try SampleCorpus.write(to: second.path, seed: 2)
        #expect(try TemporaryFolder.bytes(at: first.path + "/var/log/auth.log")
            != TemporaryFolder.bytes(at: second.path + "/var/log/auth.log"))
    }

    /// The guard that `samples/` was produced by the generator: regenerate with
    /// `swift run spoor-corpus samples --output samples` after changing the generator.
    @Test func committedSamplesAreTheGeneratorsOutput() throws {
        let committed = Self.packageRoot + "/samples"
        let fresh = try TemporaryFolder("samples")
        defer { fresh.remove() }
        try SampleCorpus.write(to: fresh.path)
        let committedLogs = TemporaryFolder.relativeFilePaths(under: committed + "/var/log").map { "var/log/" + $0 }
        #expect(committedLogs == SampleCorpus.relativePaths.sorted(), "samples/var/log holds other files than the generator writes")
        for path in SampleCorpus.relativePaths {
            let expected = try TemporaryFolder.bytes(at: fresh.path + "/" + path)
            let actual = try TemporaryFolder.bytes(at: committed + "/" + path)
            #expect(actual == expected, "samples/\(path) is not what the generator writes; regenerate it")
        }
    }

    @Test func oldestAuthLogIsTwoGzipMembersAndTheOthersOne() throws {
        let folder = try TemporaryFolder("members")
        defer { folder.remove() }
        try SampleCorpus.write(to: folder.path)
        for path in SampleCorpus.relativePaths where path.hasSuffix(".gz") {
            let decoded = try GzipTestDecoding.decode(try TemporaryFolder.bytes(at: folder.path + "/" + path))
            #expect(decoded.members == (path == "var/log/auth.log.3.gz" ? 2 : 1), "\(path)")
            #expect(decoded.bytes.last == UInt8(ascii: "\n"), "\(path) ends inside a line")
        }
    }

    @Test func storyStepsAreWhereTheReadmeSaysTheFilesAre() throws {
        let folder = try TemporaryFolder("story")
        defer { folder.remove() }
        try SampleCorpus.write(to: folder.path)
        func text(_ path: String) throws -> String {
            let relative = path.hasPrefix("var/log/") ? path : "var/log/" + path
            let bytes = try TemporaryFolder.bytes(at: folder.path + "/" + relative)
            let plain = path.hasSuffix(".gz") ? try GzipTestDecoding.decode(bytes).bytes : bytes
            return String(decoding: plain, as: UTF8.self)
        }
        #expect(try text("auth.log.3.gz").contains("Invalid user Winter2024! from 10.20.0.15"))
        #expect(try text("auth.log.2.gz").contains("Failed password for root from 203.0.113.77"))
        #expect(try text("auth.log.1").contains("Accepted password for svc-backup from 203.0.113.77"))
        #expect(try text("auth.log.1").contains("COMMAND=/usr/bin/tar czf /tmp/.cache/hr.tgz /srv/data/hr"))
        #expect(try text("auth.log.1").contains("db01 sshd["))
        #expect(try text("auth.log").contains("close \"/tmp/.cache/hr.tgz\" bytes read 48231552 written 0"))
        #expect(try text("auth.log").contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(try text("auth.log").contains("COMMAND=/usr/bin/journalctl --vacuum-time=1s"))
        // syslog was emptied by the attacker: the live file starts with journald's vacuum lines.
        #expect(try text("syslog").hasPrefix("Mar  7 10:41:20 web01 systemd-journald["))
        // Background noise never uses the planted attackers' block (203.0.113.64/26).
        for path in SampleCorpus.relativePaths {
            for line in try text(path).split(separator: "\n") where line.contains("203.0.113.") {
                for octet in 64...127 where line.contains("203.0.113.\(octet) ") || line.contains("203.0.113.\(octet)/")
                    || line.contains("[203.0.113.\(octet)]") || line.hasSuffix("203.0.113.\(octet)") {
                    #expect([77, 45].contains(octet), "noise used a story address: \(line)")
                }
            }
        }
    }

    @Test func everyLineHasASyslogHeaderAndTimeGoesForward() throws {
        let folder = try TemporaryFolder("order")
        defer { folder.remove() }
        try SampleCorpus.write(to: folder.path)
        let months = ["Mar"]
        for path in SampleCorpus.relativePaths {
            let bytes = try TemporaryFolder.bytes(at: folder.path + "/" + path)
            let plain = path.hasSuffix(".gz") ? try GzipTestDecoding.decode(bytes).bytes : bytes
            var previous = ""
            for line in String(decoding: plain, as: UTF8.self).split(separator: "\n") {
                let stamp = String(line.prefix(15))
                #expect(months.contains(String(stamp.prefix(3))), "\(path): \(line)")
                // "Mar  7 10:41:20" sorts correctly as text within one month.
                #expect(stamp >= previous, "\(path): time goes backwards at \(line)")
                previous = stamp
            }
        }
    }
}
