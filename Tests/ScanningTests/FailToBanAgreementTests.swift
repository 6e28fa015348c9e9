import DetectionRules
import ExposureReport
import Foundation
import Scanning
import Testing

/// fail2ban's annotated sshd samples (`../shared/external/fail2ban/logs/sshd`, kept beside the package
/// and never copied into it), read by the rules of §2.1 of the rule-format design note:
///
/// * `# failJSON: {…}` describes the next sample line (blank lines and other comments skipped); a
///   sample line without one counts as `{}`, which must not match.
/// * `# filterOptions: {…}` or `[{…}, …]` applies from there on, each following sample being tested
///   once per option set; `# fileOptions: {…}` is merged into each of them. Only fail2ban's default
///   mode is compared: a sample counts when one of its option sets has no `mode` (or `mode: normal`)
///   and otherwise only harness keys (`test.*`) or `logtype` (which changes how fail2ban reads the
///   line prefix, not which lines are failures: the RFC 5424 block is default mode).
/// * Samples with a `constraint` (a Python expression over the options) are skipped, and listed.
/// * `# addFILE:` is not followed: `sshd-journal` is journal-shaped input, outside this comparison.
enum FailToBanSamples {
    /// The package root: three folders above this file (Tests/ScanningTests/…).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let sshd = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/external/fail2ban/logs/sshd")

    static var available: Bool { FileManager.default.fileExists(atPath: sshd.path) }

    /// One sample line and what fail2ban says about it in default mode.
    struct Sample {
        var line: Int
        var text: String
        var annotation: [String: Any]
        var isMatch: Bool { annotation["match"] as? Bool ?? false }
        var host: String? { annotation["host"] as? String }
    }

    /// The default-mode samples of a fail2ban sample file, and those skipped for a `constraint`.
    static func samples(of url: URL) throws -> (compared: [Sample], constrained: [Sample]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var compared: [Sample] = []
        var constrained: [Sample] = []
        var fileOptions: [String: Any] = [:]
        var optionSets: [[String: Any]] = [[:]]
        var pending: [String: Any]?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if let directive = line.wholeMatch(of: #/#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)/#) {
                let json = try JSONSerialization.jsonObject(with: Data(String(directive.2).utf8), options: [.fragmentsAllowed])
                switch directive.1 {
                case "failJSON":
                    pending = try #require(json as? [String: Any], "failJSON at \(url.lastPathComponent):\(number) is not an object")
                case "fileOptions":
                    fileOptions = try #require(json as? [String: Any], "fileOptions at \(url.lastPathComponent):\(number) is not an object")
                case "filterOptions":
                    let sets = (json as? [[String: Any]]) ?? (json as? [String: Any]).map { [$0] }
                    optionSets = try #require(sets, "filterOptions at \(url.lastPathComponent):\(number) is neither an object nor a list of objects")
                default:
                    break    // addFILE: see the type's comment
                }
                continue
            }
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            let sample = Sample(line: number, text: String(line), annotation: pending ?? [:])
            pending = nil
            guard optionSets.contains(where: { isDefaultMode($0.merging(fileOptions) { own, _ in own }) }) else { continue }
            if sample.annotation["constraint"] != nil {
                constrained.append(sample)
            } else {
                compared.append(sample)
            }
        }
        return (compared, constrained)
    }

    static func isDefaultMode(_ options: [String: Any]) -> Bool {
        options.allSatisfy { key, value in
            key.hasPrefix("test.") || key == "logtype" || (key == "mode" && value as? String == "normal")
        }
    }

    /// True for an IPv4 or IPv6 literal as fail2ban writes `host` (`192.030.0.6` included).
    static func isIPLiteral(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4 && parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) { return true }
        return text.contains(":") && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// The disagreements known today, by sample text, with why. Each one is printed; a new one fails
    /// the test, and so does one that no longer disagrees (remove it here).
    ///
    /// Multi-line samples (fail2ban joins the lines of one sshd pid) agree through the correlations of
    /// `rules/linux/auth/sshd_sessions.yml`, which group one connection's lines by pid.
    static let knownDisagreements: [String: String] = [
        "Nov 11 08:04:52 redbamboo sshd[2737]: Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2":
            "injection policy: OpenSSH writes no `: <info>` after a password failure, so `: from …` belongs to the user name and the last address (10.10.1.2) is the source; fail2ban takes the first",
    ]
}

