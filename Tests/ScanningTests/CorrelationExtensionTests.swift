import DetectionRules
import ExposureReport
import Foundation
import Scanning
import Testing

/// `value_sum`, `first_seen`, `output.suppress` and the group-by boundary (rule-format §3.7), on
/// sshd and sudo lines as they are written.
@Suite("Correlation extensions")
struct CorrelationExtensionTests {
    /// An sshd failure at `time` (`HH:MM:SS` on Mar 7) from `address`; `host: nil` writes the
    /// RFC 3164 form without a host.
    static func failure(_ time: String, from address: String, host: String? = "web01", pid: Int = 2101) -> String {
        "Mar  7 \(time) \(host.map { $0 + " " } ?? "")sshd[\(pid)]: Failed password for root from \(address) port 40001 ssh2"
    }

    @Test("an event lacking a group-by field is left out, never grouped under null")
    func missingGroupField() throws {
        // Group by host: five failures on lines without a host must not make a burst of their own.
        let byHost = CorrelationTests.burst.replacingOccurrences(of: "group-by: [src_ip]", with: "group-by: [host]")
        let hostless = (0..<5).map { Self.failure("10:00:0\($0)", from: "203.0.113.\(10 + $0)", host: nil) }
        let outcome = try CorrelationTests.scan(byHost, files: ["auth.log": hostless])
        #expect(CorrelationTests.findings(outcome, "burst").isEmpty)
        // The lines did match the base rule: they were left out of the groups, not unseen.
        #expect(outcome.statistics.first { $0.id == "10000000-0000-4000-8000-000000000001" }?.matches == 5)
        // Four with a host plus one without: still four in the host's group.
        var mixed = (0..<4).map { Self.failure("10:00:0\($0)", from: "203.0.113.\(10 + $0)") }
        mixed.insert(Self.failure("10:00:05", from: "203.0.113.20", host: nil), at: 2)
        #expect(CorrelationTests.findings(try CorrelationTests.scan(byHost, files: ["auth.log": mixed]), "burst").isEmpty)
        // The fifth with a host fires, and the host-less line is not among its evidence.
        mixed.append(Self.failure("10:00:09", from: "203.0.113.21"))
        let fired = CorrelationTests.findings(try CorrelationTests.scan(byHost, files: ["auth.log": mixed]), "burst")
        #expect(fired.map { $0.evidence[0].line } == [6])
        #expect(fired.first?.fields["host"] == "web01")
        #expect(fired.first?.evidence.map(\.line).sorted() == [1, 2, 4, 5, 6])
    }

    /// sudo's failed-password line (`N incorrect password attempts`) and its non-interactive refusal
    /// (`a password is required`, which has no count).
    static let sudoFailure = """
    title: sudo failure
    id: 10000000-0000-4000-8000-000000000010
    name: sudo_failure
    logsource: {product: linux, service: sudo}
    detection:
        f:
            message|re: '^\\s*(?<user>[^\\s:]{1,64}) : (?:(?<attempts>\\d{1,4}) incorrect password attempts?|a password is required) ; '
        condition: f
    entities: {user: {type: user}}
    level: low
    ---
    title: sudo guessing
    id: 20000000-0000-4000-8000-000000000010
    name: sudo_guessing
    correlation:
        type: value_sum
        rules: [sudo_failure]
        group-by: [user]
        timespan: 10m
        condition: {gte: 5, field: attempts}
    level: medium

    """

    static func sudoLine(_ time: String, _ user: String, attempts: Int?) -> String {
        let what = attempts.map { "\($0) incorrect password attempt\($0 == 1 ? "" : "s")" } ?? "a password is required"
        return "Mar  7 \(time) db1 sudo: \(user) : \(what) ; TTY=pts/2 ; PWD=/home/\(user) ; USER=root ; COMMAND=/bin/ls /root"
    }

