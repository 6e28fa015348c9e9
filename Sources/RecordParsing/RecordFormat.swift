/// How one line is written. Formats are detected from the content of each line (one file can mix
/// RFC 3164 and RFC 3339 after an upgrade), never from a file name.
public enum RecordFormat: String, Sendable, CaseIterable, Codable {
    /// RFC 3164 "traditional" syslog: no year, no zone.
    case syslogRFC3164 = "syslog-rfc3164"
    /// rsyslog's high-precision RFC 3339 file format.
    case syslogRFC3339 = "syslog-rfc3339"
    /// RFC 5424 with PRI and structured data.
    case syslogRFC5424 = "syslog-rfc5424"
    /// An auditd record: `type=… msg=audit(epoch:serial): …`.
    case auditd
    /// One entry of `journalctl -o json`.
    case journalJSON = "journal-json"
    /// Apache/nginx common or combined access log.
    case webAccess = "web-access"
    /// A line no parser recognised: matched as `raw`/`message` only.
    case unrecognised
    /// vsftpd's own log file (`vsftpd_log_file`, `xferlog_std_format=NO`):
    /// `Www Mmm dd hh:mm:ss yyyy [pid N] [user] message` (no host, no program tag: vsftpd is implied).
    case vsftpdLog = "vsftpd-log"
    /// ProFTPD's own SystemLog file: `YYYY-MM-DD hh:mm:ss,mmm host proftpd[pid] server (host[ip]): message`.
    case proftpdLog = "proftpd-log"

    /// The case's position in `allCases` (a small integer for masks and counters).
    @inlinable
    public var index: Int {
        switch self {
        case .syslogRFC3164: return 0
        case .syslogRFC3339: return 1
        case .syslogRFC5424: return 2
        case .auditd: return 3
        case .journalJSON: return 4
        case .webAccess: return 5
        case .unrecognised: return 6
        case .vsftpdLog: return 7
        case .proftpdLog: return 8
        }
    }

    /// True for the syslog header formats.
    public var isSyslog: Bool { self == .syslogRFC3164 || self == .syslogRFC3339 || self == .syslogRFC5424 }
}