@Suite("fail2ban agreement of the bundled sshd rules")
struct FailToBanAgreementTests {
    static let ruleName = "sshd_auth_failure"
    /// The rules whose findings are an authentication failure: the one-line rule, and the correlations
    /// that place a failure on a line of a connection whose address or failure is on another line.
    static let failureRules: [String] = [
        ruleName, "sshd_locked_account_disconnect", "sshd_too_many_failures_after_connect", "sshd_too_many_failures_then_closed",
        "sshd_several_users_one_connection", "sshd_login_after_several_users",
    ]

    // Skipped, with this message, when the samples beside the package are absent (a plain clone).
    @Test("sshd_auth_failure and the sshd session correlations agree with fail2ban's sshd annotations in default mode (≥ 99 %)",
          .enabled(if: FailToBanSamples.available, "../shared/external is absent next to the package: fail2ban sshd agreement skipped"))
    func sshdAuthFailure() throws {
        let (samples, constrained) = try FailToBanSamples.samples(of: FailToBanSamples.sshd)

        // The bundled rules, over the sample file as it is (annotations are lines no parser reads),
        // at fail2ban's TEST_NOW (2005-08-14T10:00:00Z) in its zone (CET/CEST).
        let rules = try RuleLoader().load(paths: [FailToBanSamples.packageRoot.appendingPathComponent("rules").path])
        for name in Self.failureRules {
            #expect(rules.rules.contains { $0.name == name } || rules.correlations.contains { $0.name == name }, "\(name) is not a bundled rule")
        }
        var configuration = ScanConfiguration(evidencePaths: [FailToBanSamples.sshd.path], jobs: 2, redactionKey: Array("spoor-fail2ban-agreement".utf8))
        configuration.findingsCapPerRule = 100_000
        configuration.referenceDate = CalendarDate(year: 2005, month: 8, day: 14)
        configuration.timeZoneIdentifier = "CET"
        configuration.scanDate = 1_124_013_600
        let outcome = ScanPipeline(configuration: configuration, rules: rules).run()
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        var fired: [Int: Finding] = [:]
        // A line's decision: a finding of the one-line rule there, else a correlation closing there.
        for finding in outcome.findings.reversed() where Self.failureRules.contains(finding.rule.name ?? "") {
            fired[finding.evidence[0].line] = finding
        }

        var agreed = 0
        var disagreements: [(sample: FailToBanSamples.Sample, got: String)] = []
        for sample in samples {
            let finding = fired[sample.line]
            var agrees = (finding != nil) == sample.isMatch
            if agrees, sample.isMatch, let host = sample.host, FailToBanSamples.isIPLiteral(host), finding?.fields["src_ip"] != host {
                agrees = false
            }
            if agrees {
                agreed += 1
            } else {
                let got = finding.map { "fired, src_ip=\($0.fields["src_ip"] ?? "absent") user=\($0.fields["user"].map { "'\($0)'" } ?? "absent")" } ?? "did not fire"
                disagreements.append((sample, got))
            }
        }

        let total = samples.count
        print("fail2ban sshd agreement (\(Self.ruleName) and the sshd session correlations): \(agreed)/\(total) = \(Self.percent(agreed, total)) (default mode)")
        for (sample, got) in disagreements {
            let reason = FailToBanSamples.knownDisagreements[sample.text] ?? "UNEXPLAINED"
            print("  DISAGREE sshd:\(sample.line) annotation \(Self.json(sample.annotation)); rule \(got)\n           \(sample.text)\n           (\(reason))")
        }
        for sample in constrained {
            print("  skipped sshd:\(sample.line) (constraint \(sample.annotation["constraint"] ?? "")): rule \(fired[sample.line] == nil ? "did not fire" : "fired")")
        }

        #expect(total >= 100, "too few default-mode samples: is the sample file or its reading broken?")
        for (sample, _) in disagreements where FailToBanSamples.knownDisagreements[sample.text] == nil {
            Issue.record("new disagreement with fail2ban at sshd:\(sample.line): \(sample.text)")
        }
        let disagreeing = Set(disagreements.map(\.sample.text))
        for text in FailToBanSamples.knownDisagreements.keys.sorted() where !disagreeing.contains(text) {
            Issue.record("no longer disagrees (remove it from knownDisagreements): \(text)")
        }
        #expect(Double(agreed) >= 0.99 * Double(total), "agreement below 99 %")
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "n/a" : String(format: "%.1f %%", Double(part) * 100 / Double(whole))
    }

    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "\(object)" }
        return String(decoding: data, as: UTF8.self)
    }
}
