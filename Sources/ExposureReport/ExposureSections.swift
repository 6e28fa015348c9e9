/// The report's answers to an investigator's questions — was data exposed, which accounts and hosts,
/// from where, when, how sure — each backed by evidence lines and finding ids.
///
/// Built after matching from the scan's activity records (logins, sessions, commands, file transfers)
/// and its findings. Every list is in a fixed order (documented per field), so the JSON is
/// deterministic.

/// `exposure`: one verdict per host and per account, plus `cannot-assess` verdicts for the periods a
/// host's logs do not cover.
public struct ExposureSection: Codable, Sendable, Equatable {
    /// Ordered by subject kind (host first), host, name, then window start.
    public var verdicts: [ExposureVerdict]
    /// How the verdicts are reached, in words: the thresholds the report used.
    public var method: [String]

    public init(verdicts: [ExposureVerdict], method: [String]) {
        self.verdicts = verdicts
        self.method = method
    }
}

/// What a verdict is about: an account on a host, or a host.
public struct VerdictSubject: Codable, Sendable, Equatable, Hashable {
    /// `account` or `host`.
    public var kind: String
    /// The account name, or the host name.
    public var name: String
    /// The host the account belongs to (for a host, the host itself).
    public var host: String

    public init(kind: String, name: String, host: String) {
        self.kind = kind
        self.name = name
        self.host = host
    }
}

/// One conclusion about data exposure, with what supports it and what speaks against it.
public struct ExposureVerdict: Codable, Sendable, Equatable {
    public var subject: VerdictSubject
    /// `confirmed` (file-level transfer or read evidence in a malicious session), `likely` (attacker
    /// access with data staged or sent out, no byte-level proof), `possible` (attacker access, no data
    /// evidence), `no-evidence` (covered, nothing found), `cannot-assess` (the logs do not cover it).
    public var verdict: String
    /// `high`, `medium` or `low`: how much the conclusion rests on direct evidence.
    public var confidence: String
    public var reasons: [VerdictReason]
    /// What argues against the verdict or limits it (gaps, assumed time zones, damaged files).
    public var counterEvidence: [String]
    /// First malicious event → last one (for `cannot-assess`: the period not covered).
    public var window: TimeRange?
    public var data: ExposedData

    public init(subject: VerdictSubject, verdict: String, confidence: String, reasons: [VerdictReason], counterEvidence: [String], window: TimeRange?, data: ExposedData) {
        self.subject = subject
        self.verdict = verdict
        self.confidence = confidence
        self.reasons = reasons
        self.counterEvidence = counterEvidence
        self.window = window
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case subject, verdict, confidence, reasons, window, data
        case counterEvidence = "counter_evidence"
    }
}

/// One reason behind a verdict: a sentence, the findings that support it, and the evidence lines.
public struct VerdictReason: Codable, Sendable, Equatable {
    public var text: String
    /// Ids of findings in `findings[]` (each finding's `id`).
    public var findingIds: [String]
    public var evidence: [EvidenceLocation]

    public init(text: String, findingIds: [String], evidence: [EvidenceLocation]) {
        self.text = text
        self.findingIds = findingIds
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case text, evidence
        case findingIds = "finding_ids"
    }
}

/// The data a verdict concerns.
public struct ExposedData: Codable, Sendable, Equatable {
    /// Files read or taken (sorted).
    public var paths: [String]
    /// Bytes read from the host by the attacker (sftp `bytes read`), summed.
    public var bytesRead: Int64
    /// Bytes written to the host by the attacker.
    public var bytesWritten: Int64
    /// `exposure.category` values of the rules behind the verdict (sorted).
    public var categories: [String]

    public init(paths: [String] = [], bytesRead: Int64 = 0, bytesWritten: Int64 = 0, categories: [String] = []) {
        self.paths = paths
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.categories = categories
    }

    enum CodingKeys: String, CodingKey {
        case paths, categories
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}

/// `entities`: the accounts, sources and hosts the evidence names.
public struct EntitiesSection: Codable, Sendable, Equatable {
    /// By host, then name.
    public var accounts: [AccountEntity]
    /// Attackers first, then by failed logins (most first), then address.
    public var sources: [SourceEntity]
    /// By name.
    public var hosts: [HostEntity]

