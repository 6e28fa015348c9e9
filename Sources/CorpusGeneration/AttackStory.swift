/// The intrusion planted among the noise: a password leaked into auth.log, an SSH brute force that
/// ends in a login to a real account, privilege escalation, staging and exfiltration of a data
/// folder, persistence, a cloud key typed on a command line, and log clearing.
///
/// The story is cut into three acts so that it spans a rotation set: the leak is in an old
/// compressed file, the brute force straddles a rotation at midnight, the exfiltration and the
/// clean-up are in the live files. Every line of it is written by ``AttackStoryWriter``; the offsets
/// below are the single source of its timing.
struct AttackStory: Sendable {
    /// One contiguous part of the story.
    enum Act: Sendable {
        /// Someone at the console types the account's password at the "login as:" prompt, then logs in.
        case passwordLeak
        /// Password guessing from the attacker's address, the accepted login, and what the attacker
        /// does in that first session (sudo shell, download to /tmp, new sudo user, archive of the data).
        case bruteForceAndCompromise
        /// The attacker returns: sftp download of the archive, a cloud upload with a key on the
        /// command line, deletion of traces, log wiping.
        case exfiltrationAndCleanup
        /// On a second host (whose lines are forwarded to the first): the service account's key used
        /// from the compromised host, at an hour when its nightly backup never runs.
        case lateralLogin
    }

    /// The account the attacker gets into (it must allow password logins).
    var account: UserAccount
    /// The attacker's address (an RFC 5737 address).
    var attackerAddress: IPv4Address
    /// The internal workstation where the password was typed as a user name.
    var leakSourceAddress: IPv4Address
    /// The account's password, as typed at the user-name prompt (password-shaped and clearly fake).
    var leakedPassword: String
    /// Names the brute force tries before the right one, in order.
    var guessedUserNames: [String]
    /// How many failed attempts come before the successful login.
    var failedAttempts: Int
    /// Where the second-stage script is downloaded from.
    var payloadServer: IPv4Address
    /// The folder the attacker archives.
    var dataFolder: String
    /// The archive the attacker writes and later downloads.
    var archivePath: String
    /// The archive's size as sftp-server reports it.
    var archiveBytes: Int
    /// The sudo user the attacker creates.
    var persistenceUser: String
    /// The new user's uid.
    var persistenceUID: Int
    /// The attacker's cloud bucket.
    var bucket: String
    /// For ``Act/lateralLogin``: the compromised host's address, where the key is used from.
    var lateralSourceAddress: IPv4Address?
    /// When each act starts.
    var acts: [(act: Act, time: Int64)]

    /// AWS's own documentation example key id: it has the real shape and is known to be fake.
    static let accessKeyID = "AKIAIOSFODNN7EXAMPLE"
    /// AWS's documentation example secret key.
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    // Offsets (seconds) inside act 2, from the accepted login.
    static let listPrivilegesOffset: Int64 = 38
    static let rootShellOffset: Int64 = 78
    static let downloadOffset: Int64 = 268
    static let runPayloadOffset: Int64 = 289
    static let addUserOffset: Int64 = 430
    static let addToSudoOffset: Int64 = 458
    static let setPasswordOffset: Int64 = 493
    static let archiveOffset: Int64 = 648
    /// The lateral login on the second host, from the accepted login on the first.
    static let lateralOffset: Int64 = 905
    static let logoutOffset: Int64 = 1118

    // Offsets inside act 3, from its start (the sftp login).
    static let sftpOpenOffset: Int64 = 9
    static let sftpCloseOffset: Int64 = 178
    static let returnLoginOffset: Int64 = 435
    // Offsets inside act 3's second connection, from the return login.
    static let cloudUploadOffset: Int64 = 48
    static let removeFilesOffset: Int64 = 100
    static let removeHistoryOffset: Int64 = 128
    static let truncateSyslogOffset: Int64 = 153
    static let vacuumJournalOffset: Int64 = 178
    static let finalLogoutOffset: Int64 = 236

    /// The moment `/var/log/syslog` is emptied (`truncate -s 0`): syslog lines before it are lost.
    /// rsyslog writes with O_APPEND, so it simply goes on at offset 0.
    var syslogWipeTime: Int64? {
        acts.first { $0.act == .exfiltrationAndCleanup }.map { $0.time + Self.returnLoginOffset + Self.truncateSyslogOffset + 1 }
    }

    /// Spacing of the brute force's connections, in seconds.
    static let secondsBetweenGuesses: Int64 = 16

    /// The same story as seen from a second host: only its lateral login, timed from act 2 here.
    func lateralCounterpart(from source: IPv4Address) -> AttackStory? {
        guard let start = acts.first(where: { $0.act == .bruteForceAndCompromise })?.time else { return nil }
        var copy = self
        copy.lateralSourceAddress = source
        copy.acts = [(.lateralLogin, acceptedLoginTime(actStart: start) + Self.lateralOffset)]
        return copy
    }

    /// When the brute force succeeds, for a story whose act 2 starts at `start`.
    func acceptedLoginTime(actStart start: Int64) -> Int64 {
        start + Int64(failedAttempts) * Self.secondsBetweenGuesses + 52
    }
}
