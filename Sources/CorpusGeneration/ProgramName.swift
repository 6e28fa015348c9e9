/// Syslog tags (`program` in `program[pid]:`) of the daemons the corpus imitates, as bytes.
enum ProgramName {
    static let sshd = Array("sshd".utf8)
    /// OpenSSH 9.8 and later log per-connection messages from `sshd-session`.
    static let sshdSession = Array("sshd-session".utf8)
    static let sudo = Array("sudo".utf8)
    static let cron = Array("CRON".utf8)
    static let systemd = Array("systemd".utf8)
    static let systemdLogind = Array("systemd-logind".utf8)
    static let systemdJournald = Array("systemd-journald".utf8)
    static let kernel = Array("kernel".utf8)
    static let rsyslogd = Array("rsyslogd".utf8)
    static let dhclient = Array("dhclient".utf8)
    static let chronyd = Array("chronyd".utf8)
    static let snapd = Array("snapd".utf8)
    static let sftpServer = Array("sftp-server".utf8)
    static let useradd = Array("useradd".utf8)
    static let usermod = Array("usermod".utf8)
    static let passwd = Array("passwd".utf8)
    static let postfixPickup = Array("postfix/pickup".utf8)
    static let postfixCleanup = Array("postfix/cleanup".utf8)
    static let postfixQueueManager = Array("postfix/qmgr".utf8)
    static let postfixLocal = Array("postfix/local".utf8)
}
