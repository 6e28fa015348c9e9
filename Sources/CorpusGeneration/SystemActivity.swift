/// The machinery of a host that writes to syslog (and, for cron, to auth.log): cron jobs, systemd
/// timers, ufw drops, dhclient renewals, chronyd, postfix delivering cron mail, and logrotate's
/// midnight run with rsyslog's HUP.
enum SystemActivity {
    private static let blockedTCPPorts = [23, 445, 3389, 8080, 5900, 1433, 6379, 8443, 2375, 81, 8888, 9200, 27017,
                                          11211, 25, 110, 135, 139, 3306, 5432, 2323, 7547, 5555, 9000, 8081]
    private static let blockedUDPPorts = [5060, 123, 161, 1900, 53, 137, 11211, 19, 389, 5353]

    /// A crontab entry running: PAM session lines in auth.log around `(user) CMD (command)` in syslog.
    static func cronJob(at time: Int64, index: Int, context: inout HostContext, timeline: inout LineTimeline) {
        let job = context.profile.cronJobs[index]
        let pid = context.state.newProcessID(&context.random)
        context.begin(&timeline, at: time, .auth, ProgramName.cron, pid: pid)
        timeline.append("pam_unix(cron:session): session opened for user ")
        timeline.append(job.userName)
        timeline.append("(uid=")
        timeline.append(decimal: job.uid)
        timeline.append(")")
        context.appendSessionOpener(&timeline, name: job.userName)
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.cron, pid: pid)
        timeline.append("(")
        timeline.append(job.userName)
        timeline.append(") CMD (")
        timeline.append(job.command)
        timeline.append(")")
        timeline.end()
        let duration = context.random.between(job.durationSeconds.lowerBound, job.durationSeconds.upperBound)
        context.begin(&timeline, at: time + Int64(duration), .auth, ProgramName.cron, pid: pid)
        timeline.append("pam_unix(cron:session): session closed for user ")
        timeline.append(job.userName)
        timeline.end()
    }

    /// A timer-driven unit: `Starting …`, `…: Deactivated successfully.`, optionally the CPU time, `Finished …`.
    static func timer(at time: Int64, index: Int, context: inout HostContext, timeline: inout LineTimeline) {
        let timer = context.profile.timers[index]
        context.begin(&timeline, at: time, .syslog, ProgramName.systemd, pid: 1)
        timeline.append("Starting ")
        timeline.append(timer.unit)
        timeline.append(" - ")
        timeline.append(timer.unitDescription)
        timeline.append("...")
        timeline.end()
        let end = time + Int64(context.random.between(timer.durationSeconds.lowerBound, timer.durationSeconds.upperBound))
        context.begin(&timeline, at: end, .syslog, ProgramName.systemd, pid: 1)
        timeline.append(timer.unit)
        timeline.append(": Deactivated successfully.")
        timeline.end()
        context.begin(&timeline, at: end, .syslog, ProgramName.systemd, pid: 1)
        timeline.append("Finished ")
        timeline.append(timer.unit)
        timeline.append(" - ")
        timeline.append(timer.unitDescription)
        timeline.append(".")
        timeline.end()
        if timer.logsCPUTime {
            context.begin(&timeline, at: end, .syslog, ProgramName.systemd, pid: 1)
            timeline.append(timer.unit)
            timeline.append(": Consumed ")
            timeline.append(decimal: context.random.below(9))
            timeline.append(".")
            timeline.append(decimal: context.random.below(1000), zeroPaddedTo: 3)
            timeline.append("s CPU time.")
            timeline.end()
        }
    }

    /// One packet dropped by ufw, as the kernel logs it (with the `[seconds.micro]` uptime stamp).
    static func firewallBlock(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let profile = context.profile
        context.begin(&timeline, at: time, .syslog, ProgramName.kernel, pid: nil)
        let uptime = max(0, time - profile.bootTime)
        timeline.append("[")
        timeline.append(decimal: Int(uptime), spacePaddedTo: 5)
        timeline.append(".")
        timeline.append(decimal: context.random.below(1_000_000), zeroPaddedTo: 6)
        timeline.append("] [UFW BLOCK] IN=eth0 OUT= MAC=")
        appendMAC(of: profile.address, &timeline)
        timeline.append(":")
        appendMAC(of: profile.gateway, &timeline)
        timeline.append(":08:00 SRC=")
        timeline.append(address: IPv4Address.randomDocumentationAddress(&context.random))
        timeline.append(" DST=")
        timeline.append(address: profile.address)
        let isUDP = context.random.chance(perMille: 150)
        timeline.append(" LEN=")
        timeline.append(decimal: isUDP ? context.random.between(40, 480) : (context.random.chance(perMille: 700) ? 44 : 40))
        timeline.append(" TOS=0x00 PREC=0x00 TTL=")
        timeline.append(decimal: context.random.between(38, 250))
        timeline.append(" ID=")
        timeline.append(decimal: context.random.below(65_536))
        if isUDP {
            timeline.append(" PROTO=UDP SPT=")
            timeline.append(decimal: context.random.between(1024, 65_535))
            timeline.append(" DPT=")
            timeline.append(decimal: context.random.pick(blockedUDPPorts))
            timeline.append(" LEN=")
            timeline.append(decimal: context.random.between(20, 460))
        } else {
            timeline.append(" PROTO=TCP SPT=")
            timeline.append(decimal: context.random.between(1024, 65_535))
            timeline.append(" DPT=")
            timeline.append(decimal: context.random.pick(blockedTCPPorts))
            timeline.append(" WINDOW=")
            timeline.append(decimal: context.random.chance(perMille: 600) ? 1024 : 65_535)
            timeline.append(" RES=0x00 SYN URGP=0")
        }
        timeline.end()
    }

    /// A QEMU-style MAC address (`52:54:00:` and the low three bytes of the interface's address).
    private static func appendMAC(of address: IPv4Address, _ timeline: inout LineTimeline) {
        timeline.append("52:54:00")
        for shift in [16, 8, 0] {
            timeline.append(":")
            timeline.append(hexadecimal: UInt64((address.value >> UInt32(shift)) & 0xFF), width: 2)
        }
    }

    /// dhclient renewing the lease on eth0.
    static func leaseRenewal(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let profile = context.profile
        let pid = profile.daemonProcessIDs.dhclient
        let transaction = context.random.next() & 0xFFFF_FFFF
        context.begin(&timeline, at: time, .syslog, ProgramName.dhclient, pid: pid)
        timeline.append("DHCPREQUEST for ")
        timeline.append(address: profile.address)
        timeline.append(" on eth0 to ")
        timeline.append(address: profile.gateway)
        timeline.append(" port 67 (xid=0x")
        timeline.append(hexadecimal: transaction, width: 8)
        timeline.append(")")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.dhclient, pid: pid)
        timeline.append("DHCPACK of ")
        timeline.append(address: profile.address)
        timeline.append(" from ")
        timeline.append(address: profile.gateway)
        timeline.append(" (xid=0x")
        timeline.append(hexadecimal: transaction, width: 8)
        timeline.append(")")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.dhclient, pid: pid)
        timeline.append("bound to ")
        timeline.append(address: profile.address)
        timeline.append(" -- renewal in ")
        timeline.append(decimal: context.random.between(1500, 2100))
        timeline.append(" seconds.")
        timeline.end()
    }

    /// chronyd picking or replacing a time source.
    static func clockSourceChange(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        context.begin(&timeline, at: time, .syslog, ProgramName.chronyd, pid: context.profile.daemonProcessIDs.chronyd)
        if context.random.chance(perMille: 500) {
            timeline.append("Selected source ")
            timeline.append(address: IPv4Address.randomDocumentationAddress(&context.random))
            timeline.append(" (2.debian.pool.ntp.org)")
        } else {
            timeline.append("Source ")
            timeline.append(address: IPv4Address.randomDocumentationAddress(&context.random))
            timeline.append(" replaced with ")
            timeline.append(address: IPv4Address.randomDocumentationAddress(&context.random))
            timeline.append(" (2.debian.pool.ntp.org)")
        }
        timeline.end()
    }

    /// Postfix delivering cron.daily's output to root's local mailbox.
    static func localMail(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let queueID = context.state.newMailQueueID(&context.random)
        let host = context.profile.nameBytes
        func queuePrefix(_ timeline: inout LineTimeline) {
            timeline.append(hexadecimal: queueID, width: 10, uppercase: true)
            timeline.append(": ")
        }
        let civil = UTCDateTime(epochSeconds: time)
        context.begin(&timeline, at: time, .syslog, ProgramName.postfixPickup, pid: context.state.newProcessID(&context.random))
        queuePrefix(&timeline)
        timeline.append("uid=0 from=<root>")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.postfixCleanup, pid: context.state.newProcessID(&context.random))
        queuePrefix(&timeline)
        timeline.append("message-id=<")
        timeline.append(decimal: civil.year)
        for field in [civil.month, civil.day, civil.hour, civil.minute, civil.second] {
            timeline.append(decimal: field, zeroPaddedTo: 2)
        }
        timeline.append(".")
        timeline.append(hexadecimal: queueID, width: 10, uppercase: true)
        timeline.append("@")
        timeline.append(host)
        timeline.append(".corp.example.com>")
        timeline.end()
        let manager = context.state.newProcessID(&context.random)
        context.begin(&timeline, at: time, .syslog, ProgramName.postfixQueueManager, pid: manager)
        queuePrefix(&timeline)
        timeline.append("from=<root@")
        timeline.append(host)
        timeline.append(".corp.example.com>, size=")
        timeline.append(decimal: context.random.between(600, 4000))
        timeline.append(", nrcpt=1 (queue active)")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.postfixLocal, pid: context.state.newProcessID(&context.random))
        queuePrefix(&timeline)
        timeline.append("to=<root@")
        timeline.append(host)
        timeline.append(".corp.example.com>, orig_to=<root>, relay=local, delay=0.04, delays=0.02/0.01/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.postfixQueueManager, pid: manager)
        queuePrefix(&timeline)
        timeline.append("removed")
        timeline.end()
    }

    /// logrotate's daily run at midnight. On a rotation day rsyslog is HUPed at the rotation time,
    /// which is also where the new files begin.
    static func logRotation(at hourStart: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let profile = context.profile
        let rotation = profile.rotationTimes.first { $0 >= hourStart && $0 < hourStart + 300 }
        let start = rotation.map { $0 - 1 } ?? hourStart + Int64(context.random.below(3))
        context.line(&timeline, at: start, .syslog, ProgramName.systemd, pid: 1, "Starting logrotate.service - Rotate log files...")
        context.line(&timeline, at: start, .syslog, ProgramName.systemd, pid: 1,
                     "Starting dpkg-db-backup.service - Daily dpkg database backup service...")
        var end = start + 1
        if let rotation {
            context.begin(&timeline, at: rotation, .syslog, ProgramName.rsyslogd, pid: nil)
            timeline.append("[origin software=\"rsyslogd\" swVersion=\"")
            timeline.append(string: profile.rsyslogVersion)
            timeline.append("\" x-pid=\"")
            timeline.append(decimal: profile.daemonProcessIDs.rsyslogd)
            timeline.append("\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed")
            timeline.end()
            end = rotation + 1
        }
        context.line(&timeline, at: start + 1, .syslog, ProgramName.systemd, pid: 1, "dpkg-db-backup.service: Deactivated successfully.")
        context.line(&timeline, at: start + 1, .syslog, ProgramName.systemd, pid: 1,
                     "Finished dpkg-db-backup.service - Daily dpkg database backup service.")
        context.line(&timeline, at: end, .syslog, ProgramName.systemd, pid: 1, "logrotate.service: Deactivated successfully.")
        context.line(&timeline, at: end, .syslog, ProgramName.systemd, pid: 1, "Finished logrotate.service - Rotate log files.")
    }
}
