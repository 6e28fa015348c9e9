import ExposureAnalysis
import Foundation
import BinaryLogs
import DetectionRules
import EvidenceInput
import ExposureReport
import LineChunking
import RecordParsing

/// The scan: the only place with threads.
///
/// Shape: reader threads (one file each at a time, in file order) decompress and cut line-aligned
/// chunks into one bounded queue; worker threads match chunks; one merger puts results back in file
/// order then chunk order. At most `2 × jobs` chunks are queued, so memory does not grow with the input.
/// A damaged or unreadable file becomes an evidence entry with its error; the scan goes on.
public struct ScanPipeline {
    public let configuration: ScanConfiguration
    public let rules: RuleSet

    public init(configuration: ScanConfiguration, rules: RuleSet) {
        self.configuration = configuration
        self.rules = rules
    }

    /// Progress callback: stored bytes read so far, total stored bytes when known.
    public typealias ProgressHandler = @Sendable (_ bytesRead: Int64, _ totalBytes: Int64) -> Void

    /// Runs the scan and returns the report's deterministic parts (the caller fills in ``RunInfo``).
    public func run(progress: ProgressHandler? = nil) -> ScanOutcome {
        var state = runState(progress: progress)
        return state.outcome(rules: rules, configuration: configuration)
    }

    /// Runs the scan (of ``ScanConfiguration/shard`` only, when set) up to, not including, correlation
    /// and analysis: what a partial report holds.
    public func runState(progress: ProgressHandler? = nil) -> ScanState {
        let discovery: EvidenceDiscovery.Result
        /// A shard's zone, from the whole evidence list; a single scan's is decided from its files below.
        var shardZone: (ZoneChoice, String?)?
        var shardUnits: ShardUnits?
        if let shard = configuration.shard {
            // Every shard lists the same evidence (archives unopened), takes the zone from all of it,
            // and cuts the same plan; it then lists the members of its own archives only.
            let all = EvidenceDiscovery.discover(configuration.evidencePaths, archivePasswords: configuration.archivePasswords, expandingArchives: false)
            // (A UAC bundle inside an archive is only seen by the shard holding it: its zone is used there.)
            shardZone = Self.zone(configuration: configuration, files: all.files, bundles: CollectorBundle.find(in: all.files))
            let plan = ShardPlan(files: all.files, shardCount: shard.count)
            var mine = EvidenceDiscovery.Result()
            mine.problems = all.problems
            var units = ShardUnits(unitCount: all.files.count, listSHA256: plan.listSHA256, assigned: plan.units(of: shard.index), fileUnits: [],
                                   unitPaths: all.files.map(\.displayPath))
            for unit in units.assigned {
                mine.files.append(all.files[unit])
                ArchiveListing.expand(&mine.files, index: mine.files.count - 1, passwords: configuration.archivePasswords)
                units.fileUnits += Array(repeating: unit, count: mine.files.count - units.fileUnits.count)
            }
            discovery = mine
            shardUnits = units
        } else {
            discovery = EvidenceDiscovery.discover(configuration.evidencePaths, archivePasswords: configuration.archivePasswords)
        }
        let files = discovery.files
        let totalBytes = files.reduce(Int64(0)) { total, file in
            guard let path = file.filesystemPath, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attributes[.size] as? NSNumber else { return total }
            return total + size.int64Value
        }
        let dates = files.map(Self.dates(of:))
        let bundles = CollectorBundle.find(in: files)
        let (zone, zoneProblem) = shardZone ?? Self.zone(configuration: configuration, files: files, bundles: bundles)
        let timeResolver = TimeResolver(paths: files.map(\.displayPath), dates: dates, zone: zone,
                                        referenceDate: configuration.referenceDate, scanDate: configuration.scanDate,
                                        acquisitionTimes: files.map { CollectorBundle.bundle(of: $0.displayPath, in: bundles)?.acquisitionTime })
        let merger = ResultMerger(paths: files.map(\.displayPath), rules: rules, configuration: configuration, timeResolver: timeResolver)
        let queue = BlockingQueue<WorkItem>(capacity: 2 * configuration.jobs)
        // A file given as evidence and, for an archive, its members: one reader reads them in order.
        let units = Self.readingUnits(files)
        // Files that repeat an earlier file's content (auth.log.1 beside auth.log.1.gz) are read once.
        let copies = configuration.readsRepeatedContentOnce ? DuplicateContent.find(in: files) : [:]
        let nextUnit = FileDispenser(units: units, lookahead: max(4, 2 * configuration.jobs), merger: merger)
        let readerCount = max(1, min(configuration.jobs, units.count))
        let group = DispatchGroup()
        let bytesRead = ByteCounter()

        var workers: [Thread] = []
        for _ in 0..<configuration.jobs {
            group.enter()
            let thread = Thread { [rules, configuration] in
                Self.yieldToReaders()
                let matcher = ChunkMatcher(rules: rules, configuration: configuration, capBoard: merger.capBoard)
                while let item = queue.pop() {
                    merger.accept(matcher.match(item.chunk, fileIndex: item.fileIndex))
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            workers.append(thread)
        }
        let readers = DispatchGroup()
        var readerThreads: [Thread] = []
        for _ in 0..<readerCount {
            readers.enter()
            let thread = Thread { [configuration] in
                while let unit = nextUnit.claim() {
                    let fileIndex = unit.lowerBound
                    if files[fileIndex].isArchive {
                        let visitor = ArchiveScanVisitor(files: files, configuration: configuration, queue: queue, merger: merger)
                        ArchiveWalk.walk(files, archiveIndex: fileIndex, passwords: configuration.archivePasswords,
                                         limits: configuration.decompressionLimits, visitor: visitor)
                        bytesRead.add(visitor.archiveBytes)
                    } else if let copy = copies[fileIndex] {
                        merger.fileRead(fileIndex, summary: Self.copySummary(files[fileIndex], copy: copy, original: files[copy.original]))
                        bytesRead.add(copy.storedBytes)
                    } else {
                        let summary = Self.read(files[fileIndex], index: fileIndex, configuration: configuration, queue: queue, bytesRead: bytesRead)
                        merger.fileRead(fileIndex, summary: summary)
                    }
                }
                readers.leave()
            }
            readerThreads.append(thread)
        }
        workers.forEach { $0.start() }
        readerThreads.forEach { $0.start() }

        if let progress {
            while readers.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
                progress(bytesRead.value, totalBytes)
            }
        } else {
            readers.wait()
        }
        queue.close()
        group.wait()
        progress?(bytesRead.value, totalBytes)
        var state = merger.state(discoveryProblems: discovery.problems)
        state.zoneWarning = zoneProblem
        state.shardUnits = shardUnits
        // What a collection gave the scan, said on its acquisition log's entry.
        for bundle in bundles {
            var parts: [String] = []
            if let time = bundle.acquisitionTime, let source = bundle.acquisitionSource {
                parts.append("acquired \(UTCText.format(nanoseconds: time * 1_000_000_000)) (\(source)): the upper bound for the years of its year-less logs")
            }
            if let zone = bundle.zone, let source = bundle.zoneSource { parts.append("zone \(zone) (\(source))") }
            guard let index = files.firstIndex(where: { $0.displayPath == bundle.root + "uac.log" }) else { continue }
            state.evidence[index].warnings.append("\(bundle.collector.uppercased()) collection \(bundle.root.isEmpty ? "." : bundle.root): "
                                                  + (parts.isEmpty ? "no acquisition time or zone found" : parts.joined(separator: "; ")))
        }
        return state
    }

    /// Lowers the calling worker thread's scheduling priority a little (Linux: per-thread nice), so the
    /// reader threads, which decompress and are the scan's critical path, get a core first when
    /// workers compete with them; workers use what is left.
    static func yieldToReaders() {
        #if os(Linux)
        // On Linux, nice values are per thread: who = 0 is the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        #endif
    }

    /// Ranges of evidence indexes read by one reader: a file given as evidence, with its members when
    /// it is an archive (members follow their archive in the evidence list).
    static func readingUnits(_ files: [EvidenceFile]) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var start = 0
        while start < files.count {
            var end = start + 1
            while end < files.count && files[end].member != nil { end += 1 }
            units.append(start..<end)
            start = end
        }
        return units
    }

