import Crypto
import ExposureReport
import Foundation
import Testing

/// The built `spoor` on `Tests/Fixtures/malformed/inputs` (made by its `make-fixtures`): broken and
/// hostile evidence beside a good file. Each input must get a clear entry in the report, the scan must
/// finish, nothing may be written or changed, and no finding from the good file may be lost.
@Suite("spoor scan on malformed and hostile evidence")
struct MalformedEvidenceTests {
    static let inputs = "Tests/Fixtures/malformed/inputs"
    static let good = "samples/var/log/auth.log"

    /// Scans `evidence` (paths relative to the package root) with no findings cap, into a JSON report.
    private static func scan(_ evidence: [String], extra: [String] = [], test: String = #function) throws -> (SpoorProcess.Result, ScanReport) {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let output = folder.url.appendingPathComponent("report.json")
        let result = try SpoorProcess.run(["scan"] + evidence + ["--format", "json", "-o", output.path, "--no-progress", "--findings-cap", "100000"] + extra,
                                          test: test)
        return (result, try JSONDecoder().decode(ScanReport.self, from: Data(contentsOf: output)))
    }

    /// Every file under the fixtures folder (links as links) and the SHA-256 of its bytes.
    private static func snapshot() throws -> [String: String] {
        let root = SpoorProcess.packageRoot.appendingPathComponent(inputs)
        var result: [String: String] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: root.path) {
            let path = root.appendingPathComponent(name).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                result[name] = "link:" + target
            } else if let data = FileManager.default.contents(atPath: path) {
                result[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            } else {
                result[name] = "folder"
            }
        }
        return result
    }

    private static func findingKeys(_ report: ScanReport, path: String) -> Set<String> {
        Set(report.findings.flatMap { finding in
            finding.evidence.filter { $0.path == path }.map { "\(finding.rule.id) \($0.line)@\($0.offset)" }
        })
    }

    @Test("each broken input has a clear entry, the scan finishes, the evidence is untouched and the good file's findings are all there")
    func malformedFolder() throws {
        let before = try Self.snapshot()
        // A floor of 1 MiB makes the bomb trip at once; the 50 MB line (1,000 x) stays under 2,000 x.
        let (result, report) = try Self.scan([Self.inputs, Self.good], extra: ["--ratio-floor-mib", "1", "--max-ratio", "2000"])
        #expect(result.status == 2, "incomplete evidence exits 2; stderr: \(result.standardError)")
        #expect(!report.summary.isComplete)
        #expect(try Self.snapshot() == before, "the evidence folder must not change")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/spoor-traversal"), "a member name must never become a path")

        let entries = Dictionary(report.evidence.map { ($0.path.replacingOccurrences(of: Self.inputs + "/", with: "")) }.enumerated().map { ($1, report.evidence[$0]) },
                                 uniquingKeysWith: { first, _ in first })
        func entry(_ name: String) throws -> EvidenceEntry { try #require(entries[name], "no evidence entry for \(name)") }
        func findings(in name: String) -> [Finding] {
            report.findings.filter { $0.evidence.contains { $0.path == Self.inputs + "/" + name } }
        }

        // Truncated gzip: partial, what came before the cut scanned.
        let truncated = try entry("truncated.log.gz")
        #expect(truncated.status == .partial)
        #expect(truncated.error?.contains("truncated") == true)
        #expect(truncated.lines > 0 && !findings(in: "truncated.log.gz").isEmpty)
        // Corrupt deflate data and a bad CRC: partial, and every finding from them flagged as damaged.
        for name in ["corrupt-deflate.log.gz", "bad-crc.log.gz"] {
            let damaged = try entry(name)
            #expect(damaged.status == .partial, "\(name)")
            #expect(damaged.hasDamagedData, "\(name)")
            #expect(damaged.error?.contains("integrity check") == true, "\(name)")
            #expect(!findings(in: name).isEmpty && findings(in: name).allSatisfy { $0.isFromDamagedData == true }, "\(name)")
            #expect(report.coverage.contains { $0.integrity.contains { $0.kind == "damaged-file" && $0.detail.contains(name) } }, "\(name)")
        }
        #expect(findings(in: "truncated.log.gz").allSatisfy { $0.isFromDamagedData != true })

        // Traversal and absolute member names: labels only, scanned like any member.
        for name in ["traversal.tar!../../../../tmp/spoor-traversal/auth.log", "traversal.tar!/var/log/absolute-auth.log"] {
            #expect(try entry(name).status == .ok && entry(name).lines == 50, "\(name)")
            #expect(!findings(in: name).isEmpty, "\(name)")
        }

        // The bomb: stopped at the limit, said so, its archive hashed.
        let bomb = try entry("bomb.zip!var/log/bomb.log")
        #expect(bomb.status == .partial)
        #expect(bomb.error?.contains("decompression limit reached") == true)
        #expect(bomb.decompressedBytes < 8 << 20)
        #expect(try entry("bomb.zip").sha256?.count == 64)

        // Nested seven deep: opened to depth 4, the next one named, hashed, not opened.
        let deepest = try entry("deep.tar.gz!level-2.tar.gz!level-3.tar.gz!level-4.tar.gz!level-5.tar.gz")
        #expect(deepest.status == .error)
        #expect(deepest.error?.contains("nested deeper than 4") == true)
        #expect(deepest.sha256?.count == 64)
        #expect(!entries.keys.contains { $0.contains("level-6") })

        // Symbolic links: inside the tar named and skipped, the log beside them scanned; on disk, a loop.
        let linked = try entry("symlink-loop.tar")
        #expect(linked.warnings.contains { $0.contains("symbolic link var/log/loop-a -> loop-b") })
        #expect(try entry("symlink-loop.tar!var/log/auth.log").lines == 50)
        #expect(report.summary.warnings.contains { $0.contains("links/loop-a") && $0.contains("symbolic link loop") })

        // The 50 MB line: cut for matching, counted, and the lines after it still scanned.
        let long = try entry("long-line.log.gz")
        #expect(long.status == .ok)
        #expect(long.truncatedLines == 1)
        #expect(long.decompressedBytes > 50_000_000)
        #expect(findings(in: "long-line.log.gz").contains { $0.evidence.contains { $0.line > 21 } })

        // NUL-filled blocks: an integrity note at the line, and the lines after it scanned.
        #expect(report.coverage.contains { $0.integrity.contains { $0.kind == "nul-filled-lines" && $0.evidence.first?.path == Self.inputs + "/nul-blocks.log" && $0.evidence.first?.line == 21 } })
        #expect(findings(in: "nul-blocks.log").contains { $0.evidence.contains { $0.line > 21 } })

        // User names that are not UTF-8: shown byte for byte as \xNN, never dropped or replaced.
        let source = try #require(report.entities.sources.first { $0.address == "203.0.113.77" })
        #expect(source.usersTried.contains("j\\xf6rg"))
        #expect(source.usersTried.contains("\\xff\\xfe\\xc3("))
        #expect(findings(in: "invalid-utf8-users.log").contains { $0.fields.values.contains("j\\xf6rg") })

        // Each broken input is named in the problems or warnings the summary prints.
        for name in ["truncated.log.gz", "corrupt-deflate.log.gz", "bad-crc.log.gz", "bomb.zip!var/log/bomb.log", "level-5.tar.gz"] {
            #expect(report.summary.problems.contains { $0.contains(name) }, "\(name)")
        }

        // Nothing from the good file is lost.
        let (alone, aloneReport) = try Self.scan([Self.good])
        #expect(alone.status == 1)
        let expected = Self.findingKeys(aloneReport, path: Self.good)
        #expect(!expected.isEmpty)
        #expect(expected.subtracting(Self.findingKeys(report, path: Self.good)).isEmpty)
    }

    @Test("the same log plain and gzipped is scanned once: the copy is listed with its hash and duplicate_of, the findings are the plain file's alone")
    func repeatedContent() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sample = SpoorProcess.packageRoot.appendingPathComponent(Self.good)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("log"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: sample, to: folder.url.appendingPathComponent("log/auth.log"))
        _ = try SpoorProcess.runToolData("/bin/sh", ["-c", "gzip -c \"$0/log/auth.log\" > \"$0/log/auth.log.gz\"", folder.url.path])
        let (result, report) = try Self.scan([folder.url.appendingPathComponent("log").path])
        #expect(result.status == 1, "stderr: \(result.standardError)")
        #expect(report.summary.isComplete)
        let copy = try #require(report.evidence.first { $0.path.hasSuffix("auth.log.gz") })
        #expect(copy.duplicateOf?.hasSuffix("log/auth.log") == true)
        #expect(copy.compression == "gzip" && copy.sha256?.count == 64 && copy.lines == 0)
        #expect(copy.warnings.contains { $0.contains("same content as") })
        #expect(report.findings.allSatisfy { $0.evidence.allSatisfy { !$0.path.hasSuffix(".gz") } })
        let (_, alone) = try Self.scan([Self.good])
        #expect(report.findings.count == alone.findings.count)
    }
}
