import ZlibCodec

/// One independent piece of a benchmark corpus: either one host's `var/log`, or the central
/// archive `big/syslog-archive.gz` that several hosts forward to. Jobs share nothing, so they can
/// run on any thread in any order and still write the same bytes.
struct BenchmarkJob: Sendable {
    /// Which piece.
    enum Kind: Sendable {
        /// Host number `number` (0-based) with its own rotation sets.
        case host(number: Int)
        /// The single large gzip file of a central log server.
        case centralArchive
    }

    /// What a finished job wrote.
    struct Result: Sendable {
        var files: [String]
        var bytes: Int
        var stories: [BenchmarkSummary.PlantedStory]
    }

    let kind: Kind
    let byteBudget: Int
    let random: SeededRandom

    /// Monday 3 February 2025, 00:00 UTC: every benchmark host's logs start here.
    static let startTime = UTCDateTime(year: 2025, month: 2, day: 3).epochSeconds
    /// Longest span a job simulates (the budget may end it sooner).
    static let maximumDays = 35

    /// Writes the job's files under `root`.
    func run(root: String, options: BenchmarkOptions) throws(CorpusError) -> Result {
        let encoder: GzipEncoder
        do { encoder = try GzipEncoder(level: options.compressionLevel) } catch {
            throw .compressorUnavailable(level: options.compressionLevel)
        }
        switch kind {
        case let .host(number):
            return try runHost(number: number, root: root, encoder: encoder)
        case .centralArchive:
            return try runArchive(root: root, encoder: encoder, memberBytes: options.archiveMemberBytes)
        }
    }

    // MARK: One host

    private func runHost(number: Int, root: String, encoder: GzipEncoder) throws(CorpusError) -> Result {
        var random = self.random
        let start = Self.startTime
        var profile = Self.hostProfile(number: number, start: start, random: &random)
        var calibration = try NoiseCalibration(profiles: [profile], day: start + 2 * 86_400, random: random.derived(99))
        let plan = try calibration.plan(budget: byteBudget, maximumDays: Self.maximumDays)
        let span = Int64(plan.days) * 86_400
        if profile.sessionBinarySince != .min && profile.sessionBinarySince != .max {
            profile.sessionBinarySince = start + Int64(random.below(Int(span * 8 / 10)))
        }
        // Daily rotation for short spans, weekly for long ones; the live file holds the last stretch
        // (at least 15 % of the span), where the byte budget runs out.
        let rotationDays = plan.days > 10 ? 7 : 1
        var rotationTimes: [Int64] = []
        var boundary = start + Int64(rotationDays) * 86_400
        while boundary <= start + span * 85 / 100 {
            rotationTimes.append(boundary + Int64(random.between(1, 4)))
            boundary += Int64(rotationDays) * 86_400
        }
        profile.rotationTimes = rotationTimes
        profile = profile.withBackgroundNoise(scaledBy: plan.noiseScale)

        var stories: [AttackStory] = []
        if let account = profile.serviceAccount {
            if number % 5 == 0 {
                stories.append(StoryCatalogue.fullStory(number: number, account: account, start: start, span: span, random: &random))
            } else if number % 7 == 3 {
                stories.append(StoryCatalogue.passwordLeakOnly(number: number, account: account, start: start, span: span,
                                                               random: &random))
            }
        }
        let folder = "hosts/\(profile.name)/"
        var authPlan = RotationPlan.logrotate(baseName: folder + "var/log/auth.log", rotationTimes: [start] + rotationTimes,
                                              maximumMemberBytes: 16 << 20)
        authPlan.periods[0].keepsLinesFrom = nil
        var syslogPlan = RotationPlan.logrotate(baseName: folder + "var/log/syslog", rotationTimes: [start] + rotationTimes,
                                                maximumMemberBytes: 16 << 20)
        syslogPlan.periods[0].keepsLinesFrom = nil
        for story in stories {
            if let wipe = story.syslogWipeTime { syslogPlan.wipe(at: wipe) }
        }
        let authWriter = RotatedLogWriter(root: root, plan: authPlan, encoder: encoder)
        let syslogWriter = RotatedLogWriter(root: root, plan: syslogPlan, encoder: encoder)
        let host = HostContext(profile: profile, startTime: start, random: random.derived(1), authSink: 0, syslogSink: 1,
                               stories: stories)
        let simulation = HostSimulation(hosts: [host], sinks: [authWriter, syslogWriter], startTime: start,
                                        endTime: start + span * 3 / 2, byteBudget: byteBudget)
        let bytes = try simulation.run()
        return Result(files: authWriter.writtenPaths + syslogWriter.writtenPaths, bytes: bytes,
                      stories: stories.map { StoryCatalogue.summary(of: $0, host: profile.name, location: folder + "var/log") })
    }