    /// A file's gzip MTIME and modification time, read before scanning (8 bytes and a stat); for an
    /// archive member, its stored modification time and the first bytes the listing kept.
    static func dates(of file: EvidenceFile) -> FileDates {
        if let member = file.member {
            var dates = FileDates()
            dates.fileModificationTime = member.modificationTime
            dates.gzipModificationTime = gzipModificationTime(header: member.leadingBytes)
            return dates
        }
        guard let path = file.filesystemPath, let handle = FileHandle(forReadingAtPath: path) else { return FileDates() }
        defer { try? handle.close() }
        var dates = FileDates()
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), let modified = attributes[.modificationDate] as? Date {
            dates.fileModificationTime = Int64(modified.timeIntervalSince1970)
        }
        if let header = try? handle.read(upToCount: 8) {
            dates.gzipModificationTime = gzipModificationTime(header: Array(header))
        }
        return dates
    }

    /// The MTIME of a gzip header's first 8 bytes; nil when not gzip or not stored (0).
    static func gzipModificationTime(header bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 8, bytes[0] == 0x1f, bytes[1] == 0x8b else { return nil }
        let mtime = Int64(bytes[4]) | Int64(bytes[5]) << 8 | Int64(bytes[6]) << 16 | Int64(bytes[7]) << 24
        return mtime != 0 ? mtime : nil
    }

    /// The zone of local stamps: `--timezone`, else the zone a triage collection recorded (`timedatectl`,
    /// `[root]/etc/timezone`), else an `etc/timezone` (or `etc/localtime`) among the evidence, files or
    /// archive members, else UTC (with a warning, since local stamps are then only as good as that guess).
    /// One zone serves the whole scan: collections that disagree are named in a warning.
    static func zone(configuration: ScanConfiguration, files: [EvidenceFile], bundles: [CollectorBundle] = []) -> (ZoneChoice, String?) {
        if let identifier = configuration.timeZoneIdentifier, let rules = ZoneRules(identifier: identifier) {
            return (ZoneChoice(rules: rules, source: "--timezone"), nil)
        }
        let zoned = bundles.filter { $0.zone.flatMap { ZoneRules(identifier: $0) } != nil }
        if let first = zoned.first, let name = first.zone, let rules = ZoneRules(identifier: name) {
            let others = zoned.filter { $0.zone != name }
            let problem = others.isEmpty ? nil
                : "collections record different zones (\(([first] + others).map { "\($0.zoneSource ?? $0.root): \($0.zone ?? "?")" }.joined(separator: ", "))): \(name) was used for all; scan each collection alone, or give --timezone"
            return (ZoneChoice(rules: rules, source: "evidence:\(first.zoneSource ?? first.root)"), problem)
        }
        for file in files where file.displayPath.hasSuffix("etc/timezone") {
            if let bytes = CollectorBundle.content(of: file) {
                let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if let rules = ZoneRules(identifier: name) { return (ZoneChoice(rules: rules, source: "evidence:\(file.displayPath)"), nil) }
            }
        }
        for file in files where file.displayPath.hasSuffix("etc/localtime") {
            if let path = file.filesystemPath, let name = LocaltimeZone.identifier(ofLocaltimeAt: path),
               let rules = ZoneRules(identifier: name) {
                return (ZoneChoice(rules: rules, source: "evidence:\(file.displayPath)"), nil)
            }
        }
        return (ZoneChoice(rules: .utc, source: "assumed-utc"),
                "no time zone given (--timezone) or found in the evidence (etc/timezone): local time stamps were read as UTC")
    }

    /// The entry of a file not read because an earlier file has the same content.
    static func copySummary(_ file: EvidenceFile, copy: DuplicateContent.Copy, original: EvidenceFile) -> FileSummary {
        var summary = FileSummary(path: file.displayPath)
        summary.sha256 = copy.storedSHA256
        summary.storedBytes = copy.storedBytes
        summary.compression = copy.compression.rawValue
        summary.decompressedBytes = copy.decompressedBytes
        summary.duplicateOf = original.displayPath
        summary.warnings.append("same content as \(original.displayPath) (decompressed SHA-256 \(copy.contentSHA256)): scanned there, not again")
        return summary
    }

    struct WorkItem: Sendable {
        var fileIndex: Int
        var chunk: Chunk
    }

    /// Reads one file into the queue and says what it was.
    static func read(_ file: EvidenceFile, index: Int, configuration: ScanConfiguration, queue: BlockingQueue<WorkItem>, bytesRead: ByteCounter) -> FileSummary {
        let summary = FileSummary(path: file.displayPath)
        let reader: EvidenceReader
        do {
            reader = try EvidenceReader(file: file)
        } catch {
            var summary = summary
            summary.status = .error
            summary.error = error.description
            return summary
        }
        reader.budget = DecompressionBudget(limits: configuration.decompressionLimits, path: file.filesystemPath)
        // Binary logs (login records, journal files) are told by content and become one line per record.
        if let path = file.filesystemPath {
            do throws(InputError) {
                if let records = try BinaryEvidence.reader(forFileAt: path, displayPath: file.displayPath, maximumLineBytes: configuration.maximumLineBytes) {
                    return readRecords(records, evidence: reader, index: index, queue: queue, bytesRead: bytesRead, summary: summary)
                }
            } catch {
                var summary = summary
                summary.status = .error
                summary.error = error.description
                summary.sha256 = reader.finish()
                summary.storedBytes = reader.storedBytes
                bytesRead.add(reader.storedBytes)
                return summary
            }
        }
        return readLines(reader, index: index, configuration: configuration, queue: queue, bytesRead: bytesRead, summary: summary)
    }

    /// Cuts an opened evidence stream (a file, or an archive member) into chunks on the queue.
    static func readLines(_ reader: EvidenceReader, index: Int, configuration: ScanConfiguration, queue: BlockingQueue<WorkItem>,
                          bytesRead: ByteCounter, summary: FileSummary) -> FileSummary {
        var summary = summary
        var chunker = LineChunker(targetChunkBytes: configuration.chunkBytes, maximumLineBytes: configuration.maximumLineBytes)
        var lastStored: Int64 = 0
        do {
            while let chunk = try chunker.next(from: reader) {
                queue.push(WorkItem(fileIndex: index, chunk: chunk))
                summary.chunkCount += 1
                bytesRead.add(reader.storedBytes - lastStored)
                lastStored = reader.storedBytes
            }
        } catch {
            summary.status = chunker.lineCount > 0 || reader.decompressedBytes > 0 ? .partial : .error
            summary.error = error.description
            if case .damaged(_, _, _, _, let isChecksum) = error { summary.hasDamagedData = isChecksum }
        }
        summary.sha256 = reader.finish()
        bytesRead.add(reader.storedBytes - lastStored)
        summary.storedBytes = reader.storedBytes
        summary.compression = reader.compression.rawValue
        summary.decompressedBytes = reader.decompressedBytes
        summary.lines = chunker.lineCount
        summary.truncatedLines = chunker.truncatedLines
        if reader.compression == .gzip { summary.gzipMembers = reader.gzipMembers }
        if reader.trailingGarbageBytes > 0 {
            summary.warnings.append("\(reader.trailingGarbageBytes) bytes of trailing data after the last gzip member were not scanned")
        }
        if chunker.truncatedLines > 0 {
            summary.warnings.append("\(chunker.truncatedLines) lines longer than \(configuration.maximumLineBytes) bytes were cut for matching (\(chunker.discardedBytes) bytes not matched)")
        }
        if reader.storedBytes == 0 { summary.warnings.append("empty file") }
        return summary
    }

    /// Queues the chunks of a binary log's rendered records; `evidence` only hashes the stored bytes.
    /// Lines are records, offsets are the records' offsets in the stored file (see `Chunk.lineSourceOffsets`).
    static func readRecords(_ records: any BinaryRecordReader, evidence: EvidenceReader, index: Int, queue: BlockingQueue<WorkItem>,
                            bytesRead: ByteCounter, summary: FileSummary) -> FileSummary {
        var summary = summary
        do throws(InputError) {
            while let chunk = try records.nextChunk() {
                queue.push(WorkItem(fileIndex: index, chunk: chunk))
                summary.chunkCount += 1
            }
        } catch {
            summary.status = records.recordsRead > 0 ? .partial : .error
            summary.error = error.description
        }
        summary.sha256 = evidence.finish()
        bytesRead.add(evidence.storedBytes)
        summary.storedBytes = evidence.storedBytes
        summary.decompressedBytes = evidence.storedBytes
        summary.lines = records.recordsRead
        summary.truncatedLines = records.truncatedLines
        summary.warnings.append("binary log read as \(records.formatDescription)")
        return summary
    }
}

