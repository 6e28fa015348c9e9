import RecordParsing

/// Which lines a rule's `logsource` lets it see.
///
/// Rules never depend on file names: the scope is a set of syslog programs (so sshd rules never run
/// on web logs or cron lines). A nil program list means every line.
public struct LogSourceScope: Sendable, Equatable {
    public var programs: [[UInt8]]?
    /// Record formats the rule sees; nil for every format.
    public var formats: Set<RecordFormat>? {
        didSet { formatMask = Self.mask(of: formats) }
    }
    /// `formats` as one bit per ``RecordFormat`` case, for the per-line check.
    public private(set) var formatMask: UInt32
    /// Formats whose records belong to the service without naming a program (a daemon's own log
    /// format, such as vsftpd's), one bit per ``RecordFormat`` case.
    public var programlessFormatMask: UInt32 = 0
    /// Whether fields beyond the catalogue are allowed (auditd and journal keys are open sets).
    public var allowsOpenKeys: Bool

    public init(programs: [String]?, formats: Set<RecordFormat>? = nil, allowsOpenKeys: Bool = false) {
        self.programs = programs?.map { Array($0.utf8) }
        self.formats = formats
        self.allowsOpenKeys = allowsOpenKeys
        formatMask = Self.mask(of: formats)
    }

    static func mask(of formats: Set<RecordFormat>?) -> UInt32 {
        guard let formats else { return .max }
        return RecordFormat.allCases.enumerated().reduce(0) { mask, item in formats.contains(item.element) ? mask | 1 << UInt32(item.offset) : mask }
    }

    /// True when a record of `format` whose program is `program` is in scope.
    @inlinable
    public func admits(format: RecordFormat, program: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard formatMask & (1 << UInt32(format.index)) != 0 else { return false }
        guard let programs else { return true }
        guard let program else { return programlessFormatMask & (1 << UInt32(format.index)) != 0 }
        for candidate in programs where candidate.count == program.count {
            if candidate.withUnsafeBufferPointer({ $0.elementsEqual(program) }) { return true }
        }
        return false
    }

    /// The built-in map from Sigma logsource to programs (rule-format §3.4). Returns nil when the
    /// logsource is not known, so the loader can refuse the rule instead of running it everywhere.
    public static func builtIn(for source: LogSource) -> LogSourceScope? {
        if let category = source.category {
            switch (category, source.product) {
            case ("webserver", _), ("proxy", _): return LogSourceScope(programs: nil, formats: [.webAccess])
            default: return nil
            }
        }
        if source.product == nil || source.product == "apache" || source.product == "nginx" {
            if source.service == "access" || source.product == "apache" || source.product == "nginx" {
                return LogSourceScope(programs: nil, formats: [.webAccess])
            }
        }
        guard source.product == nil || source.product == "linux" else { return nil }
        let syslogFormats: Set<RecordFormat> = [.syslogRFC3164, .syslogRFC3339, .syslogRFC5424, .journalJSON]
        switch source.service {
        case nil: return LogSourceScope(programs: nil, allowsOpenKeys: true)
        case "auth", "syslog": return LogSourceScope(programs: nil, formats: syslogFormats.union([.unrecognised]))
        case "auditd": return LogSourceScope(programs: nil, formats: [.auditd], allowsOpenKeys: true)
        case "journald", "journal": return LogSourceScope(programs: nil, formats: [.journalJSON])
        case "sshd": return LogSourceScope(programs: ["sshd", "sshd-session", "sshd-auth", "sftp-server", "internal-sftp"], formats: syslogFormats)
        case "sudo": return LogSourceScope(programs: ["sudo"], formats: syslogFormats)
        case "su": return LogSourceScope(programs: ["su"], formats: syslogFormats)
        case "cron": return LogSourceScope(programs: ["cron", "CRON", "crond", "anacron"], formats: syslogFormats)
        case "vsftpd":
            // vsftpd's own log names no program: its format says whose it is.
            var scope = LogSourceScope(programs: ["vsftpd"], formats: syslogFormats.union([.vsftpdLog]))
            scope.programlessFormatMask = Self.mask(of: [.vsftpdLog])
            return scope
        case "proftpd": return LogSourceScope(programs: ["proftpd"], formats: syslogFormats.union([.proftpdLog]))
        case "clamav": return LogSourceScope(programs: ["clamd", "freshclam", "clamscan"], formats: syslogFormats)
        case "guacamole": return LogSourceScope(programs: ["guacd", "guacamole"], formats: syslogFormats)
        // Login records rendered from binary files. Whether struct utmp records are wtmp or btmp is only
        // hinted by the file name, and `utmp` means "not told": wtmp and btmp rules see utmp records too.
        case "wtmp": return LogSourceScope(programs: ["wtmp", "utmp"], formats: syslogFormats)
        case "btmp": return LogSourceScope(programs: ["btmp", "utmp"], formats: syslogFormats)
        case "lastlog": return LogSourceScope(programs: ["lastlog"], formats: syslogFormats)
        case "login": return LogSourceScope(programs: ["wtmp", "btmp", "utmp", "lastlog"], formats: syslogFormats)
        default: return nil
        }
    }
}
