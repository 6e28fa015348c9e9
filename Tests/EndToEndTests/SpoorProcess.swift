import Foundation
import ReportArchive

/// Runs the built `spoor` executable, as an investigator would.
struct SpoorProcess {
    struct Result {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// The package root (three folders above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `spoor` beside the test bundle in the build products folder.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("spoor")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/spoor")
    }

    /// Runs `spoor` with the repository's rules as the bundled ones and no redaction key from the
    /// caller's environment; `environment` adds (or overrides) variables. A JSON report or SARIF file
    /// that a `scan` writes is kept for `scripts/validate-reports` (``ReportArchive``, named after `test`).
    static func run(_ arguments: [String], in directory: URL = packageRoot, environment extra: [String: String] = [:],
                    test: String = #function, file: String = #fileID) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["SPOOR_BUNDLED_RULES"] = packageRoot.appendingPathComponent("rules").path
        environment.removeValue(forKey: "SPOOR_REDACTION_KEY")
        environment.merge(extra) { _, given in given }
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Standard output is read to its end first; standard error holds a few problem lines at most.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        keepReport(arguments, directory: directory, standardOutput: outputData, test: test, file: file)
        return Result(status: process.terminationStatus, standardOutput: outputData, standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// Hands the JSON report or SARIF a `spoor scan` wrote (to `-o` or standard output) to
    /// ``ReportArchive``, when it keeps reports.
    private static func keepReport(_ arguments: [String], directory: URL, standardOutput: Data, test: String, file: String) {
        // A partial report (`--partial`) is not a report; a merged one is.
        guard ReportArchive.folder != nil, arguments.first == "scan" || arguments.first == "merge", !arguments.contains("--partial") else { return }
        func value(after names: Set<String>) -> String? {
            guard let index = arguments.firstIndex(where: names.contains), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        let outputPath = value(after: ["-o", "--output"])
        let kind: ReportArchive.Kind
        switch value(after: ["--format"]) ?? (outputPath == nil ? "text" : "json") {
        case "json": kind = .report
        case "sarif": kind = .sarif
        default: return
        }
        let written = outputPath.flatMap { path in
            FileManager.default.contents(atPath: URL(fileURLWithPath: path, relativeTo: directory).path)
        } ?? (outputPath == nil ? standardOutput : nil)
        guard let written, !written.isEmpty else { return }
        ReportArchive.keep(written, as: kind, test: test, file: file)
    }
}

/// A private temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
