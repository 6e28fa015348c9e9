import ExposureReport
import Foundation
import Testing
import ZlibCodec

/// The built `spoor` on `samples/var/log` (the evidence tree; `samples/expected/` holds the golden
/// report, which must not become evidence): what the README's quick start promises.
@Suite("spoor scan samples")
struct SamplesScanTests {
    private func scanSamples(_ extra: [String] = [], into folder: TemporaryFolder, name: String = "r.json", test: String = #function) throws -> (SpoorProcess.Result, ScanReport, Data) {
        let output = folder.url.appendingPathComponent(name)
        let result = try SpoorProcess.run(["scan", "samples/var/log", "--format", "json", "-o", output.path, "--no-progress"] + extra, test: test)
        let data = try Data(contentsOf: output)
        return (result, try JSONDecoder().decode(ScanReport.self, from: data), data)
    }

    @Test("exits 1 with a spoor.report/v1 report whose evidence is every sample file with its sha256sum")
    func reportAndHashes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (result, report, _) = try scanSamples(into: folder)
        #expect(result.status == 1, "stderr: \(result.standardError)")
        #expect(report.schema == "spoor.report/v1")
        #expect(report.summary.isComplete)

        let root = SpoorProcess.packageRoot.appendingPathComponent("samples/var/log")
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
        var files: [String] = []
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files.append("samples/var/log/" + url.path.dropFirst(root.path.count + 1))
        }
        #expect(report.evidence.map(\.path).sorted() == files.sorted())
        for entry in report.evidence {
            let sum = try SpoorProcess.runTool("/usr/bin/sha256sum", [entry.path])
            #expect(entry.sha256 == String(sum.prefix(64)), "\(entry.path)")
        }
    }

    @Test("every finding's path, line and offset point at exactly its raw line")
    func locationsAreExact() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, report, _) = try scanSamples(["--no-redact"], into: folder)
        #expect(!report.findings.isEmpty)
        var streams: [String: [UInt8]] = [:]
        for finding in report.findings {
            for location in finding.evidence {
                if streams[location.path] == nil { streams[location.path] = try Self.decompressed(location.path) }
                let stream = try #require(streams[location.path])
                let line = try #require(location.text.map { Array($0.utf8) } ?? location.bytes.flatMap { Data(base64Encoded: $0) }.map { Array($0) })
                let start = Int(location.offset)
                #expect(start + line.count <= stream.count)
                #expect(Array(stream[start..<(start + line.count)]) == line, "\(location.path):\(location.line)")
                // The line ends there, and it is the line-th line.
                #expect(start + line.count == stream.count || stream[start + line.count] == 0x0a || stream[start + line.count] == 0x0d)
                #expect(stream[0..<start].filter { $0 == 0x0a }.count + 1 == location.line)
            }
        }
    }

    @Test("--temp-dir: a given folder, or none, gives the same report and leaves the folder empty; a folder that is not there is an error")
    func temporaryDirectory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let spillFolder = folder.url.appendingPathComponent("spill")
        try FileManager.default.createDirectory(at: spillFolder, withIntermediateDirectories: true)
        let (_, _, spilled) = try scanSamples(["--temp-dir", spillFolder.path], into: folder, name: "spilled.json")
        let (_, _, held) = try scanSamples(["--temp-dir", "none"], into: folder, name: "held.json")
        #expect(try Self.withoutRun(spilled) == Self.withoutRun(held))
        #expect(try FileManager.default.contentsOfDirectory(atPath: spillFolder.path).isEmpty)
        let missing = try SpoorProcess.run(["scan", "samples/var/log", "--temp-dir", folder.url.appendingPathComponent("nope").path, "--no-progress"])
        #expect(missing.status != 0 && missing.status != 1)
        #expect(missing.standardError.contains("--temp-dir"))
    }

    @Test("the report is byte-identical outside `run` with --jobs 1 and --jobs 8")
    func determinism() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, _, one) = try scanSamples(["--jobs", "1"], into: folder, name: "one.json")
        let (_, _, eight) = try scanSamples(["--jobs", "8"], into: folder, name: "eight.json")
        #expect(try Self.withoutRun(one) == Self.withoutRun(eight))
    }

    @Test("a truncated .gz among the inputs: exit 2, that file partial with earlier hits, the others complete")
    func truncatedGzipAmongSamples() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let evidence = folder.url.appendingPathComponent("evidence")
        try FileManager.default.copyItem(at: SpoorProcess.packageRoot.appendingPathComponent("samples/var/log"), to: evidence)
        // Cut auth.log.2.gz at two thirds: the deflate stream ends mid-block.
        let damaged = evidence.appendingPathComponent("auth.log.2.gz")
        let whole = try Data(contentsOf: damaged)
        try whole.prefix(whole.count * 2 / 3).write(to: damaged)
        let output = folder.url.appendingPathComponent("r.json")
        let result = try SpoorProcess.run(["scan", evidence.path, "--format", "json", "-o", output.path, "--no-progress"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("auth.log.2.gz"))
        let report = try JSONDecoder().decode(ScanReport.self, from: Data(contentsOf: output))
        let entry = try #require(report.evidence.first { $0.path.hasSuffix("auth.log.2.gz") })
        #expect(entry.status == .partial)
        #expect(entry.lines > 0)
        #expect(report.findings.contains { $0.evidence[0].path.hasSuffix("auth.log.2.gz") })
        for other in report.evidence where !other.path.hasSuffix("auth.log.2.gz") {
            #expect(other.status == .ok, "\(other.path)")
        }
    }

    @Test("a missing path and bad rules exit 2 with a message naming them")
    func errorsExitTwo() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let rule = folder.url.appendingPathComponent("bad.yml")
        try Data("title: t\nlogsource: {product: linux}\ndetection:\n    sel:\n        message|re: 'a(b'\n    condition: sel\n".utf8).write(to: rule)
        let badRules = try SpoorProcess.run(["scan", "samples/var/log", "--rules", rule.path, "--no-progress"])
        #expect(badRules.status == 2)
        #expect(badRules.standardError.contains("bad.yml:5"))
        #expect(badRules.standardError.contains("missing closing parenthesis"))
        let missing = try SpoorProcess.run(["scan", folder.url.appendingPathComponent("nope.log").path, "--no-progress", "--format", "json"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nope.log"))
    }

    /// The report without its `run` object (the only part allowed to differ between runs).
    static func withoutRun(_ data: Data) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "run")
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A sample file's decompressed bytes (gzip members concatenated).
    static func decompressed(_ path: String) throws -> [UInt8] {
        let data = try Data(contentsOf: SpoorProcess.packageRoot.appendingPathComponent(path))
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else { return Array(data) }
        return Array(try SpoorProcess.runToolData("/bin/gzip", ["-dc", path]))
    }
}

extension SpoorProcess {
    static func runTool(_ tool: String, _ arguments: [String]) throws -> String {
        String(decoding: try runToolData(tool, arguments), as: UTF8.self)
    }

    static func runToolData(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
