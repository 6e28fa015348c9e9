import Foundation
import Testing

/// Golden regression: the built `spoor` scans `samples/var/log` with the repository's rules, and the
/// JSON report, the text summary and the Markdown summary must equal `samples/expected/report.json`,
/// `report.txt` and `report.md`.
///
/// The scan is pinned: a fixed redaction key (`SPOOR_REDACTION_KEY`), `--jobs 2`, relative evidence
/// paths. The samples' years come from their rotation set (gzip MTIMEs), never from file times or
/// the clock, so no `--reference-date` is given: the golden report is the quick start's report.
/// What still differs between runs and machines is replaced by `<volatile>` before comparing
/// (``GoldenReport/volatilePaths``); everything else must match byte for byte.
///
/// `SPOOR_RECORD_GOLDEN=1 swift test --filter GoldenReportTests` writes the files instead of
/// comparing (do it when a change to the rules or the scanner changes what the samples raise, and
/// review the diff before committing).
enum GoldenReport {
    static let expected = SpoorProcess.packageRoot.appendingPathComponent("samples/expected", isDirectory: true)
    static let placeholder = "<volatile>"
    static let recordCommand = "SPOOR_RECORD_GOLDEN=1 swift test --filter GoldenReportTests"
    static var isRecording: Bool { ProcessInfo.processInfo.environment["SPOOR_RECORD_GOLDEN"] == "1" }

    /// Values that change between runs or machines, by their path in the JSON report:
    /// the tool's version (a release is not a change of the scan), the rule set's hash (it covers
    /// each rule file's absolute path), and the `run` object (argv with the output path, start
    /// time, duration). `run.jobs` stays: it is pinned.
    static let volatilePaths: [[String]] = [
        ["tool", "version"],
        ["rules", "sha256"],
        ["run", "argv"],
        ["run", "start"],
        ["run", "duration_seconds"],
    ]

    /// The scan the golden files record, as `spoor` arguments (the output options are added).
    static let scanArguments = ["scan", "samples/var/log", "--jobs", "2", "--findings-cap", "20", "--no-progress"]
    static let environment = ["SPOOR_REDACTION_KEY": "spoor-golden-samples"]

    /// The JSON report with its volatile values replaced, pretty-printed with sorted keys.
    static func normalizedJSON(_ data: Data) throws -> String {
        var report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "the report is not a JSON object")
        for path in volatilePaths {
            report = try replacing(path, in: report)
        }
        let normalized = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: normalized, as: UTF8.self) + "\n"
    }

    private static func replacing(_ path: [String], in object: [String: Any]) throws -> [String: Any] {
        var object = object
        let key = path[0]
        let value = try #require(object[key], "the report has no \(path.joined(separator: ".")): update GoldenReport.volatilePaths")
        if path.count == 1 {
            object[key] = placeholder
        } else {
            let inner = try #require(value as? [String: Any], "\(key) is not an object in the report")
            object[key] = try replacing(Array(path.dropFirst()), in: inner)
        }
        return object
    }

    /// The text summary with its volatile values (the version on the first line) replaced.
    static func normalizedText(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        return text.replacing(#/\Aspoor \S+ — /#, with: "spoor \(placeholder) — ")
    }

    /// A short unified-style diff: the first hunk where `expected` and `actual` part, with three lines
    /// of context and at most `limit` changed lines per side.
    static func firstHunk(expected: String, actual: String, name: String, limit: Int = 12) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var start = 0
        while start < old.count, start < new.count, old[start] == new[start] { start += 1 }
        var oldEnd = old.count
        var newEnd = new.count
        while oldEnd > start, newEnd > start, old[oldEnd - 1] == new[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        let context = max(0, start - 3)
        let trailing = min(3, new.count - newEnd)
        var lines = ["--- samples/expected/\(name)", "+++ this scan",
                     "@@ -\(context + 1),\(oldEnd - context + trailing) +\(context + 1),\(newEnd - context + trailing) @@"]
        lines += old[context..<start].map { " " + $0 }
        lines += old[start..<min(oldEnd, start + limit)].map { "-" + $0 }
        if oldEnd - start > limit { lines.append("-… \(oldEnd - start - limit) more removed lines") }
        lines += new[start..<min(newEnd, start + limit)].map { "+" + $0 }
        if newEnd - start > limit { lines.append("+… \(newEnd - start - limit) more added lines") }
        lines += new[newEnd..<(newEnd + trailing)].map { " " + $0 }
        return lines.joined(separator: "\n")
    }
}

@Suite("golden report of samples/var/log", .serialized)
struct GoldenReportTests {
    @Test("the JSON report equals samples/expected/report.json (volatile values as placeholders)")
    func jsonReport() throws {
        let actual = try GoldenReport.normalizedJSON(scan(format: "json"))
        try compare(actual, with: "report.json")
    }

    @Test("the text summary equals samples/expected/report.txt")
    func textSummary() throws {
        let actual = GoldenReport.normalizedText(try scan(format: "text"))
        try compare(actual, with: "report.txt")
    }

    @Test("the Markdown incident summary (what the quick start prints) equals samples/expected/report.md")
    func markdownSummary() throws {
        let actual = String(decoding: try scan(format: "markdown"), as: UTF8.self)
        try compare(actual, with: "report.md")
    }

    private func scan(format: String, test: String = #function) throws -> Data {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let output = folder.url.appendingPathComponent("report.\(format)")
        let result = try SpoorProcess.run(GoldenReport.scanArguments + ["--format", format, "-o", output.path],
                                          environment: GoldenReport.environment, test: test)
        #expect(result.status == 1, "spoor exits 1 on the samples (findings); stderr: \(result.standardError)")
        return try Data(contentsOf: output)
    }

    private func compare(_ actual: String, with name: String) throws {
        let url = GoldenReport.expected.appendingPathComponent(name)
        if GoldenReport.isRecording {
            try FileManager.default.createDirectory(at: GoldenReport.expected, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            print("SPOOR_RECORD_GOLDEN=1: recorded samples/expected/\(name) (\(actual.utf8.count) bytes) instead of comparing; review `git diff samples/expected` before committing")
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("samples/expected/\(name) is missing; record it with: \(GoldenReport.recordCommand)")
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            Issue.record("""
                the scan of samples/var/log differs from samples/expected/\(name):
                \(GoldenReport.firstHunk(expected: expected, actual: actual, name: name))
                If the change is intended, re-record with: \(GoldenReport.recordCommand)
                """)
        }
    }
}