    public init(accounts: [AccountEntity], sources: [SourceEntity], hosts: [HostEntity]) {
        self.accounts = accounts
        self.sources = sources
        self.hosts = hosts
    }
}

/// An account on a host.
public struct AccountEntity: Codable, Sendable, Equatable {
    public var name: String
    public var host: String
    /// Any of `targeted` (failed logins), `compromised` (a malicious session), `privileged` (root, sudo
    /// to root, or added to an administrative group), `created` (created in the evidence). Sorted.
    public var roles: [String]
    public var failedLogins: Int
    public var successfulLogins: Int
    /// Addresses it logged in from (sorted).
    public var loginSources: [String]
    public var firstSeen: String?
    public var lastSeen: String?
    /// The lines behind the roles (first few).
    public var evidence: [EvidenceLocation]

    public init(name: String, host: String, roles: [String], failedLogins: Int, successfulLogins: Int, loginSources: [String], firstSeen: String?, lastSeen: String?, evidence: [EvidenceLocation]) {
        self.name = name
        self.host = host
        self.roles = roles
        self.failedLogins = failedLogins
        self.successfulLogins = successfulLogins
        self.loginSources = loginSources
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case name, host, roles, evidence
        case failedLogins = "failed_logins"
        case successfulLogins = "successful_logins"
        case loginSources = "login_sources"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// An address that connected.
public struct SourceEntity: Codable, Sendable, Equatable {
    public var address: String
    /// True when the source guessed passwords and then logged in, or its sessions raised high findings.
    public var isAttacker: Bool
    /// Why it is called an attacker (empty otherwise).
    public var reasons: [String]
    public var failedLogins: Int
    public var successfulLogins: Int
    /// Distinct user names tried (failed or invalid), and the most tried (at most 20, most first).
    public var usersTriedCount: Int
    public var usersTried: [String]
    /// Accounts it logged in as (sorted).
    public var usersLoggedIn: [String]
    public var hostsTouched: [String]
    public var firstSeen: String?
    public var lastSeen: String?
    /// sftp bytes read from and written to the hosts in its sessions.
    public var bytesRead: Int64
    public var bytesWritten: Int64
    public var evidence: [EvidenceLocation]

    public init(address: String, isAttacker: Bool, reasons: [String], failedLogins: Int, successfulLogins: Int, usersTriedCount: Int, usersTried: [String], usersLoggedIn: [String], hostsTouched: [String], firstSeen: String?, lastSeen: String?, bytesRead: Int64, bytesWritten: Int64, evidence: [EvidenceLocation]) {
        self.address = address
        self.isAttacker = isAttacker
        self.reasons = reasons
        self.failedLogins = failedLogins
        self.successfulLogins = successfulLogins
        self.usersTriedCount = usersTriedCount
        self.usersTried = usersTried
        self.usersLoggedIn = usersLoggedIn
        self.hostsTouched = hostsTouched
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case address, reasons, evidence
        case isAttacker = "attacker"
        case failedLogins = "failed_logins"
        case successfulLogins = "successful_logins"
        case usersTriedCount = "users_tried_count"
        case usersTried = "users_tried"
        case usersLoggedIn = "users_logged_in"
        case hostsTouched = "hosts_touched"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}

/// A host the evidence speaks for.
public struct HostEntity: Codable, Sendable, Equatable {
    public var name: String
    public var lines: Int
    public var sessions: Int
    public var maliciousSessions: Int
    /// Findings kept for this host, per level.
    public var findingsByLevel: [String: Int]
    public var firstSeen: String?
    public var lastSeen: String?

    public init(name: String, lines: Int, sessions: Int, maliciousSessions: Int, findingsByLevel: [String: Int], firstSeen: String?, lastSeen: String?) {
        self.name = name
        self.lines = lines
        self.sessions = sessions
        self.maliciousSessions = maliciousSessions
        self.findingsByLevel = findingsByLevel
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case name, lines, sessions
        case maliciousSessions = "malicious_sessions"
        case findingsByLevel = "findings_by_level"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// One SSH login session, joined from sshd, PAM, systemd-logind, sudo/su and sftp-server lines.
public struct LoginSession: Codable, Sendable, Equatable {
    /// `HOST:sshd-PID`: stable for the same evidence.
    public var id: String
    public var host: String
    public var user: String
    public var source: String?
    public var sourcePort: String?
    public var authMethod: String?
    public var keyFingerprint: String?
    /// systemd-logind's session number (also auditd's `ses`).
    public var logindSession: String?
    public var start: String?
    public var end: String?
    public var durationSeconds: Int64?
    /// True when the session comes from an attacker source or raised a high finding.
    public var isMalicious: Bool
    /// In time order (at most 200; `commands_total` counts all).
    public var commands: [SessionCommand]
    public var commandsTotal: Int
    /// Files read or written over sftp, in time order: every read, other operations up to 200
    /// (`files_total` counts all).
    public var files: [SessionFile]
    public var filesTotal: Int = 0
    public var bytesRead: Int64
    public var bytesWritten: Int64
    /// The login line (or the first line of the session seen) and the end line.
    public var evidence: [EvidenceLocation]

    public init(id: String, host: String, user: String, source: String?, sourcePort: String?, authMethod: String?, keyFingerprint: String?, logindSession: String?, start: String?, end: String?, durationSeconds: Int64?, isMalicious: Bool, commands: [SessionCommand], commandsTotal: Int, files: [SessionFile], bytesRead: Int64, bytesWritten: Int64, evidence: [EvidenceLocation]) {
        self.id = id
        self.host = host
        self.user = user
        self.source = source
        self.sourcePort = sourcePort
        self.authMethod = authMethod
        self.keyFingerprint = keyFingerprint
        self.logindSession = logindSession
        self.start = start
        self.end = end
        self.durationSeconds = durationSeconds
        self.isMalicious = isMalicious
        self.commands = commands
        self.commandsTotal = commandsTotal
        self.files = files
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case id, host, user, source, start, end, commands, files, evidence
        case sourcePort = "source_port"
        case authMethod = "auth_method"
        case keyFingerprint = "key_fingerprint"
        case logindSession = "logind_session"
        case durationSeconds = "duration_seconds"
        case isMalicious = "malicious"
        case commandsTotal = "commands_total"
        case filesTotal = "files_total"
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}

/// A command run in a session (sudo, su, or an auditd `EXECVE` of the session's `ses`).
public struct SessionCommand: Codable, Sendable, Equatable {
    public var time: String?
    /// `sudo`, `su` or `auditd`.
    public var via: String
    /// The account it ran as.
    public var runAs: String?
    public var command: String
    /// sudo refused it (wrong password, not in sudoers) or su failed.
    public var isDenied: Bool
    public var evidence: EvidenceLocation

    public init(time: String?, via: String, runAs: String?, command: String, isDenied: Bool, evidence: EvidenceLocation) {
        self.time = time
        self.via = via
        self.runAs = runAs
        self.command = command
        self.isDenied = isDenied
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case time, via, command, evidence
        case runAs = "run_as"
        case isDenied = "denied"
    }
}

/// A file operation of an sftp session.
public struct SessionFile: Codable, Sendable, Equatable {
    public var time: String?
    /// `read` (closed with bytes read), `write`, `open`, `remove`, `rename`.
    public var operation: String
    public var path: String
    public var newPath: String?
    public var bytesRead: Int64?
    public var bytesWritten: Int64?
    public var evidence: EvidenceLocation

    public init(time: String?, operation: String, path: String, newPath: String?, bytesRead: Int64?, bytesWritten: Int64?, evidence: EvidenceLocation) {
        self.time = time
        self.operation = operation
        self.path = path
        self.newPath = newPath
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case time, operation, path, evidence
        case newPath = "new_path"
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}

/// `coverage[]`: what the logs of one host and source cover, and where they do not.
public struct CoverageEntry: Codable, Sendable, Equatable {
    public var host: String
    /// The log source: the rotation set's name (`auth.log`, `syslog`, `secure`).
    public var source: String
    public var files: [String]
    public var lines: Int
    public var first: String?
    public var last: String?
    /// Quiet periods longer than `gap_threshold_seconds`, in time order.
    public var gaps: [CoverageGap]
    /// The longest quiet period considered normal for this source: three times its 99th-percentile
    /// interval between minutes with lines, and never under an hour.
    public var gapThresholdSeconds: Int64
    /// Integrity problems: missing rotation members, truncated or damaged files, NUL-filled lines,
    /// log clearing and audit-stop events.
    public var integrity: [IntegrityNote]

    public init(host: String, source: String, files: [String], lines: Int, first: String?, last: String?, gaps: [CoverageGap], gapThresholdSeconds: Int64, integrity: [IntegrityNote]) {
        self.host = host
        self.source = source
        self.files = files
        self.lines = lines
        self.first = first
        self.last = last
        self.gaps = gaps
        self.gapThresholdSeconds = gapThresholdSeconds
        self.integrity = integrity
    }

    enum CodingKeys: String, CodingKey {
        case host, source, files, lines, first, last, gaps, integrity
        case gapThresholdSeconds = "gap_threshold_seconds"
    }
}

/// A stretch with no line from a host in one source.
public struct CoverageGap: Codable, Sendable, Equatable {
    /// The last line before and the first line after (minute precision).
    public var from: String
    public var to: String
    public var seconds: Int64
    /// What explains it, when the evidence says (a log-clearing finding, a missing rotation member).
    public var explanation: String?

    public init(from: String, to: String, seconds: Int64, explanation: String?) {
        self.from = from
        self.to = to
        self.seconds = seconds
        self.explanation = explanation
    }
}

/// One integrity problem of the evidence.
public struct IntegrityNote: Codable, Sendable, Equatable {
    /// `missing-rotation-member`, `damaged-file`, `partial-file`, `nul-filled-lines`, `log-cleared`,
    /// `logging-stopped`, `audit-stopped`.
    public var kind: String
    public var detail: String
    public var evidence: [EvidenceLocation]

    public init(kind: String, detail: String, evidence: [EvidenceLocation]) {
        self.kind = kind
        self.detail = detail
        self.evidence = evidence
    }
}

/// `sensitive_data[]`: secrets and personal data written into the logs, per category.
public struct SensitiveDataEntry: Codable, Sendable, Equatable {
    /// The entity type of the capture (`secret`, `card-number`, …) or the rule's exposure category.
    public var category: String
    public var rule: String
    public var count: Int
    /// The check that validated each value (`luhn`, `uk-nino`), when the rule has one.
    public var validation: String?
    /// Distinct values, as redaction markers (length and keyed hash) unless `--no-redact`.
    public var values: [String]
    public var locations: [EvidenceLocation]

    public init(category: String, rule: String, count: Int, validation: String?, values: [String], locations: [EvidenceLocation]) {
        self.category = category
        self.rule = rule
        self.count = count
        self.validation = validation
        self.values = values
        self.locations = locations
    }
}

/// `timeline[]`: what happened, in time order: medium-and-above findings, attacker logins and
/// logouts, file transfers, account changes.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var time: String
    public var host: String?
    /// `finding`, `login`, `logout`, `file-read`, `file-write`, `command`.
    public var kind: String
    public var summary: String
    public var level: String?
    public var findingId: String?
    public var user: String?
    public var source: String?
    public var evidence: EvidenceLocation

    public init(time: String, host: String?, kind: String, summary: String, level: String?, findingId: String?, user: String?, source: String?, evidence: EvidenceLocation) {
        self.time = time
        self.host = host
        self.kind = kind
        self.summary = summary
        self.level = level
        self.findingId = findingId
        self.user = user
        self.source = source
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case time, host, kind, summary, level, user, source, evidence
        case findingId = "finding_id"
    }
}
