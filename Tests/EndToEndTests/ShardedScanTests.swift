import ArchiveCodec
import ExposureReport
import Foundation
import Testing
import ZlibCodec

/// Sharded scans (`spoor scan --partial`, `spoor merge`): the merge of N shards equals the single scan
/// outside `run`, and a missing shard, a shard given twice or partials of another rule set make the
/// merged report incomplete with exit 2.
///
/// The corpus is made here from `samples/var/log`: web01's logs as they are, web02's with the host
/// name rewritten (its gzip members recompressed with their MTIME kept) and an `etc/timezone`, and
/// web03's logs as one `tar.gz` archive (one unit). The samples' attacker thus attacks three hosts,
/// and the zone is found in web02's folder, which a shard scanning web01 only must use too.
@Suite(.serialized)
struct ShardedScanTests {
    static let scanOptions = ["--jobs", "2", "--no-progress", "--findings-cap", "50"]
    static let environment = ["SPOOR_REDACTION_KEY": "spoor-shard-tests"]

    /// Writes the three-host corpus under `folder/corpus` and returns its path.
    static func makeCorpus(in folder: URL) throws -> String {
        let samples = SpoorProcess.packageRoot.appendingPathComponent("samples/var/log")
        let corpus = folder.appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted()
        let archive = try ArchiveWriter(path: corpus.path + "-web03.tar.gz", format: .tar, filter: .gzip)
        for host in ["web01", "web02", "web03"] {
            let logs = corpus.appendingPathComponent("\(host)/var/log")
            if host != "web03" { try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true) }
            for name in names {
                let stored = try [UInt8](Data(contentsOf: samples.appendingPathComponent(name)))
                let bytes = host == "web01" ? stored : try renamed(stored, host: host)
                if host == "web03" {
                    try archive.addFile(name: "var/log/\(name)", bytes: bytes, modificationTime: 1_741_363_080)
                } else {
                    try Data(bytes).write(to: logs.appendingPathComponent(name))
                }
            }
        }
        try archive.close()
        try FileManager.default.moveItem(atPath: corpus.path + "-web03.tar.gz", toPath: corpus.appendingPathComponent("web03.tar.gz").path)
        let etc = corpus.appendingPathComponent("web02/etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        try Data("Europe/London\n".utf8).write(to: etc.appendingPathComponent("timezone"))
        return corpus.path
    }

    /// The log with `web01` replaced by `host` (a gzip file decoded and encoded again, MTIME kept).
    static func renamed(_ stored: [UInt8], host: String) throws -> [UInt8] {
        let isGzip = stored.count > 8 && stored[0] == 0x1f && stored[1] == 0x8b
        let text = isGzip ? try gunzip(stored) : stored
        let replaced = Array(String(decoding: text, as: UTF8.self).replacingOccurrences(of: "web01", with: host).utf8)
        guard isGzip else { return replaced }
        let mtime = UInt32(stored[4]) | UInt32(stored[5]) << 8 | UInt32(stored[6]) << 16 | UInt32(stored[7]) << 24
        return try GzipEncoder().member(of: replaced, modificationTime: mtime)
    }

    static func gunzip(_ stored: [UInt8]) throws -> [UInt8] {
        try GzipDecoder.decodeAll(stored).bytes
    }

