/// Decides what happens on a host during one hour: how many scanners knock, which cron jobs and
/// timers fire, whether an administrator logs in, and when planted story acts begin.
enum ActivityPlanner {
    /// The episodes of the hour that starts at `hourStart` (a multiple of 3600), in time order.
    static func episodes(inHourStarting hourStart: Int64, context: inout HostContext) -> [Episode] {
        let profile = context.profile
        var episodes: [Episode] = []
        episodes.reserveCapacity(64)
        let hourOfDay = Int(hourStart % 86_400 / 3600)
        let weekday = UTCDateTime.weekday(fromDays: hourStart / 86_400)
        let isWorkingHour = (1...5).contains(weekday) && (7...18).contains(hourOfDay)

        func randomMoment(_ random: inout SeededRandom) -> Int64 { hourStart + Int64(random.below(3600)) }

        for _ in 0..<context.random.count(meanThousandths: profile.scannerConnectionsPerHour) {
            episodes.append(Episode(time: randomMoment(&context.random), kind: .scannerConnection))
        }
        for _ in 0..<context.random.count(meanThousandths: profile.scannerBurstsPerDay / 24) {
            episodes.append(Episode(time: randomMoment(&context.random), kind: .scannerBurst))
        }
        for _ in 0..<context.random.count(meanThousandths: profile.firewallBlocksPerHour) {
            episodes.append(Episode(time: randomMoment(&context.random), kind: .firewallBlock))
        }
        let sessionRate = isWorkingHour ? profile.administratorSessionsPerDay / 12 : profile.administratorSessionsPerDay / 250
        for administrator in profile.administrators.indices {
            for _ in 0..<context.random.count(meanThousandths: sessionRate) {
                episodes.append(Episode(time: randomMoment(&context.random),
                                        kind: .administratorSession(administrator: administrator)))
            }
        }
        if profile.deployAccount != nil && isWorkingHour {
            for _ in 0..<context.random.count(meanThousandths: profile.deployUploadsPerDay / 12) {
                episodes.append(Episode(time: randomMoment(&context.random), kind: .deployUpload))
            }
        }
        for (index, job) in profile.cronJobs.enumerated() {
            for time in job.fireTimes(inHourStarting: hourStart) {
                episodes.append(Episode(time: time, kind: .cronJob(index: index)))
            }
        }
        for (index, timer) in profile.timers.enumerated() {
            for time in timer.fireTimes(inHourStarting: hourStart, random: &context.random) {
                episodes.append(Episode(time: time, kind: .timer(index: index)))
            }
        }
        if profile.usesDHCP {
            while context.state.nextLeaseRenewal < hourStart + 3600 {
                episodes.append(Episode(time: max(hourStart, context.state.nextLeaseRenewal), kind: .leaseRenewal))
                context.state.nextLeaseRenewal += Int64(1500 + context.random.below(600))
            }
        }
        if profile.usesChrony && context.random.chance(perMille: 60) {
            episodes.append(Episode(time: randomMoment(&context.random), kind: .clockSourceChange))
        }
        if profile.deliversLocalMail && hourOfDay == 6 {
            episodes.append(Episode(time: hourStart + 25 * 60 + Int64(40 + context.random.below(90)), kind: .localMail))
        }
        if hourOfDay == 0 && !profile.rotationTimes.isEmpty {
            episodes.append(Episode(time: hourStart, kind: .logRotation))
        }
        if profile.nightlyBackupLoginFrom != nil && hourOfDay == 2 {
            episodes.append(Episode(time: hourStart + 31 * 60 + Int64(context.random.below(40)), kind: .nightlyBackupLogin))
        }
        let upgrade = profile.sessionBinarySince
        if !profile.administrators.isEmpty && upgrade > hourStart + 40 && upgrade <= hourStart + 3640 {
            episodes.append(Episode(time: upgrade - 40, kind: .openSSHUpgrade))
        }
        for (storyIndex, story) in context.stories.enumerated() {
            for (act, time) in story.acts where time >= hourStart && time < hourStart + 3600 {
                episodes.append(Episode(time: time, kind: .storyAct(story: storyIndex, act: act)))
            }
        }
        // Stable order by time: ties keep planning order, so the result is fully determined.
        return episodes.enumerated().sorted { left, right in
            left.element.time != right.element.time ? left.element.time < right.element.time : left.offset < right.offset
        }.map(\.element)
    }
}
