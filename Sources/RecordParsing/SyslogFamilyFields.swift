/// Fields of the programs' message grammars, found on demand in a syslog or journal message.
///
/// Contract: `message` indexes `buffer` (the line, or the resolver's decoded bytes when the message
/// had escapes); every returned range indexes that same buffer. A field the message does not have
/// is nil; a field written empty (`ruser=`) is an empty range. The family decides the grammar
/// (``ProgramFamily``); PAM lines (`pam_unix(svc:type): …`, `(pam_unix) …`) are read in any family.
/// Grammars that carry attacker-chosen text (user names, paths, commands) are anchored on the
/// parts the attacker cannot write: see each family's parser. Per family:
/// * sshd (``SshdFields``): `auth_method`, `user`, `src_ip`, `src_port`, `src_host`, `key_type`,
///   `key_fingerprint`; sftp lines logged under sshd's name too.
/// * sftp-server (``SftpFields``): `file_path`, `new_path`, `flags`, `mode`, `bytes_read`,
///   `bytes_written`, `user`, `src_ip`.
/// * sudo (``SudoFields``): `SUDO_USER`/`user`, `TTY`/`tty`, `PWD`/`cwd`, `USER`/`target_user`,
///   `GROUP`, `TSID`, `ENV`, `COMMAND`/`command`, any other `KEY=`.
/// * dropbear (``DropbearFields``): `user`, `src_ip`, `src_port`, `src_host`.
/// * su, systemd-logind, account management, cron, kernel firewall: see ``OtherFamilyFields``.
/// * PAM (``PamFields``): `pam_module`, `pam_service`, `pam_type`, `user`, `uid`, `by_user`, `by_uid`,
///   `logname`, `euid`, `tty`, `ruser`, `rhost`, `src_ip` (rhost when it is an IP literal).
enum SyslogFamilyFields {
    static func value(of name: FieldName, family: ProgramFamily, in buffer: UnsafeBufferPointer<UInt8>, message: Range<Int>) -> Range<Int>? {
        guard message.upperBound <= buffer.count, !message.isEmpty else { return nil }
        let field = FamilyField(name.bytes)
        return name.bytes.withUnsafeBufferPointer { key -> Range<Int>? in
            switch family {
            case .sshd:
                if let value = SshdFields.value(field, in: buffer, message: message) { return value }
                if let value = SftpFields.value(field, in: buffer, message: message) { return value }
            case .sftpServer:
                if let value = SftpFields.value(field, in: buffer, message: message) { return value }
            case .sudo:
                if let value = SudoFields.value(field, key: key, in: buffer, message: message) { return value }
            case .su:
                if let value = OtherFamilyFields.su(field, in: buffer, message: message) { return value }
            case .systemdLogind:
                if let value = OtherFamilyFields.logind(field, in: buffer, message: message) { return value }
            case .accountManagement:
                if let value = OtherFamilyFields.account(field, key: key, in: buffer, message: message) { return value }
            case .cron:
                if let value = OtherFamilyFields.cron(field, in: buffer, message: message) { return value }
            case .kernel:
                if let value = OtherFamilyFields.firewall(field, key: key, in: buffer, message: message) { return value }
            case .dropbear:
                if let value = DropbearFields.value(field, in: buffer, message: message) { return value }
            case .other, .loginRecords:
                // Login records are answered by FieldResolver through LoginRecordFields.
                break
            }
            return PamFields.value(field, key: key, in: buffer, message: message)
        }
    }
}

/// A family field name, resolved from its bytes (a few length-bucketed compares, no allocation).
/// Names that are not listed are `.keyed`: families with `KEY=value` text look them up as keys.
enum FamilyField {
    case user, targetUser, sudoUser, srcIP, srcPort, srcHost, authMethod, keyType, keyFingerprint
    case filePath, newPath, flags, mode, bytesRead, bytesWritten
    case tty, command, cwd
    case pamService, pamType, pamModule, uid, gid, byUser, byUID
    case sessionID, home, shell, group
    case dstIP, dstPort, action
    case keyed

    init(_ name: [UInt8]) {
        self = .keyed
        switch name.count {
        case 3:
            if FieldText.equals(name, "uid") { self = .uid }
            else if FieldText.equals(name, "gid") { self = .gid }
            else if FieldText.equals(name, "tty") { self = .tty }
            else if FieldText.equals(name, "cwd") { self = .cwd }
        case 4:
            if FieldText.equals(name, "user") { self = .user }
            else if FieldText.equals(name, "mode") { self = .mode }
            else if FieldText.equals(name, "home") { self = .home }
        case 5:
            if FieldText.equals(name, "flags") { self = .flags }
            else if FieldText.equals(name, "shell") { self = .shell }
            else if FieldText.equals(name, "group") { self = .group }
        case 6:
            if FieldText.equals(name, "src_ip") { self = .srcIP }
            else if FieldText.equals(name, "dst_ip") { self = .dstIP }
            else if FieldText.equals(name, "by_uid") { self = .byUID }
            else if FieldText.equals(name, "action") { self = .action }
        case 7:
            if FieldText.equals(name, "command") { self = .command }
            else if FieldText.equals(name, "by_user") { self = .byUser }
        case 8:
            if FieldText.equals(name, "src_port") { self = .srcPort }
            else if FieldText.equals(name, "src_host") { self = .srcHost }
            else if FieldText.equals(name, "key_type") { self = .keyType }
            else if FieldText.equals(name, "new_path") { self = .newPath }
            else if FieldText.equals(name, "pam_type") { self = .pamType }
            else if FieldText.equals(name, "dst_port") { self = .dstPort }
        case 9:
            if FieldText.equals(name, "file_path") { self = .filePath }
            else if FieldText.equals(name, "SUDO_USER") { self = .sudoUser }
        case 10:
            if FieldText.equals(name, "bytes_read") { self = .bytesRead }
            else if FieldText.equals(name, "session_id") { self = .sessionID }
            else if FieldText.equals(name, "pam_module") { self = .pamModule }
        case 11:
            if FieldText.equals(name, "auth_method") { self = .authMethod }
            else if FieldText.equals(name, "target_user") { self = .targetUser }
            else if FieldText.equals(name, "pam_service") { self = .pamService }
        case 13:
            if FieldText.equals(name, "bytes_written") { self = .bytesWritten }
        case 15:
            if FieldText.equals(name, "key_fingerprint") { self = .keyFingerprint }
        default:
            break
        }
    }
}
