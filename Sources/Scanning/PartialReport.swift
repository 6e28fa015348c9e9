import DetectionRules
import ExposureAnalysis
import ExposureReport
import Foundation

/// A shard's partial report, `spoor.partial/v2`: what one task of a sharded scan found, before
/// correlation and analysis, for `spoor merge` (see ``PartialMerge``).
///
/// It names its shard, the whole evidence list's hash and the units it was given, the rule set's hash,
/// the options that change results, every evidence entry it covered (with SHA-256), and the merged
/// per-file results: findings (each rule's first `findings-cap`), rule statistics, the events
/// correlations read, activities, failed-login sums, coverage minutes, NUL-line counts and secrets.
/// Documented in `Documentation/ScaleOut.md`.
public struct PartialReport: Sendable {
    public static let schemaIdentifier = "spoor.partial/v2"

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

    /// The file's bytes: the magic line `spoor.partial/v2 header-checksum=H`, the header (one line of
    /// JSON, keys sorted: everything a person reads, and the binary sections' sizes and checksums),
    /// then the binary sections (``PartialCodec``). The same state gives the same bytes.
    public func encoded() throws -> Data {
        let sections = try PartialCodec.encode(state)
        var header = PartialHeader(schema: schema, tool: tool, run: run, shard: shard, rulesSHA256: rulesSHA256, settings: settings,
                                   units: units, paths: state.paths, evidence: state.evidence, statistics: state.statistics,
                                   eventsWithoutTime: state.eventsWithoutTime, eventsOverLimit: state.eventsOverLimit,
                                   activitiesWithoutTime: state.activitiesWithoutTime, warnings: state.warnings, problems: state.problems,
                                   zoneWarning: state.zoneWarning, sections: [])
        header.sections = zip(PartialCodec.sectionNames, sections).map { name, section in
            PartialHeader.Section(name: name, bytes: section.bytes.count, items: section.items,
                                  checksum: section.bytes.withUnsafeBytes(PartialCodec.checksum))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let headerLine = try encoder.encode(header)
        var data = Data()
        data.reserveCapacity(headerLine.count + sections.reduce(100) { $0 + $1.bytes.count })
        data.append(contentsOf: Array("\(Self.schemaIdentifier) header-checksum=\(headerLine.withUnsafeBytes(PartialCodec.checksum))\n".utf8))
        data.append(headerLine)
        data.append(0x0a)
        for section in sections { data.append(contentsOf: section.bytes) }
        return data
    }

    /// Reads a partial report, checking every length, count, index and checksum: a damaged or
    /// truncated file throws ``PartialFormatError`` (the section and byte offset), never traps.
    public static func decode(_ data: Data) throws(PartialFormatError) -> PartialReport {
        let result: Result<PartialReport, PartialFormatError> = data.withUnsafeBytes { bytes in
            do throws(PartialFormatError) { return .success(try decode(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(PartialFormatError) -> PartialReport {
        func headerError(_ message: String, at offset: Int = 0) -> PartialFormatError {
            PartialFormatError(section: "header", offset: offset, message: message)
        }
        if bytes.first == UInt8(ascii: "{") {
            throw headerError("a JSON file, not \(schemaIdentifier): a partial of an older spoor (spoor.partial/v1)? Scan the shard again")
        }
        guard let magicEnd = bytes.prefix(200).firstIndex(of: 0x0a) else {
            throw headerError("no \(schemaIdentifier) line at the start: not a partial report, or an empty or cut file")
        }
        let magic = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<magicEnd]), as: UTF8.self)
        let prefix = schemaIdentifier + " header-checksum="
        guard magic.hasPrefix(prefix) else {
            throw headerError("the first line is \"\(magic.prefix(60))\", not \(schemaIdentifier): not a partial report of this spoor")
        }
        let headerStart = magicEnd + 1
        guard let headerEnd = bytes[headerStart...].firstIndex(of: 0x0a) else { throw headerError("the header line has no end: a cut file", at: headerStart) }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<headerEnd])
        guard PartialCodec.checksum(headerBytes) == magic.dropFirst(prefix.count) else {
            throw headerError("the header's checksum does not match: a damaged file", at: headerStart)
        }
        let header: PartialHeader
        do {
            header = try JSONDecoder().decode(PartialHeader.self, from: Data(headerBytes))
        } catch {
            throw headerError("unreadable header: \(error)", at: headerStart)
        }
        guard header.schema == schemaIdentifier else { throw headerError("schema \(header.schema) in the header", at: headerStart) }
        guard header.sections.map(\.name) == PartialCodec.sectionNames else {
            throw headerError("sections \(header.sections.map(\.name)), not \(PartialCodec.sectionNames)", at: headerStart)
        }
        // The header's own consistency: what the merge indexes by file.
        let fileCount = header.paths.count
        guard header.evidence.count == fileCount, header.units.fileUnits.count == fileCount,
              header.units.fileUnits.allSatisfy({ $0 >= 0 && $0 < header.units.unitCount }),
              header.units.assigned.allSatisfy({ $0 >= 0 && $0 < header.units.unitCount }),
              header.shard.count >= 1, header.shard.index >= 1, header.shard.index <= header.shard.count else {
            throw headerError("the header's files, evidence, units or shard do not agree", at: headerStart)
        }
        var offset = headerEnd + 1
        var ranges: [Range<Int>] = []
        for section in header.sections {
            guard section.bytes >= 0, section.bytes <= bytes.count - offset else {
                throw PartialFormatError(section: section.name, offset: offset, message: "\(section.bytes) bytes announced, \(bytes.count - offset) left: a cut file")
            }
            let range = offset..<(offset + section.bytes)
            guard PartialCodec.checksum(UnsafeRawBufferPointer(rebasing: bytes[range])) == section.checksum else {
                throw PartialFormatError(section: section.name, offset: offset, message: "the checksum does not match: a damaged file")
            }
            ranges.append(range)
            offset += section.bytes
        }
        guard offset == bytes.count else { throw PartialFormatError(section: "end", offset: offset, message: "\(bytes.count - offset) bytes after the last section") }

        func reader(_ index: Int, strings: [String]) -> PartialCodec.Reader {
            PartialCodec.Reader(UnsafeRawBufferPointer(rebasing: bytes[ranges[index]]), section: header.sections[index].name,
                                fileOffset: ranges[index].lowerBound, strings: strings, fileCount: fileCount)
        }
        var stringReader = reader(0, strings: [])
        let strings = try PartialCodec.readStrings(&stringReader)
        var findingReader = reader(1, strings: strings)
        let (findings, findingFiles) = try PartialCodec.readFindings(&findingReader)
        var eventReader = reader(2, strings: strings)
        let events = try PartialCodec.readEvents(&eventReader)
        var activityReader = reader(3, strings: strings)
        let activities = try PartialCodec.readActivities(&activityReader)
        var failureReader = reader(4, strings: strings)
        let failures = try PartialCodec.readFailures(&failureReader)
        var coverageReader = reader(5, strings: strings)
        let coverage = try PartialCodec.readCoverage(&coverageReader)
        var nulReader = reader(6, strings: strings)
        let nulLines = try PartialCodec.readNulLines(&nulReader)
        var secretReader = reader(7, strings: strings)
        let secrets = try PartialCodec.readSecrets(&secretReader)
        if let first = failures.sources.values.compactMap(\.first).first(where: { $0.fileIndex >= fileCount }) {
            throw PartialFormatError(section: "failures", offset: ranges[4].lowerBound, message: "file index \(first.fileIndex) of a partial with \(fileCount) files")
        }
        let state = ScanState(paths: header.paths, evidence: header.evidence, findings: findings, findingFiles: findingFiles,
                              statistics: header.statistics, correlationEvents: events, eventsWithoutTime: header.eventsWithoutTime,
                              eventsOverLimit: header.eventsOverLimit, activities: activities, activitiesWithoutTime: header.activitiesWithoutTime,
                              failures: failures, coverage: coverage, nulLines: nulLines, secrets: secrets, warnings: header.warnings,
                              problems: header.problems, zoneWarning: header.zoneWarning, shardUnits: nil)
        return PartialReport(schema: header.schema, tool: header.tool, run: header.run, shard: header.shard, rulesSHA256: header.rulesSHA256,
                             settings: header.settings, units: header.units, state: state)
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

    init(schema: String, tool: ToolInfo, run: RunInfo, shard: Shard, rulesSHA256: String, settings: PartialSettings, units: ShardUnits, state: ScanState) {
        self.schema = schema
        self.tool = tool
        self.run = run
        self.shard = shard
        self.rulesSHA256 = rulesSHA256
        self.settings = settings
        self.units = units
        self.state = state
    }
}

/// A partial report's header: the readable part of the file, one line of JSON.
struct PartialHeader: Codable {
    var schema: String
    var tool: ToolInfo
    var run: RunInfo
    var shard: PartialReport.Shard
    var rulesSHA256: String
    var settings: PartialSettings
    var units: ShardUnits
    var paths: [String]
    var evidence: [EvidenceEntry]
    var statistics: [RuleStatistics]
    var eventsWithoutTime: Int
    var eventsOverLimit: Int
    var activitiesWithoutTime: Int
    var warnings: [String]
    var problems: [String]
    var zoneWarning: String?
    var sections: [Section]

    struct Section: Codable {
        var name: String
        var bytes: Int
        var items: Int
        var checksum: String
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool, run, shard, settings, units, paths, evidence, statistics, warnings, problems, sections
        case rulesSHA256 = "rules_sha256", eventsWithoutTime = "events_without_time", eventsOverLimit = "events_over_limit"
        case activitiesWithoutTime = "activities_without_time", zoneWarning = "zone_warning"
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
