import DetectionRules
import ExposureAnalysis
import ExposureReport
import Foundation

/// A shard's partial report, `spoor.partial/v1`: what one task of a sharded scan found, before
/// correlation and analysis, for `spoor merge` (see ``PartialMerge``).
///
/// It names its shard, the whole evidence list's hash and the units it was given, the rule set's hash,
/// the options that change results, every evidence entry it covered (with SHA-256), and the merged
/// per-file results: findings (each rule's first `findings-cap`), rule statistics, the events
/// correlations read, activities, failed-login sums, coverage minutes, NUL-line counts and secrets.
/// Documented in `Documentation/ScaleOut.md`.
public struct PartialReport: Codable, Sendable {
    public static let schemaIdentifier = "spoor.partial/v1"

    public var schema: String = PartialReport.schemaIdentifier
    public var tool: ToolInfo
    public var run: RunInfo
    public var shard: Shard
    public var rulesSHA256: String
    public var settings: PartialSettings
    var units: ShardUnits
    var state: ScanState

    public struct Shard: Codable, Sendable, Equatable {
        public var index: Int
        public var count: Int
        public var source: String

        public var description: String { "\(index)/\(count)" }
    }

    /// Makes a shard's partial report from its scan state (``ScanPipeline/runState(progress:)`` with
    /// ``ScanConfiguration/shard`` set).
    public init(state: ScanState, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) {
        let shard = configuration.shard ?? ShardSpec(index: 1, count: 1, source: "single")
        tool = ToolInfo(name: "spoor", version: ReportAssembly.toolVersion)
        self.run = run
        self.shard = Shard(index: shard.index, count: shard.count, source: shard.source)
        rulesSHA256 = rules.sha256
        settings = PartialSettings(configuration: configuration)
        // A state scanned without a shard: every file its own unit, all of them this partial's.
        units = state.shardUnits ?? ShardUnits(unitCount: state.paths.count, listSHA256: "", assigned: Array(state.paths.indices),
                                               fileUnits: Array(state.paths.indices), unitPaths: state.paths)
        self.state = state
        self.state.shardUnits = nil
    }

    /// Whether the shard's own evidence was read completely (a damaged or unreadable file, a missed
    /// path): the task's exit status says so.
    public var isShardComplete: Bool {
        state.problems.isEmpty && state.evidence.allSatisfy { $0.status == .ok }
    }

    public var evidenceFiles: Int { state.evidence.count }
    public var findingsKept: Int { state.findings.count }

    /// The JSON encoding (keys sorted).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> PartialReport {
        try JSONDecoder().decode(PartialReport.self, from: data)
    }

    /// Writes `data` to `path` atomically: a temporary file beside it (same folder, so the rename
    /// stays on one filesystem), flushed, then renamed over `path`. A reader never sees half a file.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool, run, shard, settings, units, state
        case rulesSHA256 = "rules_sha256"
    }
}

/// The options that change a scan's results: every partial of a merge must have been made with the same.
public struct PartialSettings: Codable, Sendable, Equatable {
    public var findingsCap: Int
    public var maximumLineBytes: Int
    public var maximumCorrelationEvents: Int
    public var isRedacting: Bool
    public var referenceDate: String?
    public var timeZone: String?
    public var hosts: [String]
    public var users: [String]
    public var sourceAddresses: [String]
    public var minimumLevel: String?

    init(configuration: ScanConfiguration) {
        findingsCap = configuration.findingsCapPerRule
        maximumLineBytes = configuration.maximumLineBytes
        maximumCorrelationEvents = configuration.maximumCorrelationEvents
        isRedacting = configuration.isRedacting
        referenceDate = configuration.referenceDate.map { String(format: "%04d-%02d-%02d", $0.year, $0.month, $0.day) }
        timeZone = configuration.timeZoneIdentifier
        hosts = configuration.hosts
        users = configuration.users
        sourceAddresses = configuration.sourceAddresses
        minimumLevel = configuration.minimumLevel
    }

