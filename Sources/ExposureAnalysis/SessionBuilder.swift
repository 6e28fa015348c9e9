/// Joins activities into SSH login sessions, in one pass over activities in time order.
///
/// The joins, per host:
/// - sshd `Accepted …` opens a session keyed by the sshd process id; `pam_unix(sshd:session)` lines
///   of the same pid confirm it (and open one when the `Accepted` line is not in the evidence);
/// - systemd-logind `New session N of user U` attaches to the newest session of U on the host without
///   a logind number, opened at most 60 s before; `Removed session N` ends it;
/// - sudo and su commands attach to the newest open session of their invoking user on the host;
///   auditd `EXECVE` records attach by their `ses` (logind's session number);
/// - sftp-server `session opened for local user U from [A]` attaches its own pid to the newest open
///   session of U from A; that pid's `open`/`close`/`remove`/`rename` lines become the session's files;
/// - `pam_unix(sshd:session): session closed`, `Disconnected from user` or logind's `Removed session`
///   end a session (the latest such time is its end).
///
/// A session whose end is not in the evidence has no `end`. Memory: one entry per session, plus
/// indexes of the open ones.
struct SessionBuilder {
    /// A session being built; ``LoginSession`` is made at the end.
    struct Draft {
        var host: String
        var pid: String
        var user: String
        var source: String?
        var sourcePort: String?
        var authMethod: String?
        var keyFingerprint: String?
        var logindSession: String?
        var start: Int64?
        var end: Int64?
        var isOpen = true
        var commands: [Activity] = []
        var commandsTotal = 0
        var files: [Activity] = []
        var filesTotal = 0
        var bytesRead: Int64 = 0
        var bytesWritten: Int64 = 0
        var first: Activity
        var last: Activity?
        /// Every line of the session (file index, line), to tie findings to it.
        var lines: Set<LineKey> = []
    }

    struct LineKey: Hashable {
        var fileIndex: Int
        var line: Int
    }

    /// Commands, and file operations other than reads, kept per session (all are counted).
    static let maximumCommandsKept = 200

    private(set) var drafts: [Draft] = []
    private var bySSHDProcess: [String: Int] = [:]   // "host\u{0}pid"
    private var byLogind: [String: Int] = [:]        // "host\u{0}N"
    /// Sessions with a logind number, by the number alone (for audit records that name no host).
    private var byLogindNumber: [String: [Int]] = [:]
    private var bySFTPProcess: [String: Int] = [:]   // "host\u{0}pid"
    /// Open sessions per "host\u{0}user", newest last.
    private var openByUser: [String: [Int]] = [:]
    /// Commands and transfers no session could take (kept for the timeline and entities).
    private(set) var unattached: [Activity] = []

