/// People and robots that log in on purpose: administrators running sudo commands, a CI system
/// uploading releases over sftp, another host's backup job. All of it is benign; none of it may make
/// a rule above `low` fire.
enum AdministratorActivity {
    /// Routine commands administrators run through sudo, with how long each keeps its PAM session open.
    static let routineCommands: [(command: [UInt8], seconds: ClosedRange<Int>)] = [
        ("/usr/bin/apt update", 15...60), ("/usr/bin/apt upgrade -y", 60...600), ("/usr/bin/apt list --upgradable", 2...5),
        ("/usr/bin/systemctl restart nginx", 1...3), ("/usr/bin/systemctl status nginx", 1...20),
        ("/usr/bin/systemctl reload php8.2-fpm", 1...2), ("/usr/bin/journalctl -u nginx --since today", 5...120),
        ("/usr/bin/tail -n 200 /var/log/nginx/error.log", 1...5), ("/usr/sbin/ufw status verbose", 1...2),
        ("/usr/bin/df -h", 0...1), ("/usr/bin/du -sh /var/www", 1...10), ("/usr/bin/certbot renew --dry-run", 10...40),
        ("/usr/bin/vim /etc/nginx/sites-available/default", 30...600), ("/usr/sbin/nginx -t", 0...1),
        ("/usr/bin/less /var/log/syslog", 10...300), ("/usr/bin/ss -tlnp", 0...1), ("/usr/bin/lsof -i :443", 1...3),
        ("/usr/bin/crontab -l -u svc-backup", 0...1), ("/usr/bin/cat /etc/nginx/nginx.conf", 0...1),
        ("/usr/bin/systemctl list-timers", 0...2),
    ].map { (Array($0.0.utf8), $0.1) }

    private static let workingFolders: [[UInt8]] = ["/etc/nginx", "/var/www/html", "/var/log"].map { Array($0.utf8) }

    /// An administrator's publickey session from their usual address with zero to four sudo commands.
    static func administratorSession(at time: Int64, administrator index: Int, context: inout HostContext,
                                     timeline: inout LineTimeline) {
        let account = context.profile.administrators[index]
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(49_152, 65_535)
        let session = SSHActivity.openSession(at: time, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: account.sourceAddress, port: port,
                                              authentication: .publickey(fingerprint: account.keyFingerprint),
                                              context: &context, timeline: &timeline)
        let terminal = context.state.newTerminal()
        var moment = time + Int64(context.random.between(20, 300))
        for _ in 0..<context.random.below(5) {
            let choice = context.random.pick(routineCommands)
            let folder = context.random.chance(perMille: 600) ? account.homeBytes : context.random.pick(workingFolders)
            if context.random.chance(perMille: 40) {
                // A mistyped sudo password that the second try fixes: PAM logs only the failure.
                context.begin(&timeline, at: moment, .auth, ProgramName.sudo, pid: nil)
                timeline.append("pam_unix(sudo:auth): authentication failure; logname=")
                timeline.append(account.nameBytes)
                timeline.append(" uid=")
                timeline.append(decimal: account.uid)
                timeline.append(" euid=0 tty=/dev/pts/")
                timeline.append(decimal: terminal)
                timeline.append(" ruser=")
                timeline.append(account.nameBytes)
                timeline.append(" rhost=  user=")
                timeline.append(account.nameBytes)
                timeline.end()
                moment += Int64(context.random.between(3, 9))
            }
            let failedThrice = context.random.chance(perMille: 8)
            sudoCommand(at: moment, account: account, terminal: terminal, folder: folder, command: choice.command,
                        sessionSeconds: failedThrice ? nil : context.random.between(choice.seconds.lowerBound, choice.seconds.upperBound),
                        context: &context, timeline: &timeline)
            moment += Int64(context.random.between(30, 900))
        }
        SSHActivity.closeSession(at: moment + Int64(context.random.between(5, 600)), pid: pid, userName: account.nameBytes,
                                 address: account.sourceAddress, port: port, session: session,
                                 context: &context, timeline: &timeline)
    }

