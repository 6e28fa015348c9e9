import DetectionRules
import ExposureReport
import Foundation
import Scanning
import Testing

/// Sigma correlations run over the scan's events (rule-format §3.7): sliding inclusive windows,
/// consumption, group-by, order, chaining, emission, and time order across rotated files.
@Suite("Correlations")
struct CorrelationTests {
    /// Base rules: an sshd password failure and an accepted login, both capturing `src_ip` and `user`.
    static let baseRules = """
    title: failure
    id: 10000000-0000-4000-8000-000000000001
    name: failure
    logsource: {product: linux, service: sshd}
    detection:
        f:
            message|re: '^Failed password for (?:invalid user )?(?<user>\\S{1,64}) from (?<src_ip>[0-9.]{7,15}) port \\d{1,5} ssh2\\z'
        condition: f
    entities: {user: {type: user}, src_ip: {type: ip}}
    level: low
    ---
    title: success
    id: 10000000-0000-4000-8000-000000000002
    name: success
    logsource: {product: linux, service: sshd}
    detection:
        s:
            message|re: '^Accepted password for (?<user>\\S{1,64}) from (?<src_ip>[0-9.]{7,15}) port \\d{1,5} ssh2\\z'
        condition: s
    entities: {user: {type: user}, src_ip: {type: ip}}
    level: informational

    """

    static func failures(_ count: Int, from address: String, startSecond: Int = 0, step: Int = 10, user: (Int) -> String = { _ in "root" }) -> [String] {
        (0..<count).map { index in
            let second = startSecond + index * step
            return String(format: "Mar  7 10:%02d:%02d web01 sshd[%d]: Failed password for %@ from %@ port 4%04d ssh2", second / 60, second % 60, 100 + index, user(index), address, index)
        }
    }