    mutating func add(_ activity: Activity) {
        let host = activity.host
        switch activity.kind {
        case .loginAccepted:
            guard let pid = activity.pid, let user = activity.user else { return }
            var draft = Draft(host: host, pid: pid, user: user, first: activity)
            draft.source = activity.source
            draft.sourcePort = activity.sourcePort
            draft.authMethod = activity.authMethod
            draft.keyFingerprint = activity.keyFingerprint
            draft.start = activity.nanoseconds
            draft.lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
            open(draft, sshdKey: key(host, pid))
        case .sessionOpened:
            guard let pid = activity.pid else { return }
            if let index = bySSHDProcess[key(host, pid)], drafts[index].isOpen {
                drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
            } else if let user = activity.user {
                var draft = Draft(host: host, pid: pid, user: user, first: activity)
                draft.start = activity.nanoseconds
                draft.lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
                open(draft, sshdKey: key(host, pid))
            }
        case .sessionClosed, .disconnected:
            guard let pid = activity.pid, let index = bySSHDProcess[key(host, pid)] else { return }
            close(index, by: activity)
        case .logindNew:
            guard let number = activity.sessionNumber, let user = activity.user else { return }
            let candidates = openByUser[key(host, user)] ?? []
            if let index = candidates.last(where: { drafts[$0].logindSession == nil && activity.nanoseconds - (drafts[$0].start ?? .min) <= 60_000_000_000 }) {
                drafts[index].logindSession = number
                drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
                byLogind[key(host, number)] = index
                byLogindNumber[number, default: []].append(index)
            }
        case .logindRemoved:
            guard let number = activity.sessionNumber, let index = byLogind.removeValue(forKey: key(host, number)) else { return }
            byLogindNumber[number]?.removeAll { $0 == index }
            if byLogindNumber[number]?.isEmpty == true { byLogindNumber[number] = nil }
            close(index, by: activity)
        case .sudoCommand, .suSwitch:
            guard let user = activity.user, let index = openByUser[key(host, user)]?.last else {
                unattached.append(activity)
                return
            }
            drafts[index].commandsTotal += 1
            if drafts[index].commands.count < Self.maximumCommandsKept { drafts[index].commands.append(activity) }
            drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        case .auditCommand:
            // auditd's `ses` is logind's session number; a record without `node=` names no host.
            guard let number = activity.sessionNumber else { return }
            var index = byLogind[key(host, number)]
            if index == nil && host == "-", let candidates = byLogindNumber[number], candidates.count == 1 {
                index = candidates[0]
            }
            guard let index else {
                unattached.append(activity)
                return
            }
            drafts[index].commandsTotal += 1
            if drafts[index].commands.count < Self.maximumCommandsKept { drafts[index].commands.append(activity) }
            drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        case .sftpStarted:
            guard let pid = activity.pid, let user = activity.user else { return }
            let candidates = openByUser[key(host, user)] ?? []
            let index = candidates.last { activity.source == nil || drafts[$0].source == activity.source } ?? candidates.last
            guard let index else {
                unattached.append(activity)
                return
            }
            bySFTPProcess[key(host, pid)] = index
            drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        case .sftpEnded:
            guard let pid = activity.pid, let index = bySFTPProcess.removeValue(forKey: key(host, pid)) else { return }
            drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        case .fileOpened, .fileClosed, .fileRemoved, .fileRenamed:
            guard let pid = activity.pid, let index = bySFTPProcess[key(host, pid)] else {
                unattached.append(activity)
                return
            }
            drafts[index].filesTotal += 1
            // Reads are what verdicts rest on: keep every one; other operations up to the cap.
            let isRead = (activity.kind == .fileClosed && (activity.bytesRead ?? 0) > 0) || (activity.kind == .fileOpened && (activity.flags ?? "").contains("READ"))
            if isRead || drafts[index].files.count < Self.maximumCommandsKept { drafts[index].files.append(activity) }
            drafts[index].bytesRead += activity.bytesRead ?? 0
            drafts[index].bytesWritten += activity.bytesWritten ?? 0
            drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        case .loginFailed, .invalidUser, .accountCreated, .groupMemberAdded, .passwordChanged, .accountDeleted:
            // Account changes are made in a session: tie their lines to the newest open session on the host
            // whose user ran a command as root, for the findings on them.
            if activity.kind != .loginFailed && activity.kind != .invalidUser {
                unattached.append(activity)
            }
        }
    }

    private func key(_ host: String, _ value: String) -> String { host + "\u{0}" + value }

    private mutating func open(_ draft: Draft, sshdKey: String) {
        if let previous = bySSHDProcess[sshdKey], drafts[previous].isOpen { closeIndex(previous) }
        drafts.append(draft)
        let index = drafts.count - 1
        bySSHDProcess[sshdKey] = index
        openByUser[key(draft.host, draft.user), default: []].append(index)
    }

    private mutating func close(_ index: Int, by activity: Activity) {
        drafts[index].end = max(drafts[index].end ?? .min, activity.nanoseconds)
        drafts[index].lines.insert(LineKey(fileIndex: activity.fileIndex, line: activity.line))
        if drafts[index].last == nil || activity.nanoseconds >= drafts[index].last!.nanoseconds { drafts[index].last = activity }
        if drafts[index].isOpen { closeIndex(index) }
    }

    private mutating func closeIndex(_ index: Int) {
        drafts[index].isOpen = false
        let userKey = key(drafts[index].host, drafts[index].user)
        openByUser[userKey]?.removeAll { $0 == index }
        if openByUser[userKey]?.isEmpty == true { openByUser[userKey] = nil }
    }
}