    /// The report's bytes with the top-level `run` object's lines cut out (the exporter writes keys
    /// sorted, two spaces a level): what must be equal byte for byte.
    static func withoutRun(_ data: Data) throws -> String {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "  \"run\" : {"), "the report has no run object")
        let end = try #require(lines[start...].firstIndex { $0 == "  }," || $0 == "  }" })
        return (lines[..<start] + lines[(end + 1)...]).joined(separator: "\n")
    }

    static func report(_ data: Data) throws -> ScanReport {
        try JSONDecoder().decode(ScanReport.self, from: data)
    }

    /// Scans shard K/N of `evidence` into `folder/pK-N.json`; returns the path.
    static func partial(_ evidence: String, _ index: Int, _ count: Int, in folder: URL, extra: [String] = []) throws -> String {
        let path = folder.appendingPathComponent("p\(index)-\(count).json").path
        let result = try SpoorProcess.run(["scan", evidence, "--shard", "\(index)/\(count)", "--partial", "-o", path] + scanOptions + extra,
                                          environment: environment)
        #expect(result.status == 0, "shard \(index)/\(count): \(result.standardError)")
        #expect(result.standardError.contains("scanning shard \(index)/\(count) (from --shard)"))
        return path
    }

    @Test("the merge of 1, 2, 3 and 4 shards equals the single scan outside run, and finds one address attacking three hosts")
    func mergeEqualsSingleScan() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let corpus = try Self.makeCorpus(in: folder.url)
        let single = folder.url.appendingPathComponent("single.json").path
        let scan = try SpoorProcess.run(["scan", corpus, "-o", single] + Self.scanOptions, environment: Self.environment)
        #expect(scan.status == 1, "\(scan.standardError)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: single))
        let expectedReport = try Self.report(expected)
        #expect(expectedReport.summary.isComplete)
        #expect(expectedReport.evidence.contains { $0.path.hasSuffix("web03.tar.gz!var/log/auth.log.2.gz") })
        #expect(expectedReport.evidence.allSatisfy { $0.zoneSource == nil || $0.zoneSource == "evidence:\(corpus)/web02/etc/timezone" })
        let attackers = expectedReport.entities.sources.filter { $0.isAttacker && $0.hostsTouched.count >= 3 }
        #expect(!attackers.isEmpty, "the samples' attacker should touch web01, web02 and web03")

        for count in 1...4 {
            let partials = try (1...count).map { try Self.partial(corpus, $0, count, in: folder.url) }
            let merged = folder.url.appendingPathComponent("merged-\(count).json").path
            let merge = try SpoorProcess.run(["merge"] + partials.reversed() + ["-o", merged], environment: Self.environment)
            #expect(merge.status == scan.status, "merge of \(count): \(merge.standardError)")
            let mergedData = try Data(contentsOf: URL(fileURLWithPath: merged))
            #expect(try Self.withoutRun(mergedData) == Self.withoutRun(expected), "the merge of \(count) shards differs from the single scan")
            let mergedReport = try Self.report(mergedData)
            #expect(mergedReport.run.shards?.count == count)
            // Every unit is in exactly one shard: the evidence entries of the partials add up.
            let entries = try partials.map { try Self.partialEvidenceCount($0) }.reduce(0, +)
            #expect(entries == expectedReport.evidence.count)
        }
    }

    /// The merge moves the shards' correlation events into one array, file by file; with a limit on the
    /// events kept, it keeps the first ones in the single scan's order and counts the rest, as the single
    /// scan does.
    @Test("with --max-correlation-events below the corpus's events, the merge of 3 shards still equals the single scan")
    func mergeWithEventLimit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let corpus = try Self.makeCorpus(in: folder.url)
        let limit = ["--max-correlation-events", "37"]
        let single = folder.url.appendingPathComponent("single.json").path
        let scan = try SpoorProcess.run(["scan", corpus, "-o", single] + Self.scanOptions + limit, environment: Self.environment)
        let expected = try Data(contentsOf: URL(fileURLWithPath: single))
        let expectedReport = try Self.report(expected)
        #expect(expectedReport.summary.problems.contains { $0.hasPrefix("correlations incomplete:") && $0.contains("--max-correlation-events 37") },
                "\(expectedReport.summary.problems)")
        let partials = try (1...3).map { try Self.partial(corpus, $0, 3, in: folder.url, extra: limit) }
        let merged = folder.url.appendingPathComponent("merged.json").path
        let merge = try SpoorProcess.run(["merge"] + partials + ["-o", merged], environment: Self.environment)
        #expect(merge.status == scan.status, "\(merge.standardError)")
        #expect(try Self.withoutRun(Data(contentsOf: URL(fileURLWithPath: merged))) == Self.withoutRun(expected))
    }

    static func partialEvidenceCount(_ path: String) throws -> Int {
        let object = try partialHeader(path)
        #expect(object["schema"] as? String == "spoor.partial/v2")
        return try #require(object["evidence"] as? [Any]).count
    }

    /// A partial's header: its second line, JSON (the first names the schema, binary sections follow).
    static func partialHeader(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = data.split(separator: 0x0a, maxSplits: 2, omittingEmptySubsequences: false)
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix("spoor.partial/v2 "))
        return try #require(try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any])
    }

    @Test("a missing shard, a shard given twice and partials of another rule set: the merge says which, marks the report incomplete, exits 2")
    func incompleteMerges() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let corpus = try Self.makeCorpus(in: folder.url)
        let partials = try (1...3).map { try Self.partial(corpus, $0, 3, in: folder.url) }
        let output = folder.url.appendingPathComponent("merged.json").path

        let missing = try SpoorProcess.run(["merge", partials[0], partials[2], "-o", output], environment: Self.environment)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("shard 2/3 missing"), "\(missing.standardError)")
        var report = try Self.report(Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(!report.summary.isComplete)
        #expect(report.summary.problems.contains { $0.contains("shard 2/3 missing") })
        #expect(report.summary.problems.contains { $0.contains("not covered by the partials merged") })

        let twice = try SpoorProcess.run(["merge"] + partials + [partials[1], "-o", output], environment: Self.environment)
        #expect(twice.status == 2)
        #expect(twice.standardError.contains("shard 2/3 given twice"), "\(twice.standardError)")
        report = try Self.report(Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(!report.summary.isComplete)

        // A cut partial and a damaged one: exit 2, the file and the section named, no report.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: partials[1]))
        let cut = folder.url.appendingPathComponent("cut.partial").path
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        var damaged = bytes
        damaged[bytes.count - 10] ^= 0x20
        let flipped = folder.url.appendingPathComponent("flipped.partial").path
        try damaged.write(to: URL(fileURLWithPath: flipped))
        for bad in [cut, flipped] {
            let unreadable = folder.url.appendingPathComponent("unreadable.json").path
            let result = try SpoorProcess.run(["merge", partials[0], bad, partials[2], "-o", unreadable], environment: Self.environment)
            #expect(result.status == 2)
            #expect(result.standardError.contains("spoor: \(bad): not a readable spoor.partial/v2 partial report: section "), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: unreadable))
        }

        // A shard made with one more rule: another rule set hash.
        let extraRules = folder.url.appendingPathComponent("extra.yml")
        try Data("""
            title: Shard test marker
            id: 5c1f7e0a-2b64-4d3e-9a57-0c1d2e3f4a5b
            status: test
            logsource: {product: linux, service: auth}
            detection:
              keyword: {raw|contains: 'shard-test-marker-never-present'}
              condition: keyword
            level: low
            """.utf8).write(to: extraRules)
        let other = folder.url.appendingPathComponent("other").path
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let otherPartial = URL(fileURLWithPath: other).appendingPathComponent("p2-3.json").path
        let made = try SpoorProcess.run(["scan", corpus, "--shard", "2/3", "--partial", "-o", otherPartial, "--rules", extraRules.path] + Self.scanOptions,
                                        environment: Self.environment)
        if made.status != 0 {
            Issue.record("the extra rule did not load: \(made.standardError)")
            return
        }
        let mixed = try SpoorProcess.run(["merge", partials[0], otherPartial, partials[2], "-o", output], environment: Self.environment)
        #expect(mixed.status == 2)
        #expect(mixed.standardError.contains("\(otherPartial) (shard 2/3): made with rule set sha256"), "\(mixed.standardError)")
        #expect(mixed.standardError.contains("shard 2/3 missing"))
        report = try Self.report(Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(!report.summary.isComplete)
    }

    @Test("the shard comes from an array job's environment (Slurm, Kubernetes, AWS Batch, GCP Batch) and is named on stderr and in run")
    func shardFromEnvironment() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let corpus = try Self.makeCorpus(in: folder.url)
        let list = folder.url.appendingPathComponent("files.txt")
        try Data("\(corpus)/web01\n\(corpus)/web02\n\n\(corpus)/web03.tar.gz\n".utf8).write(to: list)
        let cases: [([String: String], [String], String)] = [
            (["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_COUNT": "2"], [], "2/2 from SLURM_ARRAY_TASK_ID=3"),
            (["JOB_COMPLETION_INDEX": "0"], ["--shard-count", "2"], "1/2 from JOB_COMPLETION_INDEX=0, --shard-count 2"),
            (["AWS_BATCH_JOB_ARRAY_INDEX": "1", "SPOOR_SHARD_COUNT": "2"], [], "2/2 from AWS_BATCH_JOB_ARRAY_INDEX=1, SPOOR_SHARD_COUNT=2"),
            (["BATCH_TASK_INDEX": "0", "BATCH_TASK_COUNT": "2"], [], "1/2 from BATCH_TASK_INDEX=0, BATCH_TASK_COUNT=2"),
        ]
        var written: [Int: String] = [:]
        for (number, (variables, flags, expected)) in cases.enumerated() {
            let path = folder.url.appendingPathComponent("env-\(number).json").path
            var environment = Self.environment
            environment.merge(variables) { _, given in given }
            let result = try SpoorProcess.run(["scan", "--files-from", list.path, "--partial", "-o", path] + flags + Self.scanOptions, environment: environment)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("scanning shard \(expected.prefix(3))"), "\(result.standardError)")
            let object = try Self.partialHeader(path)
            let run = try #require(object["run"] as? [String: Any])
            let shards = try #require(run["shards"] as? [String])
            #expect(shards.first?.hasPrefix(expected) == true, "\(shards)")
            if number < 2 { written[Int(String(expected.prefix(1)))!] = path }
        }
        // Slurm's task 2/2 and Kubernetes' 1/2 form a whole scan of the listed evidence.
        let single = folder.url.appendingPathComponent("single.json").path
        let scan = try SpoorProcess.run(["scan", "--files-from", list.path, "-o", single] + Self.scanOptions, environment: Self.environment)
        let merged = folder.url.appendingPathComponent("merged.json").path
        let merge = try SpoorProcess.run(["merge", written[1]!, written[2]!, "-o", merged], environment: Self.environment)
        #expect(merge.status == scan.status, "\(merge.standardError)")
        #expect(try Self.withoutRun(Data(contentsOf: URL(fileURLWithPath: merged))) == Self.withoutRun(Data(contentsOf: URL(fileURLWithPath: single))))

        let bad = try SpoorProcess.run(["scan", corpus, "--partial", "-o", folder.url.appendingPathComponent("bad.json").path],
                                       environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("give --shard-count N or SPOOR_SHARD_COUNT"), "\(bad.standardError)")
    }
}
