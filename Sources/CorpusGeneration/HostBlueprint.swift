/// Ready-made host profiles: an internet-facing web server, an internal database server, an
/// application server, with the cron jobs, timers and accounts such hosts have on Debian or Ubuntu.
enum HostBlueprint {
    /// What a host is for; it decides exposure, timers and accounts.
    enum Role: Sendable, CaseIterable {
        case web
        case database
        case application
    }

    /// Administrator names for generated fleets, in uid order from 1000.
    static let administratorNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]

    /// A host profile for `role`.
    ///
    /// - Parameters:
    ///   - administrators: how many administrator accounts (from ``administratorNames``).
    ///   - sessionBinarySince: when the host starts logging as `sshd-session` (`Int64.min`: always,
    ///     `Int64.max`: never; a time inside the span adds the upgrade that causes it).
    static func profile(role: Role, name: String, address: IPv4Address, distribution: HostProfile.Distribution,
                        administrators: Int, sessionBinarySince: Int64, bootTime: Int64, rotationTimes: [Int64],
                        random: inout SeededRandom) -> HostProfile {
        var admins: [UserAccount] = []
        for index in 0..<max(0, min(administrators, administratorNames.count)) {
            admins.append(UserAccount(name: administratorNames[index], uid: 1000 + index,
                                      sourceAddress: IPv4Address(10, 20, 0, UInt8(11 + index * 4)), random: &random))
        }
        let serviceAccount = UserAccount(name: "svc-backup", uid: 1000 + admins.count,
                                         sourceAddress: IPv4Address(10, 20, 0, 15), random: &random)
        let deployAccount = role == .database ? nil
            : UserAccount(name: "deploy", uid: 1001 + admins.count, sourceAddress: IPv4Address(10, 0, 2, 5), random: &random)
        var cronJobs = [
            CronJob(.everyMinutes(interval: 10), user: "root", uid: 0,
                    command: "command -v debian-sa1 > /dev/null && debian-sa1 1 1"),
            CronJob(.hourly(minute: 17), user: "root", uid: 0, command: "cd / && run-parts --report /etc/cron.hourly"),
            CronJob(.daily(hour: 6, minute: 25), user: "root", uid: 0,
                    command: "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }", durationSeconds: 20...90),
            CronJob(.weekly(weekday: 0, hour: 6, minute: 47), user: "root", uid: 0,
                    command: "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }", durationSeconds: 5...40),
            CronJob(.daily(hour: 2, minute: 30), user: "svc-backup", uid: serviceAccount.uid,
                    command: "/usr/local/bin/backup-run.sh >/dev/null 2>&1", durationSeconds: 200...420),
        ]
        if role == .database {
            cronJobs.append(CronJob(.daily(hour: 1, minute: 0), user: "postgres", uid: 114,
                                    command: "/usr/local/bin/pg-backup.sh --all >> /var/log/postgresql/backup.log 2>&1",
                                    durationSeconds: 60...300))
        }
        var timers = [
            SystemTimer(unit: "apt-daily.service", description: "Daily apt download activities",
                        schedule: .hours([6, 18], minuteSpread: 60), durationSeconds: 4...40, logsCPUTime: true),
            SystemTimer(unit: "apt-daily-upgrade.service", description: "Daily apt upgrade and clean activities",
                        schedule: .daily(hour: 6, minuteSpread: 60), durationSeconds: 10...90, logsCPUTime: true),
            SystemTimer(unit: "man-db.service", description: "Daily man-db regeneration",
                        schedule: .daily(hour: 3, minuteSpread: 60), durationSeconds: 1...12),
            SystemTimer(unit: "systemd-tmpfiles-clean.service", description: "Cleanup of Temporary Directories",
                        schedule: .daily(hour: 14, minuteSpread: 60), durationSeconds: 0...1),
            SystemTimer(unit: "sysstat-summary.service", description: "Generate a daily summary of process accounting",
                        schedule: .daily(hour: 0, minuteSpread: 10), durationSeconds: 0...2),
            SystemTimer(unit: "fstrim.service", description: "Discard unused blocks on filesystems from /etc/fstab",
                        schedule: .weekly(weekday: 1, hour: 0, minuteSpread: 60), durationSeconds: 1...5),
            SystemTimer(unit: "e2scrub_all.service", description: "Online ext4 Metadata Check for All Filesystems",
                        schedule: .weekly(weekday: 0, hour: 3, minuteSpread: 20), durationSeconds: 0...3),
        ]
        if role == .web {
            timers.append(SystemTimer(unit: "phpsessionclean.service", description: "Clean php session files",
                                      schedule: .everyMinutes(interval: 30, offset: 9), durationSeconds: 0...1))
            timers.append(SystemTimer(unit: "certbot.service", description: "Certbot",
                                      schedule: .hours([4, 16], minuteSpread: 60), durationSeconds: 1...6))
        }
        if distribution == .ubuntu {
            timers.append(SystemTimer(unit: "motd-news.service", description: "Message of the Day",
                                      schedule: .hours([3, 15], minuteSpread: 60), durationSeconds: 0...2))
            timers.append(SystemTimer(unit: "fwupd-refresh.service", description: "Refresh fwupd metadata and update motd",
                                      schedule: .hours([9, 21], minuteSpread: 60), durationSeconds: 1...4))
        }
        var identifier = ""
        for _ in 0..<2 { identifier += String(String(random.next(), radix: 16).suffix(16)) }
        while identifier.count < 32 { identifier = "0" + identifier }
        let exposed = role == .web
        var daemons = HostProfile.DaemonProcessIDs()
        daemons.journald += random.below(60)
        daemons.logind += random.below(200)
        daemons.rsyslogd += random.below(200)
        daemons.sshListener += random.below(400)
        daemons.dhclient += random.below(100)
        daemons.chronyd += random.below(100)
        return HostProfile(
            name: name, nameBytes: Array(name.utf8), address: address,
            gateway: IPv4Address(UInt8(address.value >> 24), UInt8((address.value >> 16) & 0xFF), UInt8((address.value >> 8) & 0xFF), 1),
            distribution: distribution, administrators: admins, serviceAccount: serviceAccount, deployAccount: deployAccount,
            sessionBinarySince: sessionBinarySince,
            scannerConnectionsPerHour: exposed ? 24_000 : (role == .application ? 6_000 : 0),
            scannerBurstsPerDay: exposed ? 1_500 : (role == .application ? 400 : 0),
            firewallBlocksPerHour: exposed ? 40_000 : (role == .application ? 15_000 : 2_000),
            administratorSessionsPerDay: 1_500, deployUploadsPerDay: role == .web ? 2_000 : 800,
            cronJobs: cronJobs, timers: timers, usesDHCP: role != .database, usesChrony: true,
            deliversLocalMail: true, bootTime: bootTime, rotationTimes: rotationTimes,
            daemonProcessIDs: daemons, nightlyBackupLoginFrom: nil,
            machineIdentifier: identifier, rsyslogVersion: distribution == .ubuntu ? "8.2312.0" : "8.2302.0")
    }
}
