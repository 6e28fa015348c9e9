import RecordParsing

/// Reads one record as an ``Activity``, or nil when the line is not one the report's sessions and
/// entities use. One per worker thread (it owns a ``FieldResolver``).
///
/// Cheap for the bulk of lines: only the families sshd, sftp-server, sudo, su, systemd-logind and the
/// account tools are looked at, and within them a message prefix decides before any field is read.
/// Values are copied out (the line buffer is reused), with invalid UTF-8 written `\xNN`.
public final class ActivityExtractor {
    private let fields = FieldResolver()
    private static let names: [String: FieldName] = Dictionary(uniqueKeysWithValues: [
        "message", "user", "src_ip", "src_host", "src_port", "auth_method", "key_fingerprint", "pam_service", "pam_type",
        "session_id", "file_path", "new_path", "flags", "bytes_read", "bytes_written", "USER", "COMMAND", "target_user",
        "group", "host", "program", "pid", "ses", "argc", "AUID", "auid", "EUID", "euid",
    ].map { ($0, FieldName($0)) })

    public init() {}

    /// The other records of the auditd event of the line being read (its `SYSCALL` record holds `ses`).
    public var auditEventSiblings: [UnsafeBufferPointer<UInt8>] {
        get { fields.auditEventSiblings }
        set { fields.auditEventSiblings = newValue }
    }

    /// True for an auditd `EXECVE` record (the caller then sets ``auditEventSiblings``).
    public static func isExecveRecord(_ record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard record.format == .auditd else { return false }
        let marker = Array("type=EXECVE ".utf8)
        if line.count > marker.count && line.prefix(marker.count).elementsEqual(marker) { return true }
        // `node=HOST type=EXECVE …`
        return line.count < 300 ? ByteSearch.contains(line, Array(" type=EXECVE ".utf8)) : ByteSearch.contains(UnsafeBufferPointer(rebasing: line[0..<300]), Array(" type=EXECVE ".utf8))
    }

