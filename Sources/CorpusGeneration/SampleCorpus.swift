import ZlibCodec

/// The small committed evidence set under `samples/`: `/var/log` of the Ubuntu web server `web01`
/// (which also receives `db01`'s forwarded lines), 4–7 March 2025, UTC, with one planted intrusion.
///
/// ```swift
/// let files = try SampleCorpus.write(to: "samples")   // samples/var/log/auth.log, …
/// ```
///
/// The same seed always gives the same bytes. `samples/README.md` tells the story line by line.
public enum SampleCorpus {
    /// The seed the committed samples were generated with.
    public static let defaultSeed: UInt64 = 20_250_307

    /// The evidence files, relative to the output folder, in the order they are written.
    public static let relativePaths = [
        "var/log/auth.log.3.gz", "var/log/auth.log.2.gz", "var/log/auth.log.1", "var/log/auth.log",
        "var/log/syslog.2.gz", "var/log/syslog.1", "var/log/syslog",
    ]

    /// When the evidence was collected: the live files end here.
    public static let collectionTime = UTCDateTime(year: 2025, month: 3, day: 7, hour: 15, minute: 58, second: 9).epochSeconds

    /// Writes the sample tree under `root` and returns the files written (relative paths).
    @discardableResult
    public static func write(to root: String, seed: UInt64 = defaultSeed) throws(CorpusError) -> [String] {
        var random = SeededRandom(seed: seed)
        func day(_ day: Int) -> Int64 { UTCDateTime(year: 2025, month: 3, day: day).epochSeconds }
        let rotationTimes = (4...7).map { day($0) + Int64(random.between(1, 4)) }
        let upgradeTime = day(5) + 10 * 3600 + 7 * 60 + 31
        var webRandom = random.derived(1)
        var web = HostBlueprint.profile(role: .web, name: "web01", address: IPv4Address(10, 0, 1, 10), distribution: .ubuntu,
                                        administrators: 2, sessionBinarySince: upgradeTime,
                                        bootTime: day(1) - 9 * 86_400 + 4 * 3600 + 1_234, rotationTimes: rotationTimes,
                                        random: &webRandom)
        web.scannerConnectionsPerHour = 22_000
        web.firewallBlocksPerHour = 30_000
        web.scannerBurstsPerDay = 1_000
        guard let serviceAccount = web.serviceAccount else { preconditionFailure("web profiles have a service account") }

        var databaseRandom = random.derived(2)
        var database = HostBlueprint.profile(role: .database, name: "db01", address: IPv4Address(10, 0, 1, 20),
                                             distribution: .debian, administrators: 1, sessionBinarySince: .max,
                                             bootTime: day(1) - 30 * 86_400, rotationTimes: [], random: &databaseRandom)
        database.serviceAccount = serviceAccount
        database.cronJobs = database.cronJobs.filter { String(decoding: $0.userName, as: UTF8.self) == "postgres" }
        database.timers = []
        database.firewallBlocksPerHour = 0
        database.administratorSessionsPerDay = 300
        database.usesChrony = false
        database.deliversLocalMail = false
        database.nightlyBackupLoginFrom = web.address

        let story = AttackStory(
            account: serviceAccount, attackerAddress: IPv4Address(203, 0, 113, 77),
            leakSourceAddress: IPv4Address(10, 20, 0, 15), leakedPassword: "Winter2024!",
            guessedUserNames: ["root", "admin", "ubuntu", "test", "oracle", "postgres", "backup", "svc-backup",
                               "deploy", "git", "root", "jenkins", "svc-backup", "www"],
            failedAttempts: 42, payloadServer: IPv4Address(203, 0, 113, 45), dataFolder: "/srv/data/hr",
            archivePath: "/tmp/.cache/hr.tgz", archiveBytes: 48_231_552, persistenceUser: "sysupdate", persistenceUID: 1004,
            bucket: "backup-sync-7731", lateralSourceAddress: nil,
            acts: [(.passwordLeak, day(4) + 14 * 3600 + 37 * 60 + 12),
                   (.bruteForceAndCompromise, day(5) + 23 * 3600 + 51 * 60 + 40),
                   (.exfiltrationAndCleanup, day(7) + 10 * 3600 + 31 * 60 + 7)])

        var authPlan = RotationPlan.logrotate(baseName: "var/log/auth.log", rotationTimes: rotationTimes,
                                              maximumMemberBytes: 16 << 20)
        // The oldest generation is two concatenated gzip members, as `cat first.gz second.gz` leaves.
        authPlan.periods[0].storage = .gzip(memberSplitTimes: [day(4) + 12 * 3600], maximumMemberBytes: 16 << 20,
                                            originalName: "auth.log.3")
        // This host's logrotate keeps two old generations of syslog (`rotate 2`), four of auth.log.
        var syslogPlan = RotationPlan.logrotate(baseName: "var/log/syslog", rotationTimes: Array(rotationTimes.dropFirst()),
                                                maximumMemberBytes: 16 << 20)
        if let wipe = story.syslogWipeTime { syslogPlan.wipe(at: wipe) }

        let encoder: GzipEncoder
        do { encoder = try GzipEncoder(level: 6) } catch { throw .compressorUnavailable(level: 6) }
        let authWriter = RotatedLogWriter(root: root, plan: authPlan, encoder: encoder)
        let syslogWriter = RotatedLogWriter(root: root, plan: syslogPlan, encoder: encoder)
        let start = day(4)
        let hosts = [
            HostContext(profile: web, startTime: start, random: random.derived(11), authSink: 0, syslogSink: 1, stories: [story]),
            HostContext(profile: database, startTime: start, random: random.derived(12), authSink: 0, syslogSink: 1,
                        stories: story.lateralCounterpart(from: web.address).map { [$0] } ?? []),
        ]
        let simulation = HostSimulation(hosts: hosts, sinks: [authWriter, syslogWriter], startTime: start, endTime: collectionTime)
        try simulation.run()
        return authWriter.writtenPaths + syslogWriter.writtenPaths
    }
}
