import DetectionRules
import ExposureReport
import Foundation
import ReportArchive
import Scanning

/// Scans evidence with the bundled rules and builds the full report, as `spoor scan` does.
enum ExposureFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("samples/var/log").path

    /// The bundled rules, loaded once for the whole target.
    static let bundledRules: RuleSet = {
        do { return try RuleLoader().load(paths: [packageRoot.appendingPathComponent("rules").path]) } catch {
            fatalError("the bundled rules do not load: \(error)")
        }
    }()

    /// Every report is kept for schema validation (``ReportArchive``).
    static func report(_ paths: [String], jobs: Int = 2, test: String = #function, file: String = #fileID,
                       configure: (inout ScanConfiguration) -> Void = { _ in }) -> ScanReport {
        let rules = bundledRules
        var configuration = ScanConfiguration(evidencePaths: paths, jobs: jobs, redactionKey: Array("spoor-redaction:\(rules.sha256)".utf8))
        configuration.scanDate = 1_767_225_600
        configure(&configuration)
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        let report = ReportAssembly.report(outcome: outcome, rules: rules, configuration: configuration,
                                           run: RunInfo(argv: ["spoor"], start: "2026-01-01T00:00:00Z", durationSeconds: 0, jobs: jobs))
        ReportArchive.keep(report, test: test, file: file)
        return report
    }

    /// The samples' report, made once.
    static let samplesReport: ScanReport = report([samples])

    /// A temporary folder for generated evidence.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-exposure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The lines of an evidence file, decompressed when gzip.
    static func lines(of path: String) throws -> [String] {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if path.hasSuffix(".gz") {
            // gzip(1) decodes every member, as the scan does.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-dc", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
