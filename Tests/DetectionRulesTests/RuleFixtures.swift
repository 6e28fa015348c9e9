import DetectionRules
import Foundation
import PatternMatching
import RecordParsing

/// Builds rule YAML and runs rules on single lines, the way the scanner does.
enum RuleFixtures {
    /// A complete rule document around `detection` (indented by the caller as YAML under `detection:`).
    static func document(id: String = "00000000-0000-4000-8000-000000000001", logsource: String = "{product: linux, service: auth}", detection: String, extra: String = "") -> String {
        """
        title: Test rule
        id: \(id)
        status: test
        logsource: \(logsource)
        detection:
        \(detection.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        level: medium
        \(extra)
        """
    }

    /// Loads a single-rule YAML text.
    static func rule(_ yaml: String, path: String = "t.yml") throws -> DetectionRule {
        let rules = try RuleLoader().loadDocuments(yaml, path: path)
        guard rules.count == 1, let rule = rules.first else { throw FixtureError.expectedOneRule(rules.count) }
        return rule
    }

    /// Loads a rule whose detection is `detection` (a YAML block without the `detection:` key).
    static func rule(detection: String, logsource: String = "{product: linux, service: auth}") throws -> DetectionRule {
        try rule(document(logsource: logsource, detection: detection))
    }

    /// The load error for `yaml`, or nil when it loads.
    static func loadError(_ yaml: String, path: String = "t.yml") -> RuleLoadError? {
        do {
            _ = try RuleLoader().loadDocuments(yaml, path: path)
            return nil
        } catch {
            return error
        }
    }

    /// What the evaluator says about `rule` on `line`, with its captures as text (first value per name).
    struct Evaluation {
        var outcome: RuleEvaluator.Outcome
        var captures: [String: [UInt8]]
        var captureNames: [String]
        var isMatched: Bool { outcome == .matched }

        func text(_ name: String) -> String? { captures[name].map { String(decoding: $0, as: UTF8.self) } }
    }

    static func evaluate(_ rule: DetectionRule, _ line: [UInt8], evaluator: RuleEvaluator = RuleEvaluator()) -> Evaluation {
        line.withUnsafeBufferPointer { buffer in
            let outcome = evaluator.evaluate(rule, line: buffer, record: LogRecord.read(buffer))
            var captures: [String: [UInt8]] = [:]
            for capture in evaluator.captures where captures[capture.name] == nil {
                captures[capture.name] = capture.bytes(in: buffer)
            }
            return Evaluation(outcome: outcome, captures: captures, captureNames: evaluator.captures.map(\.name))
        }
    }

    static func evaluate(_ rule: DetectionRule, _ line: String, evaluator: RuleEvaluator = RuleEvaluator()) -> Evaluation {
        evaluate(rule, Array(line.utf8), evaluator: evaluator)
    }

    /// True when the rule's log source admits the line's program (what the scanner checks first).
    static func admits(_ rule: DetectionRule, _ line: String) -> Bool {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let record = LogRecord.read(buffer)
            return rule.scope.admits(format: record.format, program: record.header.program.map { UnsafeBufferPointer(rebasing: buffer[$0]) })
        }
    }

    enum FixtureError: Error {
        case expectedOneRule(Int)
    }

    /// True when `line` holds one of the gate's literals (ASCII case folded for caseless ones): the
    /// prefilter must never drop a line the rule matches.
    static func gateAdmits(_ gate: [LiteralPrefilter.Literal], _ line: [UInt8]) -> Bool {
        func fold(_ bytes: [UInt8]) -> [UInt8] { bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 } }
        return gate.contains { literal in
            let haystack = literal.isCaseless ? fold(line) : line
            let needle = literal.isCaseless ? fold(literal.bytes) : literal.bytes
            guard haystack.count >= needle.count else { return false }
            return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
        }
    }

    // Real-shaped lines used across the suites.
    static let failedPassword = "Mar  7 10:00:21 web01 sshd[2101]: Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2"
    static let failedRoot = "Mar  7 10:00:22 web01 sshd[2102]: Failed password for root from 203.0.113.50 port 40023 ssh2"
    static let accepted = "Mar  7 10:00:23 web01 sshd[2103]: Accepted publickey for deploy from 192.0.2.4 port 50022 ssh2: ED25519 SHA256:Zm9vYmFy"
    static let sudoRoot = "Mar  7 10:00:24 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash"
    static let kernel = "Mar  7 10:00:25 web01 kernel: [12345.678901] usb 1-1: new high-speed USB device number 2 using xhci_hcd"
    static let nginx = "192.0.2.7 - - [07/Mar/2025:10:00:21 +0000] \"GET /wp-login.php HTTP/1.1\" 404 153"
}

/// A private folder of rule files, removed by ``remove()``.
struct RuleFolder {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
