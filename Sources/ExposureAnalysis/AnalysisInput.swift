import ExposureReport

/// What the exposure analysis reads: the scan's activities, findings, evidence and coverage, and the
/// facts of the rules behind the findings. Built by the scan pipeline; usable on its own in tests.
public struct AnalysisInput: Sendable {
    /// Evidence paths, by file index.
    public var paths: [String]
    /// Activities placed in time, in time order (ties: file, line).
    public var activities: [Activity]
    /// The report's findings, each with its `id`.
    public var findings: [Finding]
    /// Per rule id.
    public var rules: [String: RuleFacts]
    /// Matches per rule id (findings are capped, matches are not).
    public var matches: [String: Int]
    public var evidence: [EvidenceEntry]
    /// Minutes with lines, per host and log source.
    public var coverage: [CoverageSeries]
    /// Per file index: lines that begin with a NUL byte (a crash or a wipe leaves such regions).
    public var nulLines: [Int: NulLineCount]
    /// Failed logins and names tried, summed per source and per account.
    public var failures = FailureSummary()

    public init(paths: [String], activities: [Activity], findings: [Finding], rules: [String: RuleFacts], matches: [String: Int],
                evidence: [EvidenceEntry], coverage: [CoverageSeries], nulLines: [Int: NulLineCount]) {
        self.paths = paths
        self.activities = activities
        self.findings = findings
        self.rules = rules
        self.matches = matches
        self.evidence = evidence
        self.coverage = coverage
        self.nulLines = nulLines
    }
}

/// Failed logins, summed: per source address, and per account (host, user) for names sshd did not
/// call invalid. Fed with tallies (``add(_:)``) in any order; the result does not depend on it.
public struct FailureSummary: Sendable, Codable {
    public var sources: [String: SourceFailures] = [:]
    public var accounts: [AccountKey: AccountFailures] = [:]

    public init() {}

    public struct AccountKey: Hashable, Sendable, Comparable, Codable {
        public var host: String
        public var user: String

        public static func < (lhs: AccountKey, rhs: AccountKey) -> Bool { (lhs.host, lhs.user) < (rhs.host, rhs.user) }
    }

    /// Adds a tally (a ``Activity/Kind/loginFailed`` or ``Activity/Kind/invalidUser`` activity placed in time).
    ///
    /// Entries are changed in place in their dictionaries: a copy taken out and put back would share its
    /// user and address sets with the stored one, and so copy them whole at every tally.
    public mutating func add(_ tally: Activity) {
        if let address = tally.source {
            func update(_ source: inout SourceFailures) {
                if tally.kind == .loginFailed { source.failedLogins += tally.count }
                if let user = tally.user { source.usersTried[user, default: 0] += tally.count }
                source.hosts.insert(tally.host)
                if source.first.map({ (tally.nanoseconds, tally.fileIndex, tally.line) < ($0.nanoseconds, $0.fileIndex, $0.line) }) ?? true {
                    source.first = tally
                }
                source.lastNanoseconds = max(source.lastNanoseconds, tally.lastNanoseconds)
            }
            update(&sources[address, default: SourceFailures()])
        }
        if tally.kind == .loginFailed && !tally.isDenied, let user = tally.user {
            func update(_ account: inout AccountFailures) {
                account.count += tally.count
                account.firstNanoseconds = min(account.firstNanoseconds, tally.nanoseconds)
                account.lastNanoseconds = max(account.lastNanoseconds, tally.lastNanoseconds)
                if let address = tally.source { account.sources.insert(address) }
            }
            update(&accounts[AccountKey(host: tally.host, user: user), default: AccountFailures()])
        }
    }