    /// Host roles by host number, repeating: web, application, database, web, application.
    static let roles: [HostBlueprint.Role] = [.web, .application, .database, .web, .application]

    /// A host's share of the host bytes, in tenths: busy web servers log more than quiet databases.
    static func budgetWeight(number: Int) -> Int {
        switch roles[number % roles.count] {
        case .web: return 14
        case .application: return 10
        case .database: return 4
        }
    }

    /// The profile of host `number` (see ``roles``).
    static func hostProfile(number: Int, start: Int64, random: inout SeededRandom) -> HostProfile {
        let role = roles[number % roles.count]
        let prefix = role == .web ? "web" : (role == .database ? "db" : "app")
        let name = prefix + (number + 1 < 10 ? "0" : "") + String(number + 1)
        let address = IPv4Address(10, 0, UInt8(1 + number / 240), UInt8(10 + number % 240))
        let distribution: HostProfile.Distribution = random.chance(perMille: 600) ? .ubuntu : .debian
        let openSSH = random.below(10)
        // 30 % of hosts already run OpenSSH ≥ 9.8, 30 % never do, 40 % upgrade during the span.
        let sessionBinarySince: Int64 = openSSH < 3 ? .min : (openSSH < 6 ? .max : start + 86_400)
        return HostBlueprint.profile(role: role, name: name, address: address, distribution: distribution,
                                     administrators: random.between(1, 4), sessionBinarySince: sessionBinarySince,
                                     bootTime: start - Int64(random.between(2, 90)) * 86_400 - Int64(random.below(86_400)),
                                     rotationTimes: [], random: &random)
    }

    // MARK: The central archive

    private func runArchive(root: String, encoder: GzipEncoder, memberBytes: Int) throws(CorpusError) -> Result {
        var random = self.random
        let start = Self.startTime
        var profiles: [HostProfile] = []
        for index in 0..<8 {
            var profile = Self.hostProfile(number: index, start: start, random: &random)
            let name = "node" + (index + 1 < 10 ? "0" : "") + String(index + 1)
            profile.name = name
            profile.nameBytes = Array(name.utf8)
            profile.address = IPv4Address(10, 8, 0, UInt8(10 + index))
            profile.sessionBinarySince = index % 2 == 0 ? .min : .max
            profiles.append(profile)
        }
        var calibration = try NoiseCalibration(profiles: profiles, day: start + 2 * 86_400, random: random.derived(99))
        let plan = try calibration.plan(budget: byteBudget, maximumDays: Self.maximumDays)
        let span = Int64(plan.days) * 86_400
        var rotationTimes: [Int64] = []
        var day = start + 86_400
        while day < start + span * 3 / 2 {
            rotationTimes.append(day + Int64(random.between(1, 4)))
            day += 86_400
        }
        var hosts: [HostContext] = []
        var summaries: [BenchmarkSummary.PlantedStory] = []
        let storyHost = 2
        let lateralHost = 5
        var story: AttackStory?
        if let account = profiles[storyHost].serviceAccount {
            story = StoryCatalogue.fullStory(number: 63, account: account, start: start, span: span, random: &random)
        }
        for (index, profile) in profiles.enumerated() {
            var scaled = profile.withBackgroundNoise(scaledBy: plan.noiseScale)
            scaled.rotationTimes = rotationTimes
            var stories: [AttackStory] = []
            if index == storyHost, let story { stories = [story] }
            if index == lateralHost, let story {
                if let counterpart = story.lateralCounterpart(from: profiles[storyHost].address) { stories = [counterpart] }
            }
            for planted in stories {
                summaries.append(StoryCatalogue.summary(of: planted, host: scaled.name, location: "big/syslog-archive.gz"))
            }
            hosts.append(HostContext(profile: scaled, startTime: start, random: random.derived(UInt64(index)),
                                     authSink: 0, syslogSink: 0, stories: stories))
        }
        let archivePlan = RotationPlan(periods: [
            RotationPlan.Period(endTime: .max, relativePath: "big/syslog-archive.gz",
                                storage: memberBytes == 0 ? .gzipStream(originalName: "syslog-archive")
                                    : .gzip(memberSplitTimes: [], maximumMemberBytes: memberBytes, originalName: "syslog-archive")),
        ])
        let writer = RotatedLogWriter(root: root, plan: archivePlan, encoder: encoder)
        let simulation = HostSimulation(hosts: hosts, sinks: [writer], startTime: start, endTime: start + span * 3 / 2,
                                        byteBudget: byteBudget)
        let bytes = try simulation.run()
        return Result(files: writer.writtenPaths, bytes: bytes, stories: summaries)
    }
}
