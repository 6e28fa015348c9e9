/// Which field names the parsers can produce, so a misspelt field in a rule is a load error instead of
/// a selection that silently never matches.
public enum FieldCatalog {
    /// Fields of the program message grammars and of web access logs (see `Documentation/Fields.md`).
    public static let namedFields: Set<String> = [
        // sshd family
        "auth_method", "user", "src_ip", "src_port", "key_type", "key_fingerprint",
        // sftp-server
        "file_path", "new_path", "flags", "mode", "bytes_read", "bytes_written",
        // sudo, su, pam, logind, accounts, cron
        "SUDO_USER", "TTY", "PWD", "USER", "GROUP", "TSID", "ENV", "COMMAND", "target_user", "command", "tty",
        "pam_service", "pam_type", "uid", "by_user", "rhost", "ruser", "session_id", "gid", "home", "shell", "group",
        // kernel firewall
        "IN", "OUT", "MAC", "SRC", "DST", "LEN", "TOS", "PREC", "TTL", "ID", "PROTO", "SPT", "DPT", "WINDOW", "RES", "URGP",
        "dst_ip", "dst_port", "action",
        // web access
        "client", "ident", "auth_user", "method", "path", "protocol", "status", "bytes", "referer", "user_agent", "vhost", "request",
        // pam and sudo details, sshd sources given as names
        "src_host", "pam_module", "by_uid", "cwd", "logname", "euid", "from", "name",
        // login records (wtmp, btmp, utmp, lastlog; see LoginRecordFields)
        "type", "session", "id",
    ]

    /// True when `name` can have a value for some record a rule of this kind can see.
    /// auditd records and journal entries have open key sets: any identifier is accepted for them.
    public static func isKnown(_ name: String, allowsOpenKeys: Bool) -> Bool {
        if RecordField(name: name) != nil || namedFields.contains(name) { return true }
        guard isIdentifier(name) else { return false }
        if allowsOpenKeys { return true }
        // journald's own fields are upper case, often with a leading underscore.
        return name.first == "_" || name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
