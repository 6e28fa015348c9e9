import Crypto
import EvidenceInput
import Foundation

/// One shard of a sharded scan: shard `index` (1-based) of `count`, and where that was read.
public struct ShardSpec: Sendable, Equatable {
    public var index: Int
    public var count: Int
    /// `--shard`, or the environment variables it came from (`SLURM_ARRAY_TASK_ID=2, …`).
    public var source: String

    public init(index: Int, count: Int, source: String) {
        self.index = index
        self.count = count
        self.source = source
    }

    /// `K/N`, 1 ≤ K ≤ N.
    public init?(text: String, source: String = "--shard") {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.init(index: index, count: count, source: source)
    }

    public var description: String { "\(index)/\(count)" }

    /// Why the environment does not give a usable shard.
    public struct EnvironmentError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The shard an array job's environment gives this task, or nil when it names none.
    ///
    /// - Slurm: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` (and `SLURM_ARRAY_TASK_MIN`, so
    ///   `--array=1-4` works as well as `--array=0-3`; a step other than 1 is refused).
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based); the count from `countHint`
    ///   (`--shard-count`) or `SPOOR_SHARD_COUNT`, since Kubernetes does not pass `completions`.
    /// - AWS Batch array job: `AWS_BATCH_JOB_ARRAY_INDEX` (0-based); the count from `AWS_BATCH_JOB_ARRAY_SIZE`
    ///   when set, else `countHint` or `SPOOR_SHARD_COUNT` (Batch passes only the index).
    /// - GCP Batch: `BATCH_TASK_INDEX` (0-based) and `BATCH_TASK_COUNT`.
    public static func fromEnvironment(_ environment: [String: String], countHint: Int?) throws(EnvironmentError) -> ShardSpec? {
        func number(_ name: String) throws(EnvironmentError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), value >= 0 else { throw EnvironmentError(description: "\(name)=\(text) is not a number") }
            return value
        }
        func count(_ given: Int?, _ names: String) throws(EnvironmentError) -> (Int, String) {
            if let given { return (given, names) }
            if let hint = countHint { return (hint, "--shard-count \(hint)") }
            if let value = try number("SPOOR_SHARD_COUNT") { return (value, "SPOOR_SHARD_COUNT=\(value)") }
            throw EnvironmentError(description: "\(names) is set but the number of tasks is not: give --shard-count N or SPOOR_SHARD_COUNT")
        }
        func spec(zeroBased index: Int, count: Int, source: String) throws(EnvironmentError) -> ShardSpec {
            guard count >= 1, index < count else { throw EnvironmentError(description: "\(source): task \(index) is not below the task count \(count)") }
            return ShardSpec(index: index + 1, count: count, source: source)
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            guard let total = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw EnvironmentError(description: "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
            }
            let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            if let step = try number("SLURM_ARRAY_TASK_STEP"), step != 1 {
                throw EnvironmentError(description: "SLURM_ARRAY_TASK_STEP=\(step): use a contiguous array (--array=0-N) or give --shard K/N")
            }
            return try spec(zeroBased: task - minimum, count: total,
                            source: "SLURM_ARRAY_TASK_ID=\(task), SLURM_ARRAY_TASK_MIN=\(minimum), SLURM_ARRAY_TASK_COUNT=\(total)")
        }
        if let task = try number("JOB_COMPLETION_INDEX") {
            let (total, source) = try count(nil, "JOB_COMPLETION_INDEX")
            return try spec(zeroBased: task, count: total, source: "JOB_COMPLETION_INDEX=\(task), \(source)")
        }
        if let task = try number("AWS_BATCH_JOB_ARRAY_INDEX") {
            let size = try number("AWS_BATCH_JOB_ARRAY_SIZE")
            let (total, source) = try count(size, size.map { "AWS_BATCH_JOB_ARRAY_SIZE=\($0)" } ?? "AWS_BATCH_JOB_ARRAY_INDEX")
            return try spec(zeroBased: task, count: total, source: "AWS_BATCH_JOB_ARRAY_INDEX=\(task), \(source)")
        }
        if let task = try number("BATCH_TASK_INDEX") {
            guard let total = try number("BATCH_TASK_COUNT") else {
                throw EnvironmentError(description: "BATCH_TASK_INDEX is set but BATCH_TASK_COUNT is not")
            }
            return try spec(zeroBased: task, count: total, source: "BATCH_TASK_INDEX=\(task), BATCH_TASK_COUNT=\(total)")
        }
        return nil
    }
}

