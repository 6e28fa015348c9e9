/// Variations of the attack story for benchmark corpora: different attackers, passwords, data and
/// traces, so detections do not all look alike.
enum StoryCatalogue {
    private static let passwords = ["Winter2024!", "Spring2025#", "P@ssw0rd2025", "Summer2024$", "Autumn-2024x", "Welcome1!2025"]
    private static let dataFolders = ["/srv/data/hr", "/srv/data/finance", "/var/lib/postgresql/exports", "/srv/share/contracts",
                                      "/home/shared/payroll"]
    private static let archiveNames = ["hr.tgz", "fin.tgz", "pg.tgz", "docs.tgz", "pay.tgz"]
    private static let persistenceUsers = ["sysupdate", "backup2", "systemd-net", "nginx-cache", "apt-helper"]
    private static let guessedNames = ["root", "admin", "ubuntu", "test", "oracle", "postgres", "backup", "svc-backup", "deploy",
                                       "git", "root", "jenkins", "svc-backup", "www"]

    /// The full story number `number`, with its acts spread over `[start, start + span)`: the leak
    /// at 5–20 %, the brute force at 30–45 %, the exfiltration at 55–70 % of the span.
    static func fullStory(number: Int, account: UserAccount, start: Int64, span: Int64, random: inout SeededRandom) -> AttackStory {
        let variant = number % dataFolders.count
        func moment(_ percent: Int64) -> Int64 {
            start + span * (percent + Int64(random.below(16))) / 100 + Int64(random.below(3000))
        }
        return AttackStory(
            account: account, attackerAddress: IPv4Address(203, 0, 113, UInt8(64 + number % 64)),
            leakSourceAddress: IPv4Address(10, 20, 0, UInt8(11 + random.below(40))),
            leakedPassword: passwords[number % passwords.count], guessedUserNames: guessedNames,
            failedAttempts: random.between(12, 60), payloadServer: IPv4Address(203, 0, 113, UInt8(127 - number % 32)),
            dataFolder: dataFolders[variant], archivePath: "/tmp/.cache/" + archiveNames[variant],
            archiveBytes: random.between(5_000_000, 900_000_000), persistenceUser: persistenceUsers[variant],
            persistenceUID: 1100 + number, bucket: "sync-\(4000 + number * 37)", lateralSourceAddress: nil,
            acts: [(.passwordLeak, moment(5)), (.bruteForceAndCompromise, moment(30)), (.exfiltrationAndCleanup, moment(55))])
    }

    /// Only the password leak (someone typing a password at the user-name prompt), at 30 % of the span.
    static func passwordLeakOnly(number: Int, account: UserAccount, start: Int64, span: Int64, random: inout SeededRandom) -> AttackStory {
        var story = fullStory(number: number, account: account, start: start, span: span, random: &random)
        story.acts = [(.passwordLeak, start + span * 3 / 10 + Int64(random.below(3000)))]
        return story
    }

    /// A human-readable summary of `story` on `host`.
    static func summary(of story: AttackStory, host: String, location: String) -> BenchmarkSummary.PlantedStory {
        let acts = story.acts.map { act, time -> String in
            let civil = UTCDateTime(epochSeconds: time)
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let stamp = "\(civil.year)-\(two(civil.month))-\(two(civil.day)) \(two(civil.hour)):\(two(civil.minute)):\(two(civil.second))"
            return "\(act) \(stamp)"
        }
        let attacker = story.acts.contains { $0.act != .passwordLeak } ? story.attackerAddress.description : ""
        return BenchmarkSummary.PlantedStory(host: host, location: location, attackerAddress: attacker,
                                             account: story.account.name, acts: acts)
    }
}
