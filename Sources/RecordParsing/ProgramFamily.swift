/// The family of the program that wrote a syslog line: which message grammar its fields follow.
///
/// Process names drift (`sshd` → `sshd-session` → `sshd-auth`; `CRON` vs `crond`), so families are
/// matched by name sets, never by one literal.
public enum ProgramFamily: UInt8, Sendable, CaseIterable {
    case other
    case sshd
    case sftpServer
    case sudo
    case su
    case systemdLogind
    case accountManagement
    case cron
    case kernel
    /// Dropbear's SSH server (embedded systems): its own message grammar.
    case dropbear
    /// Login records rendered from binary files (`wtmp`, `btmp`, `utmp`, `lastlog`): `key=value` fields
    /// (see ``LoginRecordFields``).
    case loginRecords

    /// The family of a program name (the syslog tag).
    public static func of(_ program: UnsafeBufferPointer<UInt8>?) -> ProgramFamily {
        guard let program, !program.isEmpty else { return .other }
        switch program.count {
        case 4:
            if equals(program, "sshd") { return .sshd }
            if equals(program, "sudo") { return .sudo }
            if equals(program, "cron") || equals(program, "CRON") { return .cron }
            if equals(program, "wtmp") || equals(program, "btmp") || equals(program, "utmp") { return .loginRecords }
        case 2:
            if equals(program, "su") { return .su }
        case 5:
            if equals(program, "crond") { return .cron }
        case 6:
            if equals(program, "kernel") { return .kernel }
            if equals(program, "passwd") { return .accountManagement }
        case 7:
            if equals(program, "useradd") || equals(program, "usermod") || equals(program, "userdel")
                || equals(program, "groupdel") || equals(program, "gpasswd") { return .accountManagement }
            if equals(program, "anacron") { return .cron }
            if equals(program, "lastlog") { return .loginRecords }
        case 8:
            if equals(program, "dropbear") { return .dropbear }
            if equals(program, "groupadd") || equals(program, "groupmod") || equals(program, "chpasswd") { return .accountManagement }
        case 9:
            if equals(program, "sshd-auth") { return .sshd }
        case 11:
            if equals(program, "sftp-server") { return .sftpServer }
        case 12:
            if equals(program, "sshd-session") { return .sshd }
        case 13:
            if equals(program, "internal-sftp") { return .sftpServer }
        case 14:
            if equals(program, "systemd-logind") { return .systemdLogind }
        default:
            break
        }
        return .other
    }

    private static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        buffer.count == text.utf8CodeUnitCount && ByteSearch.hasPrefix(buffer, text, at: 0)
    }
}
