import Testing
@testable import Scanning

/// How evidence is cut into shards, and how an array job's environment names a task's shard.
@Suite("shard plans")
struct ShardPlanTests {
    /// Six hosts' rotated logs, as a collection tree lists them (byte-wise sorted).
    static let paths: [String] = {
        var paths: [String] = []
        for host in ["db01", "db02", "web01", "web02", "web03", "web04"] {
            for log in ["auth.log", "syslog"] {
                for suffix in ["", ".1", ".2.gz", ".3.gz"] { paths.append("case/\(host)/var/log/\(log)\(suffix)") }
            }
            paths.append("case/\(host)/var/log/secure-20250301.gz")
            paths.append("case/\(host)/var/log/secure-20250308")
        }
        return paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }()

    static func sizes(_ paths: [String]) -> [Int64] {
        paths.map { path in Int64(1_000 + (path.hasSuffix(".gz") ? 200 : 5_000) + path.utf8.count * 37) }
    }

    @Test("a rotation set (one host's log stream) never straddles two shards; every unit is in exactly one", arguments: [1, 2, 3, 4, 7])
    func rotationSetsStayTogether(count: Int) {
        let plan = ShardPlan(paths: Self.paths, sizes: Self.sizes(Self.paths), shardCount: count)
        var shardOfSet: [String: Int] = [:]
        for (unit, path) in Self.paths.enumerated() {
            let key = String(path.split(separator: "/").dropLast().joined(separator: "/")) + "/" + (path.contains("auth.log") ? "auth.log" : path.contains("syslog") ? "syslog" : "secure")
            if let shard = shardOfSet[key] { #expect(shard == plan.shardOfUnit[unit], "\(path) left its rotation set") }
            shardOfSet[key] = plan.shardOfUnit[unit]
        }
        let all = (1...count).flatMap { plan.units(of: $0) }.sorted()
        #expect(all == Array(Self.paths.indices))
        #expect(shardOfSet.count == 18)
    }

    @Test("shards are balanced by bytes: with 18 similar groups and 4 shards, the largest is within 1.5 × the mean")
    func balanced() {
        let sizes = Self.sizes(Self.paths)
        let plan = ShardPlan(paths: Self.paths, sizes: sizes, shardCount: 4)
        let loads = (1...4).map { shard in plan.units(of: shard).reduce(Int64(0)) { $0 + sizes[$1] } }
        let mean = Double(loads.reduce(0, +)) / 4
        #expect(Double(loads.max()!) <= 1.5 * mean, "\(loads)")
        #expect(loads.allSatisfy { $0 > 0 })
    }

    @Test("the cut depends only on the list: the same paths and sizes give the same plan and hash; another size, another hash")
    func deterministic() {
        let sizes = Self.sizes(Self.paths)
        let first = ShardPlan(paths: Self.paths, sizes: sizes, shardCount: 3)
        let second = ShardPlan(paths: Self.paths, sizes: sizes, shardCount: 3)
        #expect(first.shardOfUnit == second.shardOfUnit)
        #expect(first.listSHA256 == second.listSHA256)
        var changed = sizes
        changed[0] += 1
        #expect(ShardPlan(paths: Self.paths, sizes: changed, shardCount: 3).listSHA256 != first.listSHA256)
    }

    @Test("--shard K/N is read and checked")
    func shardText() {
        #expect(ShardSpec(text: "2/4") == ShardSpec(index: 2, count: 4, source: "--shard"))
        for bad in ["0/4", "5/4", "2", "a/b", "2/0", "1/2/3", "-1/2"] { #expect(ShardSpec(text: bad) == nil, "\(bad)") }
    }

    @Test("array-job environments: Slurm (with its minimum), Kubernetes, AWS Batch, GCP Batch, and what is refused")
    func environments() throws {
        #expect(try ShardSpec.fromEnvironment([:], countHint: nil) == nil)
        let slurm = try #require(try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"], countHint: nil))
        #expect((slurm.index, slurm.count) == (4, 4))
        #expect(slurm.source.hasPrefix("SLURM_ARRAY_TASK_ID=4"))
        let kubernetes = try #require(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], countHint: 3))
        #expect((kubernetes.index, kubernetes.count) == (1, 3))
        let aws = try #require(try ShardSpec.fromEnvironment(["AWS_BATCH_JOB_ARRAY_INDEX": "2", "SPOOR_SHARD_COUNT": "5"], countHint: nil))
        #expect((aws.index, aws.count) == (3, 5))
        let gcp = try #require(try ShardSpec.fromEnvironment(["BATCH_TASK_INDEX": "1", "BATCH_TASK_COUNT": "2"], countHint: nil))
        #expect((gcp.index, gcp.count) == (2, 2))
        let refused: [[String: String]] = [
            ["SLURM_ARRAY_TASK_ID": "1"],
            ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
            ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_STEP": "2"],
            ["JOB_COMPLETION_INDEX": "0"],
            ["AWS_BATCH_JOB_ARRAY_INDEX": "x", "SPOOR_SHARD_COUNT": "2"],
            ["BATCH_TASK_INDEX": "0"],
        ]
        for environment in refused {
            #expect(throws: ShardSpec.EnvironmentError.self, "\(environment)") { try ShardSpec.fromEnvironment(environment, countHint: nil) }
        }
    }
}