    @Test("value_sum: threshold − 1 does not fire, the threshold does; a missing value is left out; the window slides")
    func valueSum() throws {
        let lines = [
            // bob: 3 + 1 = 4, and two refusals without a count: below 5.
            Self.sudoLine("10:00:00", "bob", attempts: 3),
            Self.sudoLine("10:00:10", "bob", attempts: nil),
            Self.sudoLine("10:00:20", "bob", attempts: 1),
            Self.sudoLine("10:00:30", "bob", attempts: nil),
            // carol: 3 + 2 = 5 fires at line 7; the refusal between is not evidence.
            Self.sudoLine("10:01:00", "carol", attempts: 3),
            Self.sudoLine("10:01:10", "carol", attempts: nil),
            Self.sudoLine("10:01:20", "carol", attempts: 2),
            // dave: 3, then 2 at 10 m 1 s: the first has left the window.
            Self.sudoLine("10:02:00", "dave", attempts: 3),
            Self.sudoLine("10:12:01", "dave", attempts: 2),
        ]
        let outcome = try CorrelationTests.scan(Self.sudoFailure, files: ["auth.log": lines])
        let fired = CorrelationTests.findings(outcome, "sudo_guessing")
        #expect(fired.map { $0.evidence[0].line } == [7])
        #expect(fired.first?.fields["user"] == "carol")
        #expect(fired.first?.fields["value_sum"] == "5")
        #expect(fired.first?.evidence.map(\.line) == [7, 5])
        // The events are consumed: one more attempt for carol does not fire again.
        let again = try CorrelationTests.scan(Self.sudoFailure, files: ["auth.log": lines + [Self.sudoLine("10:01:30", "carol", attempts: 1)]])
        #expect(CorrelationTests.findings(again, "sudo_guessing").count == 1)
        // A range: {gte: 4, lte: 4} fires for bob only (carol's window passes 4 at once: 3, then 5).
        let range = Self.sudoFailure.replacingOccurrences(of: "condition: {gte: 5, field: attempts}", with: "condition: {gte: 4, lte: 4, field: attempts}")
        #expect(CorrelationTests.findings(try CorrelationTests.scan(range, files: ["auth.log": lines]), "sudo_guessing").map { $0.fields["user"] } == ["bob"])
    }

    /// The design note's example (rule-format §3.11): sudo to root, a baseline of users per host.
    static func sudoToRoot(_ learning: String = "learning: 7d", exclude: String = "exclude:\n        user|expand: '%SudoAdmins%'") -> String {
        """
        title: sudo to root
        id: 10000000-0000-4000-8000-000000000020
        name: sudo_to_root
        logsource: {product: linux, service: sudo}
        detection:
            selection:
                message|re: '^\\s*(?<user>[^\\s:]{1,64}) : (?:TTY=(?<tty>\\S+) ; )?(?:PWD=(?<cwd>[^;]*?) ; )?USER=(?<target_user>root|#0) ; (?:[A-Z_]+=[^;]*? ; )*COMMAND=(?<command>.+)$'
            condition: selection
        entities: {user: {type: user}, target_user: {type: user}, command: {type: command}}
        level: informational
        ---
        title: sudo to root by a user new on this host
        id: 20000000-0000-4000-8000-000000000020
        name: sudo_root_unusual_user
        correlation:
            type: first_seen
            rules: [sudo_to_root]
            group-by: [host]
            fields: [user]
            \(learning)
            \(exclude)
        level: medium

        """
    }