    /// Scans `files` (name → lines) with the base rules plus `correlations`.
    static func scan(_ correlations: String, files: [String: [String]], cap: Int = 1000, loader: RuleLoader = RuleLoader(),
                     configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanOutcome {
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        let rules = fixtures.root.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try (baseRules + "---\n" + correlations).write(to: rules.appendingPathComponent("r.yml"), atomically: true, encoding: .utf8)
        for (name, lines) in files { try fixtures.write("evidence/" + name, Array((lines.joined(separator: "\n") + "\n").utf8)) }
        var configuration = ScanConfiguration(evidencePaths: [fixtures.root.appendingPathComponent("evidence").path], jobs: 2, redactionKey: Array("k".utf8))
        configuration.referenceDate = CalendarDate(year: 2025, month: 12, day: 31)
        configuration.timeZoneIdentifier = "UTC"
        configuration.findingsCapPerRule = cap
        configure(&configuration)
        return ScanPipeline(configuration: configuration, rules: try loader.load(paths: [rules.path])).run()
    }

    static func findings(_ outcome: ScanOutcome, _ name: String) -> [Finding] {
        outcome.findings.filter { $0.rule.name == name }
    }

    static let burst = """
    title: burst
    id: 20000000-0000-4000-8000-000000000001
    name: burst
    correlation:
        type: event_count
        rules: [failure]
        group-by: [src_ip]
        timespan: 1m
        condition: {gte: 5}
    level: medium

    """

    @Test("event_count fires at the event meeting the condition, inside an inclusive sliding window, and consumes")
    func eventCount() throws {
        // 5 failures 10 s apart (40 s span) fire at the 5th; 5 more fire again; 4 never do.
        let lines = Self.failures(10, from: "203.0.113.5") + Self.failures(4, from: "198.51.100.7", startSecond: 200)
        let outcome = try Self.scan(Self.burst, files: ["auth.log": lines])
        let fired = Self.findings(outcome, "burst")
        #expect(fired.map { $0.evidence[0].line } == [5, 10])
        #expect(fired.first?.fields["src_ip"] == "203.0.113.5")
        #expect(fired.first?.fields["event_count"] == "5")
        #expect(fired.first?.evidence.map(\.line) == [5, 1, 2, 3, 4])
        // The base rule feeds the correlation and reports nothing on its own.
        #expect(Self.findings(outcome, "failure").isEmpty)
        #expect(outcome.statistics.first { $0.id == "10000000-0000-4000-8000-000000000001" }?.matches == 14)
    }

    @Test("a window is exact: 5 events 60 s apart end to end fire, 61 s do not")
    func windowEdges() throws {
        // timespan is inclusive (rule-format §3.7): first to last = 60 s is inside a 1m window.
        let inside = try Self.scan(Self.burst, files: ["auth.log": Self.failures(5, from: "203.0.113.5", step: 15)])
        #expect(Self.findings(inside, "burst").count == 1)
        var lines = Self.failures(4, from: "203.0.113.5", step: 15)
        lines += Self.failures(1, from: "203.0.113.5", startSecond: 61)
        let outside = try Self.scan(Self.burst, files: ["auth.log": lines])
        #expect(Self.findings(outside, "burst").isEmpty)
    }

    @Test("value_count counts distinct values; an event without a group-by field is left out")
    func valueCount() throws {
        // Password spraying: one address, many user names.
        let spray = """
        title: spray
        id: 20000000-0000-4000-8000-000000000002
        name: spray
        correlation:
            type: value_count
            rules: [failure]
            group-by: [src_ip]
            timespan: 10m
            condition: {gte: 3, field: user}
        level: high

        """
        let lines = Self.failures(3, from: "203.0.113.9", user: { _ in "root" }) + Self.failures(3, from: "203.0.113.8", startSecond: 100, user: { ["alice", "bob", "carol"][$0] })
        let outcome = try Self.scan(spray, files: ["auth.log": lines])
        #expect(Self.findings(outcome, "spray").map { $0.fields["src_ip"] } == ["203.0.113.8"])
        #expect(Self.findings(outcome, "spray").first?.fields["value_count"] == "3")
    }

    @Test("temporal_ordered chains a correlation: a brute force, then a login from the same address")
    func bruteForceThenSuccess() throws {
        // The spec's own example; the burst is intermediate (no finding of its own), the chain reports.
        let chain = Self.burst.replacingOccurrences(of: "level: medium\n", with: "") + """
        ---
        title: brute force then success
        id: 20000000-0000-4000-8000-000000000003
        name: brute_then_success
        correlation:
            type: temporal_ordered
            rules: [burst, success]
            group-by: [src_ip]
            timespan: 10m
        level: high

        """
        var lines = Self.failures(5, from: "203.0.113.5")
        lines.append("Mar  7 10:02:00 web01 sshd[300]: Accepted password for deploy from 203.0.113.5 port 41000 ssh2")
        lines.append("Mar  7 10:02:05 web01 sshd[301]: Accepted password for alice from 192.0.2.4 port 41001 ssh2")
        let outcome = try Self.scan(chain, files: ["auth.log": lines])
        let fired = Self.findings(outcome, "brute_then_success")
        #expect(fired.map { $0.evidence[0].line } == [6])
        #expect(fired.first?.fields["user"] == "deploy")
        #expect(Self.findings(outcome, "burst").isEmpty)
        // Success is read by a correlation without `emit`: its own findings are off too.
        #expect(Self.findings(outcome, "success").isEmpty)
        // The events' lines spilled to a temporary file: the same findings, evidence lines read back.
        let spillDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-correlation-spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spillDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: spillDirectory) }
        let spilled = try Self.scan(chain, files: ["auth.log": lines]) { $0.eventLineDirectory = spillDirectory.path }
        // (each scan has its own fixture folder: the paths differ, nothing else may)
        let spilledFindings = Self.findings(spilled, "brute_then_success")
        #expect(spilledFindings.map(\.fields) == fired.map(\.fields))
        #expect(spilledFindings.map { $0.evidence.map { [String($0.line), String($0.offset), $0.text ?? "-"] } } == fired.map { $0.evidence.map { [String($0.line), String($0.offset), $0.text ?? "-"] } })
        #expect(fired.first?.evidence.count == 6)
        #expect(spilledFindings.first?.evidence.allSatisfy { $0.text?.contains(" sshd[") == true } == true)
        // A login before the burst is the wrong order.
        let early = try Self.scan(chain, files: ["auth.log": ["Mar  7 09:59:00 web01 sshd[299]: Accepted password for deploy from 203.0.113.5 port 41000 ssh2"] + Self.failures(5, from: "203.0.113.5")])
        #expect(Self.findings(early, "brute_then_success").isEmpty)
    }

    @Test("temporal needs every rule inside the span, in any order; generate keeps the base findings")
    func temporal() throws {
        let both = """
        title: both
        id: 20000000-0000-4000-8000-000000000004
        name: both
        correlation:
            type: temporal
            rules: [success, failure]
            group-by: [src_ip]
            timespan: 30s
            generate: true
        level: medium

        """
        let lines = [
            "Mar  7 10:00:00 web01 sshd[1]: Accepted password for bob from 192.0.2.1 port 1 ssh2",
            "Mar  7 10:00:20 web01 sshd[2]: Failed password for bob from 192.0.2.1 port 2 ssh2",
            "Mar  7 10:05:00 web01 sshd[3]: Accepted password for eve from 192.0.2.2 port 3 ssh2",
            "Mar  7 10:05:40 web01 sshd[4]: Failed password for eve from 192.0.2.2 port 4 ssh2",
        ]
        let outcome = try Self.scan(both, files: ["auth.log": lines])
        #expect(Self.findings(outcome, "both").map { $0.evidence[0].line } == [2])
        #expect(Self.findings(outcome, "failure").count == 2)
        #expect(Self.findings(outcome, "success").count == 2)
    }

    @Test("rotated files are read in time order, not name order, and the base events are not capped")
    func acrossRotation() throws {
        // auth.log.1 (older) holds 3 failures, auth.log (newer) 2: together a burst at auth.log:2, even
        // with one finding kept per rule.
        let older = Self.failures(3, from: "203.0.113.5")
        let newer = Self.failures(2, from: "203.0.113.5", startSecond: 30)
        let outcome = try Self.scan(Self.burst, files: ["auth.log": newer, "auth.log.1": older], cap: 1)
        let fired = Self.findings(outcome, "burst")
        #expect(fired.count == 1)
        #expect(fired.first?.evidence[0].path.hasSuffix("/auth.log") == true)
        #expect(fired.first?.evidence[0].line == 2)
        #expect(fired.first?.evidence.dropFirst().map { $0.path.hasSuffix("auth.log.1") } == [true, true, true, false])
    }

    @Test("load errors: an unknown reference, a cycle, a bad timespan, an unsupported type")
    func loadErrors() {
        // A correlation that silently never fires is worse than one that does not load.
        func error(_ correlation: String) -> String {
            do {
                let rules = try RuleLoader().loadDocumentsAndCorrelations(Self.baseRules + "---\n" + correlation)
                _ = rules
                return ""
            } catch {
                return error.message
            }
        }
        #expect(error(Self.burst.replacingOccurrences(of: "rules: [failure]", with: "rules: [failures]")).contains("'failures' names no loaded rule"))
        #expect(error(Self.burst.replacingOccurrences(of: "timespan: 1m", with: "timespan: 1 minute")).contains("timespan"))
        #expect(error(Self.burst.replacingOccurrences(of: "type: event_count", with: "type: value_avg")).contains("not supported"))
        #expect(error(Self.burst.replacingOccurrences(of: "rules: [failure]", with: "rules: [burst]")).contains("cycle"))
        #expect(error(Self.burst.replacingOccurrences(of: "condition: {gte: 5}", with: "condition: {more: 5}")).contains("unknown operator 'more'"))
    }
}