    /// Adds another summary's sums (a shard's, in a sharded scan): the same result as adding its tallies
    /// one by one, since ``add(_:)`` does not depend on order.
    public mutating func add(_ other: FailureSummary) {
        for (address, theirs) in other.sources {
            guard sources[address] != nil else {
                sources[address] = theirs
                continue
            }
            func update(_ source: inout SourceFailures) {
                source.failedLogins += theirs.failedLogins
                for (user, count) in theirs.usersTried { source.usersTried[user, default: 0] += count }
                source.hosts.formUnion(theirs.hosts)
                if let first = theirs.first,
                   source.first.map({ (first.nanoseconds, first.fileIndex, first.line) < ($0.nanoseconds, $0.fileIndex, $0.line) }) ?? true {
                    source.first = first
                }
                source.lastNanoseconds = max(source.lastNanoseconds, theirs.lastNanoseconds)
            }
            update(&sources[address]!)
        }
        for (key, theirs) in other.accounts {
            guard accounts[key] != nil else {
                accounts[key] = theirs
                continue
            }
            func update(_ account: inout AccountFailures) {
                account.count += theirs.count
                account.firstNanoseconds = min(account.firstNanoseconds, theirs.firstNanoseconds)
                account.lastNanoseconds = max(account.lastNanoseconds, theirs.lastNanoseconds)
                account.sources.formUnion(theirs.sources)
            }
            update(&accounts[key]!)
        }
    }
}

/// The failed logins of one source address.
public struct SourceFailures: Sendable, Codable {
    public var failedLogins = 0
    /// Names tried (failed or invalid) and how often.
    public var usersTried: [String: Int] = [:]
    public var hosts: Set<String> = []
    /// The earliest failure (its line is the source's first evidence).
    public var first: Activity?
    public var lastNanoseconds: Int64 = .min
}

/// The failed logins against one account.
public struct AccountFailures: Sendable, Codable {
    public var count = 0
    public var firstNanoseconds: Int64 = .max
    public var lastNanoseconds: Int64 = .min
    public var sources: Set<String> = []
}

/// What the analysis needs to know of a rule.
public struct RuleFacts: Sendable {
    public var level: String
    public var title: String
    public var tags: [String]
    /// `exposure.category`, when the rule has one.
    public var exposureCategory: String?
    /// Captures the rule redacts (secrets, personal data): name → (entity type, check).
    public var sensitiveCaptures: [String: SensitiveCapture]

    public init(level: String, title: String, tags: [String], exposureCategory: String?, sensitiveCaptures: [String: SensitiveCapture]) {
        self.level = level
        self.title = title
        self.tags = tags
        self.exposureCategory = exposureCategory
        self.sensitiveCaptures = sensitiveCaptures
    }
}

public struct SensitiveCapture: Sendable {
    public var type: String
    public var check: String?

    public init(type: String, check: String?) {
        self.type = type
        self.check = check
    }
}

/// The minutes (UTC, seconds since the epoch / 60) in which a host wrote at least one line to one log
/// source, and the files and line count behind them.
public struct CoverageSeries: Sendable {
    public var host: String
    public var source: String
    public var files: [Int]
    /// Per file (same order): its rotation set and age, as EvidenceInput's `RotationSet.rotationKey`
    /// reads the name (0 the live file, 1… numbered generations, 100,000 and more date-suffixed).
    public var rotations: [(set: String, age: Int)]
    public var lines: Int
    /// Sorted, distinct.
    public var minutes: [Int64]

    public init(host: String, source: String, files: [Int], rotations: [(set: String, age: Int)], lines: Int, minutes: [Int64]) {
        self.host = host
        self.source = source
        self.files = files
        self.rotations = rotations
        self.lines = lines
        self.minutes = minutes
    }
}

public struct NulLineCount: Sendable, Codable {
    public var count: Int
    public var firstLine: Int
    public var firstOffset: Int64

    public init(count: Int, firstLine: Int, firstOffset: Int64) {
        self.count = count
        self.firstLine = firstLine
        self.firstOffset = firstOffset
    }
}

/// What the analysis adds to the report.
public struct AnalysisResult: Sendable {
    public var exposure: ExposureSection
    public var entities: EntitiesSection
    public var sessions: [LoginSession]
    public var coverage: [CoverageEntry]
    public var sensitiveData: [SensitiveDataEntry]
    public var timeline: [TimelineEntry]
}