    static let sudoLines = [
        "Mar  1 09:00:00 db1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update",
        "Mar  2 09:00:00 db1 sudo:     dave : TTY=pts/1 ; PWD=/srv ; USER=root ; TSID=0000UM ; COMMAND=/bin/systemctl restart nginx",
        // Exactly 7 days after db1's first event: still learning (inclusive).
        "Mar  8 09:00:00 db1 sudo:      eve : TTY=pts/2 ; PWD=/home/eve ; USER=root ; COMMAND=/usr/bin/id",
        // One second later: new, reported.
        "Mar  8 09:00:01 db1 sudo:    frank : TTY=pts/3 ; PWD=/home/frank ; USER=root ; COMMAND=/usr/bin/id",
        "Mar  9 10:00:00 db1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
        "Mar  9 10:05:00 db1 sudo: www-data : TTY=unknown ; PWD=/var/www/html ; USER=root ; COMMAND=/bin/sh -c id",
        "Mar  9 10:06:00 db1 sudo: www-data : TTY=unknown ; PWD=/var/www/html ; USER=root ; COMMAND=/bin/cat /etc/shadow",
        "Mar  9 10:07:00 db1 sudo:      eve : TTY=pts/2 ; PWD=/home/eve ; USER=root ; COMMAND=/usr/bin/id",
        "Mar  9 10:08:00 db1 sudo:    carol : TTY=pts/3 ; PWD=/home/carol ; USER=postgres ; COMMAND=/usr/bin/psql",
        "Mar  9 10:09:00 db1 sudo: opsadmin : TTY=pts/4 ; PWD=/root ; USER=root ; GROUP=root ; COMMAND=/bin/bash",
        // web1's own baseline starts here: learning.
        "Mar  9 10:10:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
        "Mar 17 10:10:00 web1 sudo:  mallory : TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash",
    ]

    static var admins: RuleLoader { RuleLoader(placeholders: ["SudoAdmins": ["opsadmin"]]) }

    @Test("first_seen: learning is inclusive and per group; a new tuple after it fires once; exclude holds")
    func firstSeen() throws {
        let outcome = try CorrelationTests.scan(Self.sudoToRoot(), files: ["auth.log": Self.sudoLines], loader: Self.admins)
        let fired = CorrelationTests.findings(outcome, "sudo_root_unusual_user")
        #expect(fired.map { $0.evidence[0].line } == [4, 6, 12])
        #expect(fired.map { $0.fields["user"] } == ["frank", "www-data", "mallory"])
        #expect(fired[1].fields["host"] == "db1")
        #expect(fired[1].fields["command"] == "/bin/sh -c id")
        #expect(fired[1].evidence.count == 1)
        // Without the exclusion the administrator is new on db1 too.
        let unexcluded = try CorrelationTests.scan(Self.sudoToRoot(exclude: ""), files: ["auth.log": Self.sudoLines], loader: Self.admins)
        #expect(CorrelationTests.findings(unexcluded, "sudo_root_unusual_user").map { $0.evidence[0].line } == [4, 6, 10, 12])
        // Exclusion by plain values and a wildcard, no placeholder needed.
        let listed = try CorrelationTests.scan(Self.sudoToRoot(exclude: "exclude: {user: ['ops*', frank]}"), files: ["auth.log": Self.sudoLines])
        #expect(CorrelationTests.findings(listed, "sudo_root_unusual_user").map { $0.evidence[0].line } == [6, 12])
        // A tuple of two fields: a known user running a new command is new too.
        let pairs = Self.sudoToRoot().replacingOccurrences(of: "fields: [user]", with: "fields: [user, command]")
        let byPair = try CorrelationTests.scan(pairs, files: ["auth.log": Self.sudoLines], loader: Self.admins)
        #expect(CorrelationTests.findings(byPair, "sudo_root_unusual_user").map { $0.evidence[0].line } == [4, 5, 6, 7, 12])
        // output.entities: the finding keeps those fields and the group-by values.
        let narrowed = Self.sudoToRoot().replacingOccurrences(of: "level: medium\n", with: "level: medium\noutput: {entities: [user, command]}\n")
        let kept = CorrelationTests.findings(try CorrelationTests.scan(narrowed, files: ["auth.log": Self.sudoLines], loader: Self.admins), "sudo_root_unusual_user")
        #expect(kept.first.map { Set($0.fields.keys) } == ["host", "user", "command"])
    }

    @Test("first_seen: learning_until replaces the relative window, for every group")
    func firstSeenUntil() throws {
        let rules = Self.sudoToRoot("learning_until: '2025-03-09T00:00:00Z'")
        let outcome = try CorrelationTests.scan(rules, files: ["auth.log": Self.sudoLines], loader: Self.admins)
        // frank (Mar 8) is learned; alice on web1 (Mar 9, web1's first event) is already new.
        #expect(CorrelationTests.findings(outcome, "sudo_root_unusual_user").map { $0.evidence[0].line } == [6, 11, 12])
    }

