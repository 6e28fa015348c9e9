/// Everything fixed about one simulated host: identity, accounts, daemons, and how busy it is.
///
/// Rates are integers in thousandths (1500 = 1.5 per hour) so that planning stays in integer
/// arithmetic. A profile is built once (see ``HostBlueprint``) and never changes during a run; the
/// counters that do change (process ids, session numbers) live in ``HostState``.
struct HostProfile: Sendable {
    /// Which distribution's small habits the host shows.
    enum Distribution: Sendable {
        /// Debian: no snapd, no `message repeated` reduction, `by (uid=0)` in PAM session lines.
        case debian
        /// Ubuntu: snapd and motd-news, rsyslog `$RepeatedMsgReduction on`.
        case ubuntu
    }

    /// Process ids of the long-running daemons (the blueprint spreads them per host).
    struct DaemonProcessIDs: Sendable {
        var journald = 312
        var logind = 801
        var rsyslogd = 612
        var sshListener = 905
        var dhclient = 745
        var chronyd = 680
        var snapd = 790
    }

    var name: String
    var nameBytes: [UInt8]
    var address: IPv4Address
    var gateway: IPv4Address
    var distribution: Distribution
    var administrators: [UserAccount]
    /// An account that may log in with a password (the story's target), if any.
    var serviceAccount: UserAccount?
    /// The account a CI system uses to upload releases over sftp, if any.
    var deployAccount: UserAccount?
    /// From this time on sshd's per-connection lines come from `sshd-session` (OpenSSH ≥ 9.8);
    /// `Int64.max` means never.
    var sessionBinarySince: Int64
    var scannerConnectionsPerHour: Int
    var scannerBurstsPerDay: Int
    var firewallBlocksPerHour: Int
    /// Interactive administrator logins per administrator per working day.
    var administratorSessionsPerDay: Int
    var deployUploadsPerDay: Int
    var cronJobs: [CronJob]
    var timers: [SystemTimer]
    var usesDHCP: Bool
    var usesChrony: Bool
    var deliversLocalMail: Bool
    var bootTime: Int64
    /// Moments rsyslog reopened its files after logrotate (its `rsyslogd was HUPed` lines).
    var rotationTimes: [Int64]
    var daemonProcessIDs: DaemonProcessIDs
    /// A nightly `svc-backup` publickey login from this address at 02:31 (a backup pulled by another host).
    var nightlyBackupLoginFrom: IPv4Address?
    /// 32 hexadecimal digits, as in `/var/log/journal/<machine-id>`.
    var machineIdentifier: String
    /// The rsyslog version in its HUP lines.
    var rsyslogVersion: String

    /// Every account name that exists on the host (root first), for scanners that guess right.
    var existingAccountNames: [[UInt8]] {
        var names = [Array("root".utf8)]
        names += administrators.map(\.nameBytes)
        if let serviceAccount { names.append(serviceAccount.nameBytes) }
        if let deployAccount { names.append(deployAccount.nameBytes) }
        return names
    }

    /// The profile with internet background noise (scanners, bursts, firewall drops) multiplied by
    /// `thousandths / 1000`.
    func withBackgroundNoise(scaledBy thousandths: Int) -> HostProfile {
        var copy = self
        copy.scannerConnectionsPerHour = scannerConnectionsPerHour * thousandths / 1000
        copy.scannerBurstsPerDay = scannerBurstsPerDay * thousandths / 1000
        copy.firewallBlocksPerHour = firewallBlocksPerHour * thousandths / 1000
        return copy
    }
}