/// What a reader learned about one file.
struct FileSummary: Sendable {
    var path: String
    var status: EvidenceEntry.Status = .ok
    var error: String?
    var warnings: [String] = []
    var sha256: String?
    var storedBytes: Int64 = 0
    var compression = "none"
    var decompressedBytes: Int64 = 0
    var lines = 0
    var truncatedLines = 0
    var gzipMembers: Int?
    var chunkCount = 0
    var hasDamagedData = false
    /// For an archive: its container format (`tar`, `zip`, …).
    var archiveFormat: String?
    /// For an archive member: its stored modification time, seconds since 1970 UTC.
    var memberModificationTime: Int64?
    /// Set when the file was not read because this earlier file has the same content.
    var duplicateOf: String?
}

/// The scan's deterministic result, before the caller adds how the run was made.
public struct ScanOutcome: Sendable {
    public var evidence: [EvidenceEntry]
    public var findings: [Finding]
    public var statistics: [RuleStatistics]
    public var problems: [String]
    /// Things the reader should know that do not make the scan incomplete (an assumed zone, say).
    public var warnings: [String] = []
    /// Evidence paths by file index.
    public var paths: [String] = []
    /// Logins, sessions, commands, transfers and account changes, placed in time, in time order.
    public var activities: [Activity] = []
    /// Failed logins summed per source and account.
    public var failures = FailureSummary()
    /// Minutes with lines per host and log source.
    public var coverage: [CoverageSeries] = []
    /// Per file index: lines beginning with NUL bytes.
    public var nulLines: [Int: NulLineCount] = [:]
    /// Secrets the rules redacted and their markers, to scrub from the whole report.
    public var secrets: [(value: [UInt8], marker: String)] = []
}

/// Hands out reading units (a file, or an archive and its members) in order, never starting one more
/// than `lookahead` files ahead of the merger, so results waiting to be merged stay bounded.
final class FileDispenser: @unchecked Sendable {
    private let condition = NSCondition()
    private var next = 0
    private let units: [Range<Int>]
    private let lookahead: Int
    private let merger: ResultMerger

    init(units: [Range<Int>], lookahead: Int, merger: ResultMerger) {
        self.units = units
        self.lookahead = lookahead
        self.merger = merger
    }

    func claim() -> Range<Int>? {
        condition.lock()
        defer { condition.unlock() }
        guard next < units.count else { return nil }
        while next < units.count && units[next].lowerBound >= merger.mergedFileCount + lookahead {
            let needed = units[next].lowerBound - lookahead + 1
            condition.unlock()
            merger.wait(untilMergedFiles: needed)
            condition.lock()
        }
        guard next < units.count else { return nil }
        next += 1
        return units[next - 1]
    }
}

/// A thread-safe byte counter for progress.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Int64 = 0

    func add(_ bytes: Int64) {
        lock.lock(); total += bytes; lock.unlock()
    }

    var value: Int64 {
        lock.lock(); defer { lock.unlock() }
        return total
    }
}
