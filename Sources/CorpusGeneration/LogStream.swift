/// The two files a Debian/Ubuntu rsyslog writes that the corpus imitates.
///
/// rsyslog's default rules send `auth,authpriv.*` to `auth.log` and everything else to `syslog`
/// (`*.*;auth,authpriv.none`), so sshd, sudo, PAM, logind and sftp-server lines go to ``auth`` and
/// systemd, kernel, CRON's `CMD` lines, dhclient and mail go to ``syslog``.
enum LogStream: Int, Sendable {
    case auth = 0
    case syslog = 1
}