    /// sudo's log line for one command, then PAM's session lines around it; with `sessionSeconds` nil
    /// the user gave up after three wrong passwords and sudo logs that instead.
    static func sudoCommand(at time: Int64, account: UserAccount, terminal: Int, folder: [UInt8], command: [UInt8],
                            sessionSeconds: Int?, context: inout HostContext, timeline: inout LineTimeline) {
        context.begin(&timeline, at: time, .auth, ProgramName.sudo, pid: nil)
        timeline.append(account.sudoColumnBytes)
        timeline.append(" : ")
        if sessionSeconds == nil { timeline.append("3 incorrect password attempts ; ") }
        timeline.append("TTY=pts/")
        timeline.append(decimal: terminal)
        timeline.append(" ; PWD=")
        timeline.append(folder)
        timeline.append(" ; USER=root ; COMMAND=")
        timeline.append(command)
        timeline.end()
        guard let sessionSeconds else { return }
        context.begin(&timeline, at: time, .auth, ProgramName.sudo, pid: nil)
        timeline.append("pam_unix(sudo:session): session opened for user root(uid=0) by ")
        timeline.append(account.nameBytes)
        timeline.append("(uid=")
        timeline.append(decimal: account.uid)
        timeline.append(")")
        timeline.end()
        context.line(&timeline, at: time + Int64(sessionSeconds), .auth, ProgramName.sudo, pid: nil,
                     "pam_unix(sudo:session): session closed for user root")
    }

    /// A CI job uploading a release over sftp: publickey login, `subsystem request for sftp`, and
    /// sftp-server's `open`/`close … bytes read 0 written N` lines for each file (`-l INFO`).
    static func deployUpload(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        guard let account = context.profile.deployAccount else { return }
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(32_768, 60_999)
        let session = SSHActivity.openSession(at: time, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: account.sourceAddress, port: port,
                                              authentication: .publickey(fingerprint: account.keyFingerprint),
                                              context: &context, timeline: &timeline)
        let program = context.sshdProgram(at: time)
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("subsystem request for sftp by user ")
        timeline.append(account.nameBytes)
        timeline.end()
        let sftpPid = context.state.newProcessID(&context.random)
        context.begin(&timeline, at: time, .auth, ProgramName.sftpServer, pid: sftpPid)
        timeline.append("session opened for local user ")
        timeline.append(account.nameBytes)
        timeline.append(" from [")
        timeline.append(address: account.sourceAddress)
        timeline.append("]")
        timeline.end()
        let civil = UTCDateTime(epochSeconds: time)
        var release = Array("/var/www/app/releases/".utf8)
        release += Array(String(civil.year).utf8)
        for field in [civil.month, civil.day, civil.hour, civil.minute] {
            if field < 10 { release.append(UInt8(ascii: "0")) }
            release += Array(String(field).utf8)
        }
        var moment = time + 1
        context.begin(&timeline, at: moment, .auth, ProgramName.sftpServer, pid: sftpPid)
        timeline.append("mkdir name \"")
        timeline.append(release)
        timeline.append("\" mode 0755")
        timeline.end()
        let files: [StaticString] = ["/index.php", "/app.js", "/app.css", "/routes.php", "/composer.lock", "/favicon.ico"]
        for fileIndex in 0..<context.random.between(2, files.count) {
            context.begin(&timeline, at: moment, .auth, ProgramName.sftpServer, pid: sftpPid)
            timeline.append("open \"")
            timeline.append(release)
            timeline.append(files[fileIndex])
            timeline.append("\" flags WRITE,CREATE,TRUNCATE mode 0644")
            timeline.end()
            moment += Int64(context.random.below(3))
            context.begin(&timeline, at: moment, .auth, ProgramName.sftpServer, pid: sftpPid)
            timeline.append("close \"")
            timeline.append(release)
            timeline.append(files[fileIndex])
            timeline.append("\" bytes read 0 written ")
            timeline.append(decimal: context.random.between(900, 480_000))
            timeline.end()
        }
        context.begin(&timeline, at: moment, .auth, ProgramName.sftpServer, pid: sftpPid)
        timeline.append("session closed for local user ")
        timeline.append(account.nameBytes)
        timeline.append(" from [")
        timeline.append(address: account.sourceAddress)
        timeline.append("]")
        timeline.end()
        SSHActivity.closeSession(at: moment + 1, pid: pid, userName: account.nameBytes, address: account.sourceAddress,
                                 port: port, session: session, context: &context, timeline: &timeline)
    }