    @Test("first_seen across rotated files: the baseline is built in time order, not file order")
    func firstSeenAcrossFiles() throws {
        // auth.log (read first by name) holds the later lines; the older file teaches the baseline.
        let outcome = try CorrelationTests.scan(Self.sudoToRoot(), files: ["auth.log": Array(Self.sudoLines[4...]), "auth.log.1": Array(Self.sudoLines[..<4])],
                                                loader: Self.admins)
        let fired = CorrelationTests.findings(outcome, "sudo_root_unusual_user")
        #expect(fired.map { $0.fields["user"] } == ["frank", "www-data", "mallory"])
        #expect(fired.first?.evidence[0].path.hasSuffix("auth.log.1") == true)
    }

    @Test("output.suppress: one finding per group per period (inclusive), every firing still counted")
    func suppress() throws {
        let suppressed = CorrelationTests.burst.replacingOccurrences(of: "level: medium\n", with: "level: medium\noutput: {suppress: 1h}\n")
        var lines = (0..<5).map { Self.failure("10:00:0\($0)", from: "203.0.113.5") }           // fires at 10:00:04: reported
        lines += (0..<5).map { Self.failure("10:30:0\($0)", from: "198.51.100.7") }             // another group: reported
        lines += (0..<5).map { Self.failure("11:00:0\($0)", from: "203.0.113.5") }              // fires at 11:00:04, exactly 1 h: suppressed
        lines += (0..<5).map { _ in Self.failure("11:00:05", from: "203.0.113.5") }            // 1 h 1 s after the reported one: reported
        let outcome = try CorrelationTests.scan(suppressed, files: ["auth.log": lines])
        let fired = CorrelationTests.findings(outcome, "burst")
        #expect(fired.map { $0.evidence[0].line } == [5, 10, 20])
        #expect(outcome.statistics.first { $0.id == "20000000-0000-4000-8000-000000000001" }?.matches == 4)
        #expect(outcome.statistics.first { $0.id == "20000000-0000-4000-8000-000000000001" }?.reported == 3)
        // Without suppress all four are reported.
        #expect(CorrelationTests.findings(try CorrelationTests.scan(CorrelationTests.burst, files: ["auth.log": lines]), "burst").count == 4)
    }

    @Test("load errors for the new types and keys")
    func loadErrors() {
        func error(_ text: String, loader: RuleLoader = RuleLoader()) -> String {
            do {
                _ = try loader.loadDocumentsAndCorrelations(CorrelationTests.baseRules + "---\n" + text)
                return ""
            } catch {
                return error.message
            }
        }
        let firstSeen = Self.sudoToRoot(exclude: "")
        #expect(error(firstSeen, loader: Self.admins) == "")
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "")).contains("needs learning"))
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "learning: 7d\n    learning_until: 2025-03-09")).contains("not both"))
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "learning_until: next week")).contains("learning_until takes"))
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "learning: 7d\n    timespan: 1h")).contains("no timespan"))
        #expect(error(firstSeen.replacingOccurrences(of: "fields: [user]", with: "")).contains("needs fields"))
        #expect(error(Self.sudoToRoot(exclude: "exclude: {user|bogus: x}")).contains("exclude"))
        #expect(error(CorrelationTests.burst.replacingOccurrences(of: "timespan: 1m", with: "timespan: 1m\n    fields: [user]")).contains("belongs to first_seen"))
        #expect(error(Self.sudoFailure.replacingOccurrences(of: ", field: attempts", with: "")).contains("value_sum needs condition.field"))
        #expect(error(CorrelationTests.burst + "output: {suppress: soon}\n").contains("output.suppress"))
        #expect(error(CorrelationTests.burst + "output: {collect: {n: {rule: failure, count: true}}}\n").contains("not supported"))
        // An unquoted YAML time stamp, and a bare date (midnight UTC), both load.
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "learning_until: 2025-03-09T00:00:00Z")) == "")
        #expect(error(firstSeen.replacingOccurrences(of: "learning: 7d", with: "learning_until: 2025-03-09")) == "")
    }
}
