import ArchiveCodec
import ExposureReport
import Foundation
import Testing

/// The built `spoor` on archives as investigators receive them: a UAC-style `.tar.gz` of the samples'
/// `/var/log`, a provider's `.zip`, and a hostile tar. An archive must give the same findings as the
/// extracted tree, located `archive!member`, with every member's hash.
@Suite("spoor scan archives")
struct ArchiveScanTests {
    static let sampleFolder = SpoorProcess.packageRoot.appendingPathComponent("samples/var/log")

    /// The sample files' names, byte-wise sorted (the order a folder scan and `tar --sort=name` share).
    static func sampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: sampleFolder.path).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private func scan(_ evidence: String, in folder: TemporaryFolder, name: String, test: String = #function) throws -> (SpoorProcess.Result, ScanReport) {
        let output = folder.url.appendingPathComponent(name)
        let result = try SpoorProcess.run(["scan", evidence, "--format", "json", "-o", output.path, "--no-progress", "--no-redact"], in: folder.url, test: test)
        return (result, try JSONDecoder().decode(ScanReport.self, from: Data(contentsOf: output)))
    }

    /// What must not change when the same lines are read from an archive: rule, each location (the
    /// path after `prefix`), the line's text, and the time decided for it.
    private static func findingKeys(_ report: ScanReport, prefix: String) -> [String] {
        report.findings.map { finding in
            let locations = finding.evidence.map { location in
                let path = location.path.hasPrefix(prefix) ? String(location.path.dropFirst(prefix.count)) : "OUTSIDE:" + location.path
                return "\(path):\(location.line)@\(location.offset) \(location.text ?? location.bytes ?? "")"
            }
            return "\(finding.rule.id) \(finding.time?.utc ?? "-") \(locations.joined(separator: " | "))"
        }
    }

    private func directoryScan(in folder: TemporaryFolder) throws -> ScanReport {
        let (result, report) = try scan(Self.sampleFolder.path, in: folder, name: "folder.json")
        #expect(result.status == 1, "stderr: \(result.standardError)")
        return report
    }

    @Test("a UAC-style uac-web01.tar.gz of samples/var/log: same findings as the tree, archive!member locations, every member's sha256sum and mtime")
    func uacBundle() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // GNU tar, as UAC's collector does: members `[root]/var/log/<file>` with their bytes and mtimes.
        let archive = folder.url.appendingPathComponent("uac-web01.tar.gz")
        _ = try SpoorProcess.runToolData("/usr/bin/tar", ["--sort=name", "--transform", "s,^\\./,[root]/var/log/,", "-czf", archive.path,
                                                           "-C", Self.sampleFolder.path, "."])
        let (result, report) = try scan("uac-web01.tar.gz", in: folder, name: "archive.json")
        #expect(result.status == 1, "stderr: \(result.standardError)")
        #expect(report.summary.isComplete)

        let names = try Self.sampleNames()
        #expect(report.evidence.map(\.path) == ["uac-web01.tar.gz"] + names.map { "uac-web01.tar.gz![root]/var/log/" + $0 })
        let archiveEntry = report.evidence[0]
        #expect(archiveEntry.archiveFormat == "tar")
        #expect(archiveEntry.compression == "gzip")
        #expect(archiveEntry.status == .ok)
        #expect(archiveEntry.sha256 == String(try SpoorProcess.runTool("/usr/bin/sha256sum", [archive.path]).prefix(64)))
        #expect(archiveEntry.bytes == Int64(try Data(contentsOf: archive).count))
        for (entry, name) in zip(report.evidence.dropFirst(), names) {
            let sample = Self.sampleFolder.appendingPathComponent(name)
            #expect(entry.sha256 == String(try SpoorProcess.runTool("/usr/bin/sha256sum", [sample.path]).prefix(64)), "\(name)")
            #expect(entry.bytes == Int64(try Data(contentsOf: sample).count))
            #expect(entry.status == .ok)
            #expect(entry.archiveFormat == nil)
            let modified = try #require(try FileManager.default.attributesOfItem(atPath: sample.path)[.modificationDate] as? Date)
            #expect(entry.memberModificationTime == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: modified.timeIntervalSince1970.rounded(.down))), "\(name)")
            #expect(entry.compression == (name.hasSuffix(".gz") ? "gzip" : "none"))
        }

        let tree = try directoryScan(in: folder)
        #expect(!report.findings.isEmpty)
        #expect(Self.findingKeys(report, prefix: "uac-web01.tar.gz![root]/var/log/") == Self.findingKeys(tree, prefix: Self.sampleFolder.path + "/"))
        // Years came from the same sources as for the folder (gzip MTIME and rotation order).
        #expect(report.evidence.dropFirst().map(\.yearSource) == tree.evidence.map(\.yearSource))
        #expect(report.evidence.dropFirst().map(\.lines) == tree.evidence.map(\.lines))
        #expect(report.findings.contains { $0.evidence[0].path == "uac-web01.tar.gz![root]/var/log/auth.log.2.gz" })
    }

    @Test("a UAC bundle's uac.log bounds the years of its year-less logs and its timedatectl gives the zone; both are said in the report")
    func uacAcquisitionTimeAndZone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let archive = folder.url.appendingPathComponent("uac-db02.tar.gz")
        let writer = try ArchiveWriter(path: archive.path, format: .tar, filter: .gzip)
        // The member's stored mtime says 2031 (a copy that reset it): the acquisition time must win.
        let mtime2031: Int64 = 1_924_992_000
        try writer.addFile(name: "[root]/var/log/auth.log", bytes: Array("""
            Dec 30 23:59:58 db02 sshd[812]: Failed password for root from 198.51.100.9 port 50000 ssh2
            Jan  2 08:15:00 db02 sshd[815]: Accepted password for deploy from 198.51.100.9 port 50001 ssh2

            """.utf8), modificationTime: mtime2031)
        try writer.addFile(name: "live_response/system/timedatectl.txt", bytes: Array("""
                           Local time: Tue 2024-01-02 09:30:00 CET
                       Universal time: Tue 2024-01-02 08:30:00 UTC
                            Time zone: Europe/Berlin (CET, +0100)

            """.utf8), modificationTime: mtime2031)
        try writer.addFile(name: "uac.log", bytes: Array("""
            2024-01-02 09:29:10 +0100 INFO UAC (Unix-like Artifacts Collector) 2.9.0
            2024-01-02 09:31:45 +0100 INFO Acquisition finished

            """.utf8), modificationTime: mtime2031)
        try writer.close()
        let (result, report) = try scan("uac-db02.tar.gz", in: folder, name: "uac.json")
        #expect(result.status == 1, "stderr: \(result.standardError)")
        let auth = try #require(report.evidence.first { $0.path == "uac-db02.tar.gz![root]/var/log/auth.log" })
        #expect(auth.yearSource == "acquisition-time")
        #expect(auth.zoneSource == "evidence:uac-db02.tar.gz!live_response/system/timedatectl.txt")
        // Local Berlin time (UTC+1 in winter), the year rolled over between the two lines, bounded by 2024-01-02.
        #expect(auth.timeRange?.first == "2023-12-30T22:59:58Z")
        #expect(auth.timeRange?.last == "2024-01-02T07:15:00Z")
        let log = try #require(report.evidence.first { $0.path == "uac-db02.tar.gz!uac.log" })
        #expect(log.warnings.contains { $0.hasPrefix("UAC collection uac-db02.tar.gz!: acquired 2024-01-02T08:31:45Z (uac-db02.tar.gz!uac.log)") && $0.contains("zone Europe/Berlin") })
        #expect(!report.summary.warnings.contains { $0.contains("read as UTC") })
    }

    @Test("a zip of the same files gives the same findings")
    func zipOfSamples() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let archive = folder.url.appendingPathComponent("provider-export.zip")
        let writer = try ArchiveWriter(path: archive.path, format: .zip)
        for name in try Self.sampleNames() {
            let sample = Self.sampleFolder.appendingPathComponent(name)
            let modified = try #require(try FileManager.default.attributesOfItem(atPath: sample.path)[.modificationDate] as? Date)
            try writer.addFile(name: "logs/" + name, bytes: Array(try Data(contentsOf: sample)), modificationTime: Int64(modified.timeIntervalSince1970))
        }
        try writer.close()
        let (result, report) = try scan("provider-export.zip", in: folder, name: "zip.json")
        #expect(result.status == 1, "stderr: \(result.standardError)")
        #expect(report.evidence.first?.archiveFormat == "zip")
        let tree = try directoryScan(in: folder)
        #expect(Self.findingKeys(report, prefix: "provider-export.zip!logs/") == Self.findingKeys(tree, prefix: Self.sampleFolder.path + "/"))
        for (entry, name) in zip(report.evidence.dropFirst(), try Self.sampleNames()) {
            #expect(entry.sha256 == String(try SpoorProcess.runTool("/usr/bin/sha256sum", [Self.sampleFolder.appendingPathComponent(name).path]).prefix(64)))
        }
    }

    @Test("an encrypted zip: without --password its members are errors (exit 2); with it they are scanned, and the report never holds the password")
    func encryptedZip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let archive = folder.url.appendingPathComponent("locked.zip")
        let writer = try ArchiveWriter(path: archive.path, format: .zip, password: "correct horse")
        try writer.addFile(name: "auth.log.1", bytes: Array(try Data(contentsOf: Self.sampleFolder.appendingPathComponent("auth.log.1"))))
        try writer.close()

        let (locked, lockedReport) = try scan("locked.zip", in: folder, name: "locked.json")
        #expect(locked.status == 2)
        #expect(lockedReport.evidence.map(\.status) == [.ok, .error])
        #expect(lockedReport.evidence[1].error?.contains("Passphrase required") == true)

        let output = folder.url.appendingPathComponent("open.json")
        let opened = try SpoorProcess.run(["scan", "locked.zip", "--password", "wrong", "--password=correct horse", "--format", "json", "-o", output.path, "--no-progress"], in: folder.url)
        #expect(opened.status == 1, "stderr: \(opened.standardError)")
        let data = try Data(contentsOf: output)
        let report = try JSONDecoder().decode(ScanReport.self, from: data)
        #expect(report.evidence.map(\.status) == [.ok, .ok])
        #expect(!report.findings.isEmpty)
        #expect(!String(decoding: data, as: UTF8.self).contains("correct horse"))
    }

    @Test("a tar with ../ and absolute member names and a symlink: names are labels, the link is named and skipped, nothing written")
    func hostileTar() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("case/evidence"), withIntermediateDirectories: true)
        let archive = folder.url.appendingPathComponent("case/evidence/hostile.tar")
        let lines = Array(try Data(contentsOf: Self.sampleFolder.appendingPathComponent("auth.log.1")))
        let writer = try ArchiveWriter(path: archive.path, format: .tar)
        try writer.addFile(name: "../../x.log", bytes: lines)
        try writer.addFile(name: "/abs/y.log", bytes: lines)
        try writer.addSymbolicLink(name: "var/log/auth.log", target: "/etc/shadow")
        try writer.close()
        let before = try FileManager.default.subpathsOfDirectory(atPath: folder.url.path).sorted()

        let (result, report) = try scan("case/evidence/hostile.tar", in: folder, name: "hostile.json")
        #expect(result.status == 1, "stderr: \(result.standardError)")
        #expect(report.summary.isComplete)
        #expect(report.evidence.map(\.path) == ["case/evidence/hostile.tar", "case/evidence/hostile.tar!../../x.log", "case/evidence/hostile.tar!/abs/y.log"])
        #expect(report.evidence[0].warnings.contains { $0.contains("symbolic link var/log/auth.log -> /etc/shadow") })
        #expect(report.findings.contains { $0.evidence[0].path == "case/evidence/hostile.tar!../../x.log" })
        #expect(report.findings.contains { $0.evidence[0].path == "case/evidence/hostile.tar!/abs/y.log" })
        // Only the report was added; no member landed anywhere.
        #expect(try FileManager.default.subpathsOfDirectory(atPath: folder.url.path).sorted() == (before + ["hostile.json"]).sorted())
        #expect(!FileManager.default.fileExists(atPath: "/abs/y.log"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("x.log").path))
    }
}
