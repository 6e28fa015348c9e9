import Foundation
import Testing

/// `spoor test` must catch a rule broken on purpose: CI is only worth running if a mutated threshold
/// or a widened regex turns it red. Each test copies `rules/`, breaks one rule, and runs `spoor test`.
@Suite("spoor test catches broken rules")
struct RuleMutationTests {
    /// Copies the bundled rules, replaces `original` by `mutated` in `file`, runs `spoor test` on the copy.
    private func testMutated(file: String, _ original: String, _ mutated: String) throws -> SpoorProcess.Result {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let copy = folder.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: SpoorProcess.packageRoot.appendingPathComponent("rules"), to: copy)
        let target = copy.appendingPathComponent(file)
        let text = try String(contentsOf: target, encoding: .utf8)
        #expect(text.contains(original), "the mutation's anchor text is gone from \(file): update this test")
        try text.replacingOccurrences(of: original, with: mutated).write(to: target, atomically: true, encoding: .utf8)
        return try SpoorProcess.run(["test", copy.path, "--quiet"])
    }

    @Test("the bundled rules pass as they are")
    func unmutated() throws {
        // The baseline: without it, a failing mutation would prove nothing.
        let result = try SpoorProcess.run(["test", SpoorProcess.packageRoot.appendingPathComponent("rules").path, "--quiet"])
        let output = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(result.status == 0, "\(output.suffix(3000))")
    }

    @Test("a threshold lowered by one byte fails the boundary case")
    func mutatedThreshold() throws {
        // sftp_large_download's negative case holds a download one byte under 50 MiB.
        let result = try testMutated(file: "linux/sftp/sftp.yml", "bytes_read|gte: 52428800", "bytes_read|gte: 52428799")
        let output = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(result.status == 1)
        #expect(output.contains("✘ sftp_large_download"), "\(output.suffix(2000))")
        #expect(output.contains("unexpected finding at line 1"), "\(output.suffix(2000))")
    }

    @Test("a widened regex fails the negative case")
    func widenedRegex() throws {
        // sudo_root_shell taking any command as a shell fires on its negative case's plain commands.
        let result = try testMutated(file: "linux/auth/sudo.yml", "COMMAND=(?<command>(?:/usr)?/bin/(?:ba|da|z|k|c|tc|fi|a)?sh", "COMMAND=(?<command>.{1,4096}|(?:/usr)?/bin/(?:ba|da|z|k|c|tc|fi|a)?sh")
        let output = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(result.status == 1)
        #expect(output.contains("✘ sudo_root_shell"), "\(output.suffix(2000))")
    }

    @Test("a narrowed regex fails the positive case")
    func narrowedRegex() throws {
        // sudo_root_shell no longer knowing `su` misses the case's `sudo su -` line.
        let result = try testMutated(file: "linux/auth/sudo.yml", "|(?:/usr)?/bin/su(?: -| root| - root| -l)?)\\z'", ")\\z'")
        let output = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(result.status == 1)
        #expect(output.contains("missing: sudo_root_shell"), "\(output.suffix(2000))")
    }
}
