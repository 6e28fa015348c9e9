import ExposureReport
import Foundation
import ReportExport

/// Test support: keeps every report a test produces, so that `scripts/validate-reports` can check them
/// against `Documentation/report.schema.json` and the SARIF 2.1.0 schema after the suite has run.
///
/// Does nothing unless the environment variable `SPOOR_TEST_REPORT_DIR` names a folder (`scripts/test`
/// sets it to `.build/test-reports`, emptied first). Files are named after the test that made them,
/// `<TestModule>.<File>.<function>-<n>.report.json` or `.sarif`, `n` counting from 1 per test and
/// kind (a report kept with ``keep(_:test:file:)`` and its SARIF share `n`), so the names are the same
/// from run to run. Writing never fails a test: a report that cannot be kept is
/// reported on standard error, and validation then finds fewer files.
public enum ReportArchive {
    /// The kind of a kept output, by its file name ending.
    public enum Kind: String, Sendable {
        case report = "report.json"
        case sarif
    }

    /// The folder named by `SPOOR_TEST_REPORT_DIR`, or nil when reports are not being kept.
    public static var folder: URL? {
        guard let path = ProcessInfo.processInfo.environment["SPOOR_TEST_REPORT_DIR"], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Keeps `report` as its JSON report and as SARIF (both exporters' output, byte for byte).
    public static func keep(_ report: ScanReport, test: String = #function, file: String = #fileID) {
        guard folder != nil else { return }
        do {
            keep(try JSONReportExporter.encode(report), as: .report, test: test, file: file)
            keep(try SARIFExporter().export(report), as: .sarif, test: test, file: file)
        } catch {
            FileHandle.standardError.write(Data("ReportArchive: cannot encode the report of \(test): \(error)\n".utf8))
        }
    }

    /// Keeps output a test already has as bytes (what the `spoor` executable wrote).
    public static func keep(_ data: Data, as kind: Kind, test: String = #function, file: String = #fileID) {
        guard let folder else { return }
        let base = baseName(test: test, file: file)
        let name = "\(base)-\(counter.next(base + "." + kind.rawValue)).\(kind.rawValue)"
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: folder.appendingPathComponent(name), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("ReportArchive: cannot write \(name): \(error)\n".utf8))
        }
    }

    /// `ScanningTests/ScanPipelineTests.swift` and `determinismAcrossJobCounts()` give
    /// `ScanningTests.ScanPipelineTests.determinismAcrossJobCounts`.
    static func baseName(test: String, file: String) -> String {
        let parts = file.split(separator: "/").map(String.init)
        let module = parts.first ?? "Tests"
        let fileName = (parts.last ?? "").replacingOccurrences(of: ".swift", with: "")
        let function = String(test.prefix { $0 != "(" })
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        let clean = { (text: String) in String(text.map { allowed.contains($0) ? $0 : "_" }) }
        return [module, fileName, function].map(clean).joined(separator: ".")
    }

    private static let counter = Counter()

    /// Numbers per base name and kind, shared by the tests that run in parallel.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]

        func next(_ base: String) -> Int {
            lock.lock()
            defer { lock.unlock() }
            counts[base, default: 0] += 1
            return counts[base]!
        }
    }
}
