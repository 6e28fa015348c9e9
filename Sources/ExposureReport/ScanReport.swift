import Foundation

/// The JSON report, `spoor.report/v1`: a specification, documented in `Documentation/ReportFormat.md`.
///
/// Everything outside ``run`` is a pure function of the evidence, the rules and the options that change
/// results: the same inputs give byte-identical JSON whatever the number of threads.
public struct ScanReport: Codable, Sendable, Equatable {
    public static let schemaIdentifier = "spoor.report/v1"

    public var schema: String = ScanReport.schemaIdentifier
    public var tool: ToolInfo
    /// The only non-deterministic part: how and when this run happened.
    public var run: RunInfo
    public var rules: RuleSetSummary
    public var evidence: [EvidenceEntry]
    public var findings: [Finding]
    public var summary: ScanSummary
    /// Verdicts on data exposure per host and account.
    public var exposure = ExposureSection(verdicts: [], method: [])
    public var entities = EntitiesSection(accounts: [], sources: [], hosts: [])
    public var sessions: [LoginSession] = []
    public var coverage: [CoverageEntry] = []
    public var sensitiveData: [SensitiveDataEntry] = []
    public var timeline: [TimelineEntry] = []

    public init(tool: ToolInfo, run: RunInfo, rules: RuleSetSummary, evidence: [EvidenceEntry], findings: [Finding], summary: ScanSummary) {
        self.tool = tool
        self.run = run
        self.rules = rules
        self.evidence = evidence
        self.findings = findings
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool, run, rules, evidence, findings, summary, exposure, entities, sessions, coverage, timeline
        case sensitiveData = "sensitive_data"
    }
}

extension ScanReport {
    /// The encoder of the `spoor.report/v1` JSON: pretty-printed, keys sorted, slashes not escaped, so
    /// two reports of the same scan compare byte for byte (outside `run`) and diff line by line.
    public static func makeJSONEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The report as `spoor.report/v1` JSON, with a final newline.
    public func encodedJSON() throws -> Data {
        var data = try Self.makeJSONEncoder().encode(self)
        data.append(0x0a)
        return data
    }
}

public struct ToolInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// How the run was made; excluded from determinism comparisons.
public struct RunInfo: Codable, Sendable, Equatable {
    public var argv: [String]
    /// Start time, ISO 8601 UTC.
    public var start: String
    public var durationSeconds: Double
    public var jobs: Int
    /// A sharded scan: for a partial report, its shard (`2/4 from SLURM_ARRAY_TASK_ID=…`); for a merged
    /// report, each partial merged. Absent for a single scan.
    public var shards: [String]?

    public init(argv: [String], start: String, durationSeconds: Double, jobs: Int) {
        self.argv = argv
        self.start = start
        self.durationSeconds = durationSeconds
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey {
        case argv, start, jobs, shards
        case durationSeconds = "duration_seconds"
    }
}

public struct RuleSetSummary: Codable, Sendable, Equatable {
    public var count: Int
    /// SHA-256 over every rule file's path and bytes, in load order.
    public var sha256: String
    /// Per-rule counts, in rule order.
    public var statistics: [RuleStatistics]
    /// Findings kept per rule; further matches are counted in `matches` only.
    public var findingsCapPerRule: Int

    public init(count: Int, sha256: String, statistics: [RuleStatistics], findingsCapPerRule: Int) {
        self.count = count
        self.sha256 = sha256
        self.statistics = statistics
        self.findingsCapPerRule = findingsCapPerRule
    }

    enum CodingKeys: String, CodingKey {
        case count, sha256, statistics
        case findingsCapPerRule = "findings_cap_per_rule"
    }
}

/// What one rule did over the whole scan.
public struct RuleStatistics: Codable, Sendable, Equatable {
    public var id: String
    /// Events the rule matched (a `message repeated N times` line counts N).
    public var matches: Int
    /// Findings kept in the report (at most the cap).
    public var reported: Int
    /// Lines on which PCRE2 stopped with an error (match limit, JIT stack…): not "no match".
    public var engineErrors: Int
    /// Where the first engine error happened.
    public var firstEngineError: EvidenceLocation?
    /// Findings left out by `--since`/`--until`.
    public var outsideTimeWindow: Int = 0

    public init(id: String, matches: Int, reported: Int, engineErrors: Int, firstEngineError: EvidenceLocation?) {
        self.id = id
        self.matches = matches
        self.reported = reported
        self.engineErrors = engineErrors
        self.firstEngineError = firstEngineError
    }