@Suite("Correlation event limit")
struct CorrelationLimitTests {
    @Test("events beyond the limit are counted, and the scan says its correlations are incomplete")
    func limit() throws {
        // Bounded memory must never mean a silently missing correlation.
        let fixtures = try ScanFixtures()
        defer { fixtures.remove() }
        let rules = fixtures.root.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try (CorrelationTests.baseRules + "---\n" + CorrelationTests.burst).write(to: rules.appendingPathComponent("r.yml"), atomically: true, encoding: .utf8)
        try fixtures.write("evidence/auth.log", Array((CorrelationTests.failures(6, from: "203.0.113.5").joined(separator: "\n") + "\n").utf8))
        var configuration = ScanConfiguration(evidencePaths: [fixtures.root.appendingPathComponent("evidence").path], jobs: 1, redactionKey: Array("k".utf8))
        configuration.referenceDate = CalendarDate(year: 2025, month: 12, day: 31)
        configuration.timeZoneIdentifier = "UTC"
        configuration.maximumCorrelationEvents = 4
        let outcome = ScanPipeline(configuration: configuration, rules: try RuleLoader().load(paths: [rules.path])).run()
        #expect(outcome.problems.contains { $0.contains("correlations incomplete: 2 events") }, "\(outcome.problems)")
        #expect(CorrelationTests.findings(outcome, "burst").isEmpty)
    }
}