/// Which evidence a shard was given: units are the files discovery lists before opening archives (a
/// file, or an archive with all its members), numbered in evidence order.
struct ShardUnits: Sendable, Codable, Equatable {
    /// Units in the whole evidence list.
    var unitCount: Int
    /// SHA-256 of the whole list (paths and sizes), so partials of different evidence never merge.
    var listSHA256: String
    /// The units this shard was given, ascending.
    var assigned: [Int]
    /// Per file the shard scanned (its file index): the unit it belongs to.
    var fileUnits: [Int]
    /// Every unit's path (so a merge can name the evidence of a missing shard).
    var unitPaths: [String]

    enum CodingKeys: String, CodingKey {
        case unitCount = "unit_count", listSHA256 = "list_sha256", assigned, fileUnits = "file_units", unitPaths = "unit_paths"
    }
}

/// How the evidence is cut into shards, the same in every task that is given the same evidence.
///
/// Units (a file, or an archive with its members) are grouped by rotation set: the folder and the
/// log's name (`hosts/web01/var/log/auth.log` for `auth.log`, `auth.log.1`, `auth.log.2.gz`), which in
/// a tree of hosts is the host and its log stream. A group never straddles two shards, so year
/// inference over a rotation set and a session that spans rotated files see all their files in one
/// task. Groups go, largest (estimated bytes to read: ``estimatedBytes(_:)``) first, to the shard with the fewest bytes so far (ties: the
/// lower shard), which keeps shards within about one group of each other. The cut depends only on the
/// list and the sizes, never on the machine or the order tasks start in.
struct ShardPlan {
    /// Shard (0-based) of each unit.
    let shardOfUnit: [Int]
    let listSHA256: String

    init(files: [EvidenceFile], shardCount: Int) {
        let sizes = files.map { file -> Int64 in
            guard let path = file.filesystemPath else { return 0 }
            return Self.estimatedBytes(path)
        }
        self.init(paths: files.map(\.displayPath), sizes: sizes, shardCount: shardCount)
    }

    /// The bytes a file will give to read, as a weight: its size, or for gzip the larger of its size
    /// and the last member's ISIZE (the trailer's uncompressed size mod 2³²), since a gzip file of 26 MB
    /// may hold 200 MB of lines. Read-only: a stat, 2 bytes and 4 bytes.
    static func estimatedBytes(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        let size = Int64(info.st_size)
        guard size >= 18, let handle = FileHandle(forReadingAtPath: path) else { return size }
        defer { try? handle.close() }
        guard let magic = try? handle.read(upToCount: 2), magic.elementsEqual([0x1f, 0x8b]),
              (try? handle.seek(toOffset: UInt64(size - 4))) != nil, let trailer = try? handle.read(upToCount: 4), trailer.count == 4 else { return size }
        let bytes = Array(trailer)
        let isize = Int64(bytes[0]) | Int64(bytes[1]) << 8 | Int64(bytes[2]) << 16 | Int64(bytes[3]) << 24
        return max(size, isize)
    }

    init(paths: [String], sizes: [Int64], shardCount: Int) {
        var groups: [String: (bytes: Int64, units: [Int])] = [:]
        var digest = SHA256()
        for (unit, path) in paths.enumerated() {
            let key = RotationSet.rotationKey(path).key
            groups[key, default: (0, [])].bytes += sizes[unit]
            groups[key, default: (0, [])].units.append(unit)
            digest.update(data: Data("\(path)\u{0}\(sizes[unit])\u{0}".utf8))
        }
        listSHA256 = digest.finalize().map { String(format: "%02x", $0) }.joined()
        var shardOfUnit = Array(repeating: 0, count: paths.count)
        var load = Array(repeating: Int64(0), count: max(1, shardCount))
        let ordered = groups.sorted { ($0.value.bytes, $1.key) > ($1.value.bytes, $0.key) }
        for (_, group) in ordered {
            let shard = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            load[shard] += group.bytes
            for unit in group.units { shardOfUnit[unit] = shard }
        }
        self.shardOfUnit = shardOfUnit
    }

    /// The units of shard `index` (1-based), ascending.
    func units(of index: Int) -> [Int] {
        shardOfUnit.indices.filter { shardOfUnit[$0] == index - 1 }
    }
}
