/// What a line says happened, for the report's sessions and entities: a login, a session opening or
/// closing, a command, a file transfer, an account change.
///
/// Independent of rules: the activity layer reads the fields the record parsers give (sshd, PAM,
/// systemd-logind, sudo, su, sftp-server, account tools), so sessions and entities do not depend on
/// which rules are loaded. Failed logins are counted, not kept one by one: ``count`` says how many
/// events an activity stands for (a `message repeated N times` line, or a chunk's tally).
public struct Activity: Sendable, Codable {
    public enum Kind: UInt8, Sendable, Comparable, Codable {
        /// sshd `Accepted …`.
        case loginAccepted
        /// sshd `Failed … for [invalid user] X from …` (tallied).
        case loginFailed
        /// sshd `Invalid user X from …` (tallied: counts as a name tried, not as a failed login).
        case invalidUser
        /// `pam_unix(sshd:session): session opened|closed`.
        case sessionOpened, sessionClosed
        /// sshd `Disconnected from user X …`.
        case disconnected
        /// systemd-logind `New session N of user X.` / `Removed session N.`
        case logindNew, logindRemoved
        /// sftp-server `session opened|closed for local user X from [ADDR]`.
        case sftpStarted, sftpEnded
        /// sftp-server `open`, `close`, `remove`, `rename`.
        case fileOpened, fileClosed, fileRemoved, fileRenamed
        /// sudo `COMMAND=`, su `(to X) Y on TTY`.
        case sudoCommand, suSwitch
        /// auditd `EXECVE`: a program run, with its login session (`ses`) from the event's `SYSCALL` record.
        case auditCommand
        /// useradd `new user`, usermod/gpasswd `add 'X' to group 'Y'`, `password changed for X`, `delete user`.
        case accountCreated, groupMemberAdded, passwordChanged, accountDeleted

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

        /// An account created, changed or deleted.
        public var isAccountChange: Bool {
            switch self {
            case .accountCreated, .groupMemberAdded, .passwordChanged, .accountDeleted: return true
            default: return false
            }
        }
    }

    public var kind: Kind
    public var host: String
    public var program: String
    public var pid: String?
    /// The account concerned (the invoking user for sudo and su).
    public var user: String?
    /// The client address (sshd, sftp-server).
    public var source: String?
    public var sourcePort: String?
    public var authMethod: String?
    public var keyFingerprint: String?
    public var path: String?
    public var newPath: String?
    public var flags: String?
    public var bytesRead: Int64?
    public var bytesWritten: Int64?
    /// sudo's command, or su's `su TARGET`.
    public var command: String?
    /// sudo's `USER=`, su's target, usermod's group.
    public var target: String?
    public var sessionNumber: String?
    /// sudo refused the command, or su failed.
    public var isDenied = false
    /// Events this stands for.
    public var count = 1

    /// Where and when: set by the scan once the line's time is placed.
    public var nanoseconds: Int64 = 0
    /// The latest time a tally covers (equal to ``nanoseconds`` otherwise).
    public var lastNanoseconds: Int64 = 0
    public var fileIndex = 0
    public var line = 0
    public var offset: Int64 = 0
    /// The line as it will be reported (already redacted when a rule found a secret in it).
    public var text: String = ""

    public init(kind: Kind, host: String, program: String) {
        self.kind = kind
        self.host = host
        self.program = program
    }

    /// Tallied kinds: many lines, one activity per chunk and key.
    public var isTally: Bool { kind == .loginFailed || kind == .invalidUser }
}