    /// An auditd `EXECVE` record as a command of login session `ses`: the arguments joined by spaces
    /// (at most 64), the user from `AUID` (or `auid`). Nil when the event has no login session
    /// (`ses=4294967295`, daemons and cron jobs started outside one).
    public func auditCommand(record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> Activity? {
        fields.reset()
        guard let session = text("ses", record, line), session != "4294967295", session != "-1" else { return nil }
        let count = min(64, text("argc", record, line).flatMap { Int($0) } ?? 0)
        var arguments: [String] = []
        for index in 0..<count {
            guard let argument = text("a\(index)", record, line) else { break }
            arguments.append(argument)
        }
        guard !arguments.isEmpty else { return nil }
        var activity = Activity(kind: .auditCommand, host: text("host", record, line) ?? "-", program: "auditd")
        activity.sessionNumber = session
        activity.user = text("AUID", record, line) ?? text("auid", record, line)
        activity.command = arguments.joined(separator: " ")
        activity.target = text("EUID", record, line) ?? text("euid", record, line)
        return activity
    }

    /// The activity of `record`, without its place and time (the caller sets them).
    public func activity(of record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> Activity.Kind? {
        switch record.family {
        case .sshd, .sftpServer, .sudo, .su, .systemdLogind, .accountManagement: break
        default: return nil
        }
        guard record.format != .auditd && record.format != .unrecognised else { return nil }
        fields.reset()
        guard let message = fields.value(of: Self.message, in: record, line: line) else { return nil }
        return fields.withBytes(of: message, line: line) { Self.kind(of: record.family, message: $0) }
    }

    private static let message = FieldName("message")

    /// A failed login or an invalid-user line, with only what the tallies key on: host, source, user,
    /// and whether sshd called the user invalid. Cheaper than ``fill(_:record:line:)``: these are the
    /// bulk of an exposed host's auth log.
    public func tally(_ kind: Activity.Kind, record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> Activity {
        fields.reset()
        let host = record.header.host.map { TextRendering.escapedText(UnsafeBufferPointer(rebasing: line[$0])) } ?? "-"
        var activity = Activity(kind: kind, host: host, program: "")
        activity.count = record.repeatCount
        activity.user = text("user", record, line)
        activity.source = text("src_ip", record, line) ?? text("src_host", record, line)
        if kind == .loginFailed, let message = fields.value(of: Self.message, in: record, line: line) {
            activity.isDenied = fields.withBytes(of: message, line: line) { ByteSearch.contains($0, Self.invalidUserMarker) }
        }
        return activity
    }

    private static let invalidUserMarker = Array(" for invalid user ".utf8)

    /// Fills an activity of `kind` from the record's fields.
    public func fill(_ kind: Activity.Kind, record: LogRecord, line: UnsafeBufferPointer<UInt8>) -> Activity {
        fields.reset()
        var activity = Activity(kind: kind, host: text("host", record, line) ?? "-", program: text("program", record, line) ?? "-")
        activity.pid = text("pid", record, line)
        activity.count = record.repeatCount
        switch kind {
        case .loginAccepted, .loginFailed, .invalidUser, .disconnected:
            activity.user = text("user", record, line)
            activity.source = text("src_ip", record, line) ?? text("src_host", record, line)
            activity.sourcePort = text("src_port", record, line)
            activity.authMethod = text("auth_method", record, line)
            activity.keyFingerprint = text("key_fingerprint", record, line)
            if kind == .loginFailed, let message = value("message", record, line) {
                // `Failed password for invalid user X`: the name is not an account of the host.
                activity.isDenied = message.withUnsafeBufferPointer { ByteSearch.contains($0, Self.invalidUserMarker) }
            }
        case .sessionOpened, .sessionClosed, .passwordChanged, .accountCreated, .accountDeleted:
            activity.user = text("user", record, line)
        case .logindNew, .logindRemoved:
            activity.user = text("user", record, line)
            activity.sessionNumber = text("session_id", record, line)
        case .sftpStarted, .sftpEnded:
            activity.user = text("user", record, line)
            activity.source = text("src_ip", record, line)
        case .fileOpened, .fileClosed, .fileRemoved, .fileRenamed:
            activity.path = text("file_path", record, line)
            activity.newPath = text("new_path", record, line)
            activity.flags = text("flags", record, line)
            activity.bytesRead = text("bytes_read", record, line).flatMap { Int64($0) }
            activity.bytesWritten = text("bytes_written", record, line).flatMap { Int64($0) }
        case .sudoCommand:
            activity.user = text("user", record, line)
            activity.target = text("USER", record, line)
            activity.command = text("COMMAND", record, line)
            if let message = value("message", record, line) {
                activity.isDenied = message.withUnsafeBufferPointer { buffer in
                    ["incorrect password attempt", "NOT in sudoers", "command not allowed", "a password is required"].contains { needle in
                        ByteSearch.contains(buffer, Array(needle.utf8))
                    }
                }
            }
        case .suSwitch:
            activity.user = text("user", record, line)
            activity.target = text("target_user", record, line)
            activity.command = "su " + (activity.target ?? "?")
            if let message = value("message", record, line) {
                activity.isDenied = message.withUnsafeBufferPointer { ByteSearch.contains($0, Array("FAILED".utf8)) }
            }
        case .groupMemberAdded:
            activity.user = text("user", record, line)
            activity.target = text("group", record, line)
        case .auditCommand:
            break
        }
        return activity
    }

    /// The kind a message announces, from its first words. Runs on every line of the families above:
    /// static strings, no allocation.
    static func kind(of family: ProgramFamily, message: UnsafeBufferPointer<UInt8>) -> Activity.Kind? {
        func starts(_ prefix: StaticString) -> Bool { ByteSearch.hasPrefix(message, prefix, at: 0) }
        func contains(_ message: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
            ByteSearch.firstIndex(of: needle, in: message, range: 0..<message.count) != nil
        }
        switch family {
        case .sshd:
            if starts("Accepted ") { return .loginAccepted }
            if starts("Failed ") { return .loginFailed }
            if starts("Invalid user ") { return .invalidUser }
            if starts("Disconnected from user ") { return .disconnected }
            if starts("pam_unix(sshd:session): session opened") { return .sessionOpened }
            if starts("pam_unix(sshd:session): session closed") { return .sessionClosed }
            return nil
        case .sftpServer:
            if starts("session opened for local user ") { return .sftpStarted }
            if starts("session closed for local user ") { return .sftpEnded }
            if starts("open \"") { return .fileOpened }
            if starts("close \"") { return .fileClosed }
            if starts("remove name \"") { return .fileRemoved }
            if starts("rename old \"") || starts("posix-rename old \"") { return .fileRenamed }
            return nil
        case .sudo:
            if starts("pam_") { return nil }
            return contains(message, "COMMAND=") ? .sudoCommand : nil
        case .su:
            if starts("pam_") { return nil }
            if starts("(to ") || starts("FAILED SU (to ") || starts("Successful su for ") || starts("FAILED su for ") { return .suSwitch }
            return nil
        case .systemdLogind:
            if starts("New session ") { return .logindNew }
            if starts("Removed session ") { return .logindRemoved }
            return nil
        case .accountManagement:
            if starts("new user: ") { return .accountCreated }
            if starts("delete user ") { return .accountDeleted }
            if starts("add '") && contains(message, "' to group '") { return .groupMemberAdded }
            if starts("user ") && contains(message, " to group ") { return .groupMemberAdded }
            if contains(message, "password changed for ") { return .passwordChanged }
            return nil
        default:
            return nil
        }
    }

    private func value(_ name: String, _ record: LogRecord, _ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let field = Self.names[name] ?? Optional(FieldName(name)), let value = fields.value(of: field, in: record, line: line) else { return nil }
        return fields.bytes(of: value, line: line)
    }

    private func text(_ name: String, _ record: LogRecord, _ line: UnsafeBufferPointer<UInt8>) -> String? {
        value(name, record, line).map(TextRendering.escapedText)
    }
}