    /// Another host's backup job logging in with the service account's key for a few minutes.
    static func nightlyBackupLogin(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        guard let account = context.profile.serviceAccount, let source = context.profile.nightlyBackupLoginFrom else { return }
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(32_768, 60_999)
        let session = SSHActivity.openSession(at: time, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: source, port: port,
                                              authentication: .publickey(fingerprint: account.keyFingerprint),
                                              context: &context, timeline: &timeline)
        SSHActivity.closeSession(at: time + Int64(context.random.between(90, 420)), pid: pid, userName: account.nameBytes,
                                 address: source, port: port, session: session, context: &context, timeline: &timeline)
    }
}

extension AdministratorActivity {
    /// The first administrator upgrades openssh-server; ssh.service restarts with a new listener pid,
    /// and from ``HostProfile/sessionBinarySince`` on per-connection lines come from `sshd-session`.
    static func openSSHUpgrade(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let account = context.profile.administrators[0]
        let pid = context.state.newProcessID(&context.random)
        let port = context.random.between(49_152, 65_535)
        let login = time - 95
        let session = SSHActivity.openSession(at: login, pid: pid, userName: account.nameBytes, uid: account.uid,
                                              address: account.sourceAddress, port: port,
                                              authentication: .publickey(fingerprint: account.keyFingerprint),
                                              context: &context, timeline: &timeline)
        sudoCommand(at: time, account: account, terminal: 0, folder: account.homeBytes,
                    command: Array("/usr/bin/apt-get install --only-upgrade -y openssh-server openssh-client".utf8),
                    sessionSeconds: 38, context: &context, timeline: &timeline)
        let restart = time + 31
        context.line(&timeline, at: restart, .syslog, ProgramName.systemd, pid: 1, "Stopping ssh.service - OpenBSD Secure Shell server...")
        context.line(&timeline, at: restart, .auth, ProgramName.sshd, pid: context.state.sshListenerProcessID,
                     "Received signal 15; terminating.")
        context.line(&timeline, at: restart, .syslog, ProgramName.systemd, pid: 1, "ssh.service: Deactivated successfully.")
        context.line(&timeline, at: restart, .syslog, ProgramName.systemd, pid: 1, "Stopped ssh.service - OpenBSD Secure Shell server.")
        context.line(&timeline, at: restart, .syslog, ProgramName.systemd, pid: 1, "Starting ssh.service - OpenBSD Secure Shell server...")
        context.state.sshListenerProcessID = context.state.newProcessID(&context.random)
        let listener = context.state.sshListenerProcessID
        context.line(&timeline, at: restart + 1, .auth, ProgramName.sshd, pid: listener, "Server listening on 0.0.0.0 port 22.")
        context.line(&timeline, at: restart + 1, .auth, ProgramName.sshd, pid: listener, "Server listening on :: port 22.")
        context.line(&timeline, at: restart + 1, .syslog, ProgramName.systemd, pid: 1, "Started ssh.service - OpenBSD Secure Shell server.")
        SSHActivity.closeSession(at: time + 260, pid: pid, userName: account.nameBytes, address: account.sourceAddress,
                                 port: port, session: session, context: &context, timeline: &timeline)
    }
}
