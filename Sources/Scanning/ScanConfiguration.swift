import EvidenceInput
import Foundation

/// Everything a scan needs to know, resolved once before it starts and immutable afterwards.
public struct ScanConfiguration: Sendable {
    /// Evidence paths: files, folders (walked recursively, sorted), or `-` for standard input.
    public var evidencePaths: [String]
    /// Worker threads for matching (and at most this many files read at once).
    public var jobs: Int
    /// Target size of a line-aligned chunk.
    public var chunkBytes: Int = 1 << 20
    /// Lines longer than this are cut for matching, counted and reported.
    public var maximumLineBytes: Int = 1 << 20
    /// Findings kept per rule; later matches are only counted.
    public var findingsCapPerRule: Int = 1000
    /// Key for the keyed hash that stands in for redacted secrets.
    public var redactionKey: [UInt8]
    /// When false, secrets are shown in clear (`--no-redact`).
    public var isRedacting: Bool = true
    /// `--reference-date`: an upper bound for year-less stamps when the evidence has no better date.
    public var referenceDate: CalendarDate?
    /// `--password`: passwords tried on encrypted archive members (never written to the report).
    public var archivePasswords: [String] = []
    /// `--timezone`: the zone of local time stamps, overriding what the evidence says.
    public var timeZoneIdentifier: String?
    /// `--since` / `--until`: keep only findings whose UTC time is inside (inclusive), in seconds.
    public var since: Int64?
    public var until: Int64?
    /// How much one piece of evidence may decompress to (`--max-ratio`, `--max-decompressed`): past it
    /// the rest is not read and the evidence is partial.
    public var decompressionLimits = DecompressionLimits()
    /// Read a file whose decompressed content repeats an earlier file's only once (the copy is listed,
    /// hashed and marked `duplicate_of`); `--scan-duplicates` turns it off.
    public var readsRepeatedContentOnce = true
    /// When the scan started (seconds, UTC): the last resort for the year of year-less stamps.
    public var scanDate: Int64 = Int64(Date().timeIntervalSince1970)

    /// Events of the rules correlations read that are kept for them (about 300 bytes each, most of it the evidence line); beyond it the
    /// correlations are incomplete and the report says so.
    public var maximumCorrelationEvents = 2_000_000
    /// A directory for a temporary file holding the evidence lines of those events (see
    /// ``EventLineSpill``: created there, unlinked at once, never beside the evidence), so that they
    /// are not held in memory; nil keeps them in memory. `spoor scan` uses `$TMPDIR` (`--temp-dir`).
    public var eventLineDirectory: String?
    /// Report the findings of base rules that only feed correlations too (rule tests do, to check each
    /// base rule on its own).
    public var reportsCorrelationInputs = false
    /// Read every line for sessions, entities and coverage (the report's exposure sections). Rule tests
    /// turn it off.
    public var collectsActivities = true
    /// Investigator filters: keep findings (and the sessions, entities and timeline built on them) of
    /// these hosts, users and source addresses only, at or above this level. Empty means no filter.
    public var hosts: [String] = []
    public var users: [String] = []
    public var sourceAddresses: [String] = []
    public var minimumLevel: String?
    /// Scan only this shard of the evidence (see ``ShardPlan``): a partial scan, merged later.
    public var shard: ShardSpec?

    public init(evidencePaths: [String], jobs: Int, redactionKey: [UInt8]) {
        self.evidencePaths = evidencePaths
        self.jobs = max(1, jobs)
        self.redactionKey = redactionKey
    }
}

/// A calendar date (year, month, day), as `--reference-date` gives it.
public struct CalendarDate: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }
}
