/// Something that happens on a host at one moment and leaves one or more log lines, possibly
/// spread over minutes or hours after that moment (a login session, a cron job).
struct Episode {
    /// What happens.
    enum Kind {
        /// One connection from an internet scanner (several shapes, see ``SSHActivity``).
        case scannerConnection
        /// A password-guessing campaign from one address that never succeeds.
        case scannerBurst
        /// An administrator's interactive SSH session, with sudo commands.
        case administratorSession(administrator: Int)
        /// A CI system uploading a release over sftp.
        case deployUpload
        /// A crontab entry firing.
        case cronJob(index: Int)
        /// A systemd timer's service running.
        case timer(index: Int)
        /// A packet dropped by the host firewall (ufw).
        case firewallBlock
        /// dhclient renewing its lease.
        case leaseRenewal
        /// chronyd changing its time source.
        case clockSourceChange
        /// Postfix delivering cron's mail to root.
        case localMail
        /// logrotate's midnight run (and, on rotation days, rsyslog's HUP).
        case logRotation
        /// Another host's backup job logging in as the service account.
        case nightlyBackupLogin
        /// An administrator upgrading openssh-server to a release with `sshd-session` (≥ 9.8).
        case openSSHUpgrade
        /// One act of a planted attack story.
        case storyAct(story: Int, act: AttackStory.Act)
    }

    var time: Int64
    var kind: Kind
}
