import DetectionRules
import ExposureReport
import Foundation
import RuleTesting
import Scanning
import Testing

/// SigmaHQ's Linux text-log rules, as pinned in `../shared/external/sigma` (never copied into the
/// repository): every one loads unmodified, imports with its attribution, and runs.
@Suite("SigmaHQ conformance")
struct SigmaHQConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/external/sigma")
    static var available: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("rules").path) }

    static func ruleFiles() -> [String] {
        var files: [String] = []
        for folder in ["rules", "rules-emerging-threats"] {
            let base = root.appendingPathComponent(folder).path
            for case let relative as String in FileManager.default.enumerator(atPath: base) ?? NSEnumerator() where relative.hasSuffix(".yml") {
                files.append(base + "/" + relative)
            }
        }
        return files.sorted()
    }

    @Test("every SigmaHQ Linux rule loads unmodified",
          .enabled(if: SigmaHQConformanceTests.available, "../shared/external/sigma is absent next to the package: SigmaHQ conformance skipped"))
    func everyRuleLoads() {
        // Investigators bring the rules they already have: none may be refused or silently dropped.
        var loaded = 0
        var failures: [String] = []
        for file in Self.ruleFiles() {
            do { loaded += try RuleLoader().load(paths: [file]).rules.count } catch { failures.append(error.description) }
        }
        print("SigmaHQ rules: \(Self.ruleFiles().count) files, \(loaded) rules load, \(failures.count) cannot\(failures.isEmpty ? "" : ": " + failures.joined(separator: "; "))")
        #expect(failures.isEmpty)
        #expect(loaded >= 80)
    }

    @Test("imported SigmaHQ rules fire on real-shaped lines, and their findings carry author and licence",
          .enabled(if: SigmaHQConformanceTests.available, "../shared/external/sigma is absent next to the package: SigmaHQ conformance skipped"))
    func importedRulesRun() throws {
        // DRL 1.1: messages based on matches must keep the rule's author.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-sigmahq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = SigmaImporter(commit: "8eaafff1f2845a696050e05e72ba1140ee190698")
            .run(paths: [Self.root.appendingPathComponent("rules").path, Self.root.appendingPathComponent("rules-emerging-threats").path],
                 into: work.appendingPathComponent("rules").path)
        #expect(outcome.unsupported.isEmpty, "\(outcome.unsupported)")
        #expect(outcome.imported.count == Self.ruleFiles().count)
        let rules = try RuleLoader().load(paths: [work.appendingPathComponent("rules").path])
        let evidence = work.appendingPathComponent("evidence")
        try FileManager.default.createDirectory(at: evidence, withIntermediateDirectories: true)
        try """
        Mar  9 10:07:00 db1 sudo:      bob : TTY=pts/2 ; PWD=/home/bob ; USER=#-1 ; COMMAND=/bin/bash
        Mar  9 10:08:00 db1 bash[3120]: HISTORY: PID=3120 UID=0 ln -sf /dev/null /root/.bash_history
        Mar  9 10:09:00 db1 sudo:    alice : TTY=pts/3 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id

        """.write(to: evidence.appendingPathComponent("auth.log"), atomically: true, encoding: .utf8)
        var configuration = ScanConfiguration(evidencePaths: [evidence.path], jobs: 1, redactionKey: Array("sigmahq".utf8))
        configuration.referenceDate = CalendarDate(year: 2025, month: 12, day: 31)
        configuration.timeZoneIdentifier = "UTC"
        let findings = ScanPipeline(configuration: configuration, rules: rules).run().findings
        let sudo = findings.first { $0.rule.id == "7fcc54cb-f27d-4684-84b7-436af096f858" }
        let history = findings.first { $0.rule.id == "fdc88d25-96fb-4b7c-9633-c0e417fdbd4e" }
        #expect(sudo?.evidence.first?.line == 1, "\(findings.map { "\($0.rule.title)@\($0.evidence.first?.line ?? 0)" })")
        #expect(history?.evidence.first?.line == 2)
        #expect(history?.rule.author == "Patrick Bareiss")
        #expect(history?.rule.license == "DRL-1.1")
        #expect(history?.rule.source?.hasSuffix("rules/linux/builtin/lnx_shell_clear_cmd_history.yml") == true)
        #expect(!findings.contains { $0.evidence.first?.line == 3 && $0.rule.level != "informational" && $0.rule.level != "low" })
    }
}
