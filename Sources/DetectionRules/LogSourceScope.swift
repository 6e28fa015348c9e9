/// Which lines a rule's `logsource` lets it see.
///
/// Rules never depend on file names: the scope is a set of syslog programs (so sshd rules never run
/// on web logs or cron lines). A nil program list means every line.
public struct LogSourceScope: Sendable, Equatable {
    public var programs: [[UInt8]]?

    public init(programs: [String]?) {
        self.programs = programs?.map { Array($0.utf8) }
    }

    /// True when a line whose program is `program` is in scope.
    @inlinable
    public func admits(program: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let programs else { return true }
        guard let program else { return false }
        for candidate in programs where candidate.count == program.count {
            if candidate.withUnsafeBufferPointer({ $0.elementsEqual(program) }) { return true }
        }
        return false
    }

    /// The built-in map from Sigma logsource to programs (rule-format §3.4). Returns nil when the
    /// logsource is not known, so the loader can refuse the rule instead of running it everywhere.
    public static func builtIn(for source: LogSource) -> LogSourceScope? {
        if let category = source.category {
            _ = category
            return nil
        }
        guard source.product == nil || source.product == "linux" else { return nil }
        switch source.service {
        case nil, "auth", "syslog": return LogSourceScope(programs: nil)
        case "sshd": return LogSourceScope(programs: ["sshd", "sshd-session", "sshd-auth", "sftp-server", "internal-sftp"])
        case "sudo": return LogSourceScope(programs: ["sudo"])
        case "su": return LogSourceScope(programs: ["su"])
        case "cron": return LogSourceScope(programs: ["cron", "CRON", "crond", "anacron"])
        case "vsftpd": return LogSourceScope(programs: ["vsftpd"])
        case "clamav": return LogSourceScope(programs: ["clamd", "freshclam", "clamscan"])
        case "guacamole": return LogSourceScope(programs: ["guacd", "guacamole"])
        default: return nil
        }
    }
}