    /// A configuration for finishing merged results with these settings.
    public var configuration: ScanConfiguration {
        var configuration = ScanConfiguration(evidencePaths: [], jobs: 1, redactionKey: [])
        configuration.findingsCapPerRule = findingsCap
        configuration.maximumLineBytes = maximumLineBytes
        configuration.maximumCorrelationEvents = maximumCorrelationEvents
        configuration.isRedacting = isRedacting
        configuration.referenceDate = referenceDate.flatMap(CalendarDate.init(text:))
        configuration.timeZoneIdentifier = timeZone
        configuration.hosts = hosts
        configuration.users = users
        configuration.sourceAddresses = sourceAddresses
        configuration.minimumLevel = minimumLevel
        return configuration
    }

    enum CodingKeys: String, CodingKey {
        case findingsCap = "findings_cap", maximumLineBytes = "max_line_bytes", maximumCorrelationEvents = "max_correlation_events"
        case isRedacting = "redacting", referenceDate = "reference_date", timeZone = "timezone", hosts, users
        case sourceAddresses = "source_addresses", minimumLevel = "min_level"
    }
}

extension ScanState: Codable {
    enum CodingKeys: String, CodingKey {
        case paths, evidence, findings, statistics, activities, failures, coverage, warnings, problems, secrets
        case findingFiles = "finding_files", correlationEvents = "correlation_events_packed", eventsWithoutTime = "events_without_time"
        case eventsOverLimit = "events_over_limit", activitiesWithoutTime = "activities_without_time", nulLines = "nul_lines"
        case zoneWarning = "zone_warning", shardUnits = "shard_units"
    }

    private struct Secret: Codable {
        var value: Data
        var marker: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        paths = try container.decode([String].self, forKey: .paths)
        evidence = try container.decode([EvidenceEntry].self, forKey: .evidence)
        findings = try container.decode([Finding].self, forKey: .findings)
        findingFiles = try container.decode([Int].self, forKey: .findingFiles)
        statistics = try container.decode([RuleStatistics].self, forKey: .statistics)
        do {
            correlationEvents = try EventPacking.unpack(try container.decode(Data.self, forKey: .correlationEvents))
        } catch let error as EventPacking.Malformed {
            throw DecodingError.dataCorruptedError(forKey: .correlationEvents, in: container, debugDescription: error.description)
        }
        eventsWithoutTime = try container.decode(Int.self, forKey: .eventsWithoutTime)
        eventsOverLimit = try container.decode(Int.self, forKey: .eventsOverLimit)
        activities = try container.decode([Activity].self, forKey: .activities)
        activitiesWithoutTime = try container.decode(Int.self, forKey: .activitiesWithoutTime)
        failures = try container.decode(FailureSummary.self, forKey: .failures)
        coverage = try container.decode([CoverageAccumulator].self, forKey: .coverage)
        nulLines = try container.decode([Int: NulLineCount].self, forKey: .nulLines)
        let secretList = try container.decode([Secret].self, forKey: .secrets)
        secrets = Dictionary(secretList.map { (Array($0.value), Array($0.marker.utf8)) }, uniquingKeysWith: { first, _ in first })
        warnings = try container.decode([String].self, forKey: .warnings)
        problems = try container.decode([String].self, forKey: .problems)
        zoneWarning = try container.decodeIfPresent(String.self, forKey: .zoneWarning)
        shardUnits = try container.decodeIfPresent(ShardUnits.self, forKey: .shardUnits)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(paths, forKey: .paths)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(findings, forKey: .findings)
        try container.encode(findingFiles, forKey: .findingFiles)
        try container.encode(statistics, forKey: .statistics)
        try container.encode(try EventPacking.pack(correlationEvents), forKey: .correlationEvents)
        try container.encode(eventsWithoutTime, forKey: .eventsWithoutTime)
        try container.encode(eventsOverLimit, forKey: .eventsOverLimit)
        try container.encode(activities, forKey: .activities)
        try container.encode(activitiesWithoutTime, forKey: .activitiesWithoutTime)
        try container.encode(failures, forKey: .failures)
        try container.encode(coverage, forKey: .coverage)
        try container.encode(nulLines, forKey: .nulLines)
        let secretList = secrets.map { Secret(value: Data($0.key), marker: String(decoding: $0.value, as: UTF8.self)) }
            .sorted { $0.value.lexicographicallyPrecedes($1.value) }
        try container.encode(secretList, forKey: .secrets)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(problems, forKey: .problems)
        try container.encodeIfPresent(zoneWarning, forKey: .zoneWarning)
        try container.encodeIfPresent(shardUnits, forKey: .shardUnits)
    }
}