    enum CodingKeys: String, CodingKey {
        case id, matches, reported
        case engineErrors = "engine_errors"
        case firstEngineError = "first_engine_error"
        case outsideTimeWindow = "outside_time_window"
    }
}

/// One evidence file, as stored and as read.
public struct EvidenceEntry: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Read completely.
        case ok
        /// Read up to damage or a limit; what came before is scanned and kept.
        case partial
        /// Nothing could be read.
        case error
    }

    public var path: String
    /// SHA-256 of the bytes as stored (before decompression).
    public var sha256: String?
    /// Stored size.
    public var bytes: Int64
    public var compression: String
    public var decompressedBytes: Int64
    public var lines: Int
    public var status: Status
    public var error: String?
    public var warnings: [String]
    /// Complete gzip members (for gzip evidence).
    public var gzipMembers: Int?
    /// Lines longer than the limit, cut for matching.
    public var truncatedLines: Int
    /// True when a gzip member failed its integrity check: findings from this file may come from
    /// damaged bytes (they are flagged too).
    public var hasDamagedData: Bool
    /// Lines per detected format (`syslog-rfc3164`, `auditd`, …, `unrecognised`).
    public var formats: [String: Int] = [:]
    /// Lines some parser recognised, and lines matched as `raw`/`message` only.
    public var parsedLines: Int = 0
    public var unparsedLines: Int = 0
    /// rsyslog `message repeated N times` lines, and the events they stand for.
    public var repeatedMessageEvents: Int = 0
    /// The earliest and latest time of the file's records, UTC.
    public var timeRange: TimeRange?
    /// How year-less stamps got their year, and local times their zone (absent when none needed it).
    public var yearSource: String?
    public var zoneSource: String?
    /// The first gzip member's MTIME, UTC, when stored.
    public var gzipModificationTime: String?
    /// For an archive (`tar`, `zip`, `7z`, …): its container format. Its members follow it in the
    /// evidence list, each with a path `ARCHIVE!MEMBER`.
    public var archiveFormat: String?
    /// For an archive member: the modification time its archive stored, UTC.
    public var memberModificationTime: String?
    /// Set when this file was not read because the file named has the same decompressed content
    /// (`auth.log.1` beside `auth.log.1.gz`): its lines are that file's, counted once.
    public var duplicateOf: String?

    public init(path: String, sha256: String?, bytes: Int64, compression: String, decompressedBytes: Int64, lines: Int, status: Status, error: String?, warnings: [String], gzipMembers: Int?, truncatedLines: Int, hasDamagedData: Bool) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
        self.compression = compression
        self.decompressedBytes = decompressedBytes
        self.lines = lines
        self.status = status
        self.error = error
        self.warnings = warnings
        self.gzipMembers = gzipMembers
        self.truncatedLines = truncatedLines
        self.hasDamagedData = hasDamagedData
    }

    enum CodingKeys: String, CodingKey {
        case path, sha256, bytes, compression, lines, status, error, warnings
        case decompressedBytes = "decompressed_bytes"
        case gzipMembers = "gzip_members"
        case truncatedLines = "truncated_lines"
        case hasDamagedData = "damaged_data"
        case formats
        case parsedLines = "parsed_lines"
        case unparsedLines = "unparsed_lines"
        case repeatedMessageEvents = "repeated_message_events"
        case timeRange = "time_range"
        case yearSource = "year_source"
        case zoneSource = "zone_source"
        case gzipModificationTime = "gzip_mtime"
        case archiveFormat = "archive_format"
        case duplicateOf = "duplicate_of"
        case memberModificationTime = "member_mtime"
    }
}

/// A span of time, UTC, ISO 8601.
public struct TimeRange: Codable, Sendable, Equatable {
    public var first: String
    public var last: String

    public init(first: String, last: String) {
        self.first = first
        self.last = last
    }
}

/// A finding's time with its provenance: defensible, not just plausible.
public struct FindingTime: Codable, Sendable, Equatable {
    /// The stamp exactly as written in the line.
    public var text: String
    /// The UTC reading, ISO 8601 with the line's precision; absent when the line's stamp could not be read.
    public var utc: String?
    /// Where the year came from (`in-line`, `rotation-order`, `gzip-mtime`, `reference-date`,
    /// `file-mtime`, `scan-date`).
    public var yearSource: String?
    /// Where the zone came from (`in-line`, `--timezone`, `evidence:PATH`, `assumed-utc`).
    public var zoneSource: String?
    /// The local time falls in the hour repeated when clocks went back: two instants are possible, the
    /// earlier was taken.
    public var isAmbiguous: Bool?
    /// `high` (year and zone in the line), `medium`, or `low` (assumed).
    public var confidence: String

    public init(text: String, utc: String?, yearSource: String?, zoneSource: String?, isAmbiguous: Bool?, confidence: String) {
        self.text = text
        self.utc = utc
        self.yearSource = yearSource
        self.zoneSource = zoneSource
        self.isAmbiguous = isAmbiguous
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case text, utc, confidence
        case yearSource = "year_source"
        case zoneSource = "zone_source"
        case isAmbiguous = "ambiguous"
    }
}

/// A rule hit.
public struct Finding: Codable, Sendable, Equatable {
    /// Stable within the report and across runs on the same evidence and rules: a hash of the rule id,
    /// the evidence path, line and offset. Verdicts and the timeline refer to findings by it.
    public var id: String = ""
    public var rule: FindingRule
    /// The event's fields: header fields and named captures. Values are UTF-8 text with invalid
    /// bytes written `\xNN`; redacted captures read `[redacted …]`.
    public var fields: [String: String]
    /// When it happened: the stamp as found, and its UTC reading with where the year and zone came from.
    public var time: FindingTime?
    public var evidence: [EvidenceLocation]
    /// Set when the evidence came from a gzip member that failed its integrity check.
    public var isFromDamagedData: Bool?

    public init(rule: FindingRule, fields: [String: String], time: FindingTime?, evidence: [EvidenceLocation], isFromDamagedData: Bool?) {
        self.rule = rule
        self.fields = fields
        self.time = time
        self.evidence = evidence
        self.isFromDamagedData = isFromDamagedData
    }

    enum CodingKeys: String, CodingKey {
        case id, rule, fields, time, evidence
        case isFromDamagedData = "damaged_data"
    }
}

public struct FindingRule: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var title: String
    public var level: String
    public var tags: [String]
    /// For an imported rule: its authors, licence and upstream link, which its licence (DRL 1.1)
    /// requires every finding to carry. Absent for native rules.
    public var author: String?
    public var license: String?
    public var source: String?

    public init(id: String, name: String?, title: String, level: String, tags: [String], author: String? = nil, license: String? = nil, source: String? = nil) {
        self.id = id
        self.name = name
        self.title = title
        self.level = level
        self.tags = tags
        self.author = author
        self.license = license
        self.source = source
    }
}

/// Where a line of evidence is: file, 1-based line, byte offset of its first byte in the decompressed
/// stream (for binary logs: the record number and the record's offset in the file, −1 for a journal
/// entry whose offset could not be verified), and the line itself (without terminator) as `text`, or as base64 `bytes` when it is not
/// valid UTF-8 (as ripgrep's JSON output does).
public struct EvidenceLocation: Codable, Sendable, Equatable {
    public var path: String
    public var line: Int
    public var offset: Int64
    public var text: String?
    public var bytes: String?
    /// The line was longer than the limit; `text`/`bytes` hold the part that was matched.
    public var isTruncated: Bool?
    /// Secrets in the line were replaced by `[redacted …]` markers.
    public var isRedacted: Bool?

    public init(path: String, line: Int, offset: Int64, text: String?, bytes: String?, isTruncated: Bool?, isRedacted: Bool?) {
        self.path = path
        self.line = line
        self.offset = offset
        self.text = text
        self.bytes = bytes
        self.isTruncated = isTruncated
        self.isRedacted = isRedacted
    }

    enum CodingKeys: String, CodingKey {
        case path, line, offset, text, bytes
        case isTruncated = "truncated"
        case isRedacted = "redacted"
    }
}

public struct ScanSummary: Codable, Sendable, Equatable {
    /// False when any evidence is partial or unreadable, or any rule hit an engine error.
    public var isComplete: Bool
    public var findings: Int
    /// Findings per level (kept and capped alike), keyed by level name.
    public var matchesByLevel: [String: Int]
    public var evidenceFiles: Int
    public var problems: [String]
    /// What the reader should know that does not make the scan incomplete (an assumed time zone…).
    public var warnings: [String]

    public init(isComplete: Bool, findings: Int, matchesByLevel: [String: Int], evidenceFiles: Int, problems: [String], warnings: [String] = []) {
        self.warnings = warnings
        self.isComplete = isComplete
        self.findings = findings
        self.matchesByLevel = matchesByLevel
        self.evidenceFiles = evidenceFiles
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case findings, problems, warnings
        case isComplete = "complete"
        case matchesByLevel = "matches_by_level"
        case evidenceFiles = "evidence_files"
    }
}
