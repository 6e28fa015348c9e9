/// sshd's lines: internet scanners knocking, password-guessing bursts, and the login and logout
/// sequences that every accepted SSH session leaves (shared by administrators, CI uploads, backups
/// and the attack story).
///
/// Formats follow OpenSSH 9.x at `LogLevel INFO` with PAM (`UsePAM yes`), as Debian and Ubuntu ship it.
enum SSHActivity {
    /// User names internet scanners try that do not exist on the hosts. None is password-shaped.
    static let scannerUserNames: [[UInt8]] = [
        "admin", "test", "user", "ubuntu", "oracle", "postgres", "git", "ftpuser", "guest", "pi", "support",
        "jenkins", "hadoop", "elastic", "minecraft", "steam", "test1", "user1", "admin123", "ubnt", "centos",
        "debian", "es", "nagios", "zabbix", "vagrant", "ansible", "sysadmin", "odoo", "sol", "solana", "node",
        "mysql", "www", "web", "dev", "devops", "administrator", "operator", "tomcat", "wordpress", "ts3",
        "teamspeak", "kafka", "redis", "docker", "gitlab", "backup", "ftp", "nginx", "apache", "student",
        "demo", "server", "ubuntu1", "admin1", "testuser", "gpadmin", "hduser", "mongodb", "sonar", "deployer",
        "postgres1", "informix", "ec2-user", "azureuser", "centos7", "service", "usuario", "adm", "bitrix",
        "cisco", "ftpadmin", "john", "dspace", "weblogic", "esuser", "master", "mcserver", "user01",
    ].map { Array($0.utf8) }

    // MARK: Scanners

    /// One connection from an internet scanner, in one of a dozen shapes seen on exposed hosts.
    static func scannerConnection(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let address: IPv4Address = context.random.chance(perMille: 750)
            ? context.random.pick(context.state.scannerPool)
            : IPv4Address.randomDocumentationAddress(&context.random)
        let port = context.random.between(1024, 65_535)
        let pid = context.state.newProcessID(&context.random)
        let program = context.sshdProgram(at: time)
        let shape = context.random.below(1000)
        if program == ProgramName.sshdSession && context.random.chance(perMille: 20) {
            // OpenSSH 9.8 penalties: the listener drops repeat offenders.
            context.begin(&timeline, at: time, .auth, ProgramName.sshd, pid: context.state.sshListenerProcessID)
            timeline.append("drop connection #0 from [")
            timeline.append(address: address)
            timeline.append("]:")
            timeline.append(decimal: port)
            timeline.append(" on [")
            timeline.append(address: context.profile.address)
            timeline.append("]:22 penalty: failed authentication")
            timeline.end()
            return
        }
        switch shape {
        case 0..<300:
            let user = context.random.pick(scannerUserNames)
            passwordAttempt(at: time, address: address, port: port, user: user, isExistingAccount: false,
                                pid: pid, context: &context, timeline: &timeline)
        case 300..<420:
            let user = context.random.chance(perMille: 800) ? Array("root".utf8) : context.random.pick(context.profile.existingAccountNames)
            passwordAttempt(at: time, address: address, port: port, user: user, isExistingAccount: true,
                                pid: pid, context: &context, timeline: &timeline)
        case 420..<450:
            maximumAttempts(at: time, address: address, port: port, pid: pid, context: &context, timeline: &timeline)
        case 450..<650:
            preauthLine(at: time + 1, address: address, port: port, pid: pid, prefix: "Connection closed by ",
                        context: &context, timeline: &timeline)
        case 650..<730:
            let user = context.random.pick(scannerUserNames)
            context.begin(&timeline, at: time, .auth, program, pid: pid)
            timeline.append("Invalid user ")
            timeline.append(user)
            timeline.append(" from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.end()
            context.begin(&timeline, at: time + 1, .auth, program, pid: pid)
            timeline.append("Connection closed by invalid user ")
            timeline.append(user)
            timeline.append(byte: UInt8(ascii: " "))
            appendAddressAndPort(address, port, &timeline)
            timeline.append(" [preauth]")
            timeline.end()
        case 730..<790:
            let isReset = context.random.chance(perMille: 400)
            context.line(&timeline, at: time, .auth, program, pid: pid,
                         isReset ? "error: kex_exchange_identification: read: Connection reset by peer"
                                 : "error: kex_exchange_identification: Connection closed by remote host")
            context.begin(&timeline, at: time, .auth, program, pid: pid)
            timeline.append(isReset ? "Connection reset by " : "Connection closed by ")
            appendAddressAndPort(address, port, &timeline)
            timeline.end()
        case 790..<830:
            context.begin(&timeline, at: time, .auth, program, pid: pid)
            timeline.append("banner exchange: Connection from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(": invalid format")
            timeline.end()
        case 830..<870:
            context.begin(&timeline, at: time, .auth, program, pid: pid)
            timeline.append("Unable to negotiate with ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(": no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]")
            timeline.end()
        case 870..<930:
            preauthLine(at: time + Int64(context.random.below(3)), address: address, port: port, pid: pid,
                        prefix: "Connection closed by authenticating user root ", context: &context, timeline: &timeline)
        case 930..<960:
            context.begin(&timeline, at: time + 120, .auth, program, pid: pid)
            timeline.append("Timeout before authentication for ")
            appendAddressAndPort(address, port, &timeline)
            timeline.end()
        default:
            preauthLine(at: time, address: address, port: port, pid: pid, prefix: "Connection reset by ",
                        context: &context, timeline: &timeline)
        }
    }

    /// A password-guessing campaign from one new address: 8 to 40 failed attempts over a few minutes,
    /// each on its own connection, mixing real and invented account names. It never succeeds.
    static func scannerBurst(at time: Int64, context: inout HostContext, timeline: inout LineTimeline) {
        let address = IPv4Address.randomDocumentationAddress(&context.random)
        let attempts = context.random.between(8, 40)
        var moment = time
        for _ in 0..<attempts {
            let pid = context.state.newProcessID(&context.random)
            let port = context.random.between(32_768, 60_999)
            let existing = context.random.chance(perMille: 350)
            let user = existing ? context.random.pick(context.profile.existingAccountNames) : context.random.pick(scannerUserNames)
            moment = passwordAttempt(at: moment, address: address, port: port, user: user, isExistingAccount: existing,
                                     pid: pid, context: &context, timeline: &timeline)
            moment += Int64(context.random.between(2, 25))
        }
    }

    /// One failed password attempt on its own connection (PAM lines, `Failed password …`, disconnect);
    /// returns the time of its last line.
    @discardableResult
    static func passwordAttempt(at time: Int64, address: IPv4Address, port: Int, user: [UInt8], isExistingAccount: Bool,
                                pid: Int, context: inout HostContext, timeline: inout LineTimeline) -> Int64 {
        let program = context.sshdProgram(at: time)
        var moment = time
        if !isExistingAccount {
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            timeline.append("Invalid user ")
            timeline.append(user)
            timeline.append(" from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.end()
            moment += Int64(context.random.below(2))
            context.line(&timeline, at: moment, .auth, program, pid: pid, "pam_unix(sshd:auth): check pass; user unknown")
        }
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        timeline.append("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=")
        timeline.append(address: address)
        if isExistingAccount {
            timeline.append("  user=")
            timeline.append(user)
        }
        timeline.end()
        moment += Int64(1 + context.random.below(3))
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        timeline.append(isExistingAccount ? "Failed password for " : "Failed password for invalid user ")
        timeline.append(user)
        timeline.append(" from ")
        appendAddressAndPort(address, port, &timeline)
        timeline.append(" ssh2")
        timeline.end()
        moment += Int64(context.random.below(2))
        if context.random.chance(perMille: 700) {
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            timeline.append("Received disconnect from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(":11: Bye Bye [preauth]")
            timeline.end()
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            timeline.append(isExistingAccount ? "Disconnected from authenticating user " : "Disconnected from invalid user ")
        } else {
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            timeline.append(isExistingAccount ? "Connection closed by authenticating user " : "Connection closed by invalid user ")
        }
        timeline.append(user)
        timeline.append(byte: UInt8(ascii: " "))
        appendAddressAndPort(address, port, &timeline)
        timeline.append(" [preauth]")
        timeline.end()
        return moment
    }

    /// Six root passwords on one connection until sshd gives up (`MaxAuthTries 6`). Ubuntu's rsyslog
    /// folds the identical failures into `message repeated 5 times: [ … ]`.
    static func maximumAttempts(at time: Int64, address: IPv4Address, port: Int, pid: Int,
                                context: inout HostContext, timeline: inout LineTimeline) {
        let program = context.sshdProgram(at: time)
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=")
        timeline.append(address: address)
        timeline.append("  user=root")
        timeline.end()
        var moment = time + 2
        func failure(_ timeline: inout LineTimeline) {
            timeline.append("Failed password for root from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(" ssh2")
        }
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        failure(&timeline)
        timeline.end()
        if context.profile.distribution == .ubuntu {
            moment += 12
            context.begin(&timeline, at: moment, .auth, program, pid: pid)
            timeline.append("message repeated 5 times: [ ")
            failure(&timeline)
            timeline.append("]")
            timeline.end()
        } else {
            for _ in 0..<5 {
                moment += Int64(2 + context.random.below(2))
                context.begin(&timeline, at: moment, .auth, program, pid: pid)
                failure(&timeline)
                timeline.end()
            }
        }
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        timeline.append("error: maximum authentication attempts exceeded for root from ")
        appendAddressAndPort(address, port, &timeline)
        timeline.append(" ssh2 [preauth]")
        timeline.end()
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        timeline.append("Disconnecting authenticating user root ")
        appendAddressAndPort(address, port, &timeline)
        timeline.append(": Too many authentication failures [preauth]")
        timeline.end()
        context.begin(&timeline, at: moment, .auth, program, pid: pid)
        timeline.append("PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=")
        timeline.append(address: address)
        timeline.append("  user=root")
        timeline.end()
        context.line(&timeline, at: moment, .auth, program, pid: pid, "PAM service(sshd) ignoring max retries; 6 > 3")
    }

    // MARK: Sessions

    /// How a session was authenticated.
    enum Authentication {
        /// A key; sshd logs its type and fingerprint after `ssh2: `.
        case publickey(fingerprint: [UInt8])
        /// A password (or keyboard-interactive through PAM).
        case password
    }

    /// `Accepted … for U from A port P ssh2`, PAM's session-opened line, logind's `New session N`,
    /// and systemd's session scope in syslog. Returns the logind session number.
    @discardableResult
    static func openSession(at time: Int64, pid: Int, userName: [UInt8], uid: Int, address: IPv4Address, port: Int,
                            authentication: Authentication, context: inout HostContext, timeline: inout LineTimeline) -> Int {
        let program = context.sshdProgram(at: time)
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        switch authentication {
        case let .publickey(fingerprint):
            timeline.append("Accepted publickey for ")
            timeline.append(userName)
            timeline.append(" from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(" ssh2: ")
            timeline.append(fingerprint)
        case .password:
            timeline.append("Accepted password for ")
            timeline.append(userName)
            timeline.append(" from ")
            appendAddressAndPort(address, port, &timeline)
            timeline.append(" ssh2")
        }
        timeline.end()
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("pam_unix(sshd:session): session opened for user ")
        timeline.append(userName)
        timeline.append("(uid=")
        timeline.append(decimal: uid)
        timeline.append(")")
        context.appendSessionOpener(&timeline, name: userName)
        timeline.end()
        let session = context.state.newSession()
        context.begin(&timeline, at: time, .auth, ProgramName.systemdLogind, pid: context.profile.daemonProcessIDs.logind)
        timeline.append("New session ")
        timeline.append(decimal: session)
        timeline.append(" of user ")
        timeline.append(userName)
        timeline.append(".")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.systemd, pid: 1)
        timeline.append("Started session-")
        timeline.append(decimal: session)
        timeline.append(".scope - Session ")
        timeline.append(decimal: session)
        timeline.append(" of User ")
        timeline.append(userName)
        timeline.append(".")
        timeline.end()
        return session
    }

    /// The client disconnecting: sshd's disconnect lines, PAM's session-closed line, logind removing
    /// the session, and systemd's scope ending in syslog.
    static func closeSession(at time: Int64, pid: Int, userName: [UInt8], address: IPv4Address, port: Int, session: Int,
                             context: inout HostContext, timeline: inout LineTimeline) {
        let program = context.sshdProgram(at: time)
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("Received disconnect from ")
        appendAddressAndPort(address, port, &timeline)
        timeline.append(":11: disconnected by user")
        timeline.end()
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("Disconnected from user ")
        timeline.append(userName)
        timeline.append(byte: UInt8(ascii: " "))
        appendAddressAndPort(address, port, &timeline)
        timeline.end()
        context.begin(&timeline, at: time, .auth, program, pid: pid)
        timeline.append("pam_unix(sshd:session): session closed for user ")
        timeline.append(userName)
        timeline.end()
        let logind = context.profile.daemonProcessIDs.logind
        context.begin(&timeline, at: time, .auth, ProgramName.systemdLogind, pid: logind)
        timeline.append("Session ")
        timeline.append(decimal: session)
        timeline.append(" logged out. Waiting for processes to exit.")
        timeline.end()
        context.begin(&timeline, at: time, .auth, ProgramName.systemdLogind, pid: logind)
        timeline.append("Removed session ")
        timeline.append(decimal: session)
        timeline.append(".")
        timeline.end()
        context.begin(&timeline, at: time, .syslog, ProgramName.systemd, pid: 1)
        timeline.append("session-")
        timeline.append(decimal: session)
        timeline.append(".scope: Deactivated successfully.")
        timeline.end()
    }

    // MARK: Helpers

    /// `A port P`.
    static func appendAddressAndPort(_ address: IPv4Address, _ port: Int, _ timeline: inout LineTimeline) {
        timeline.append(address: address)
        timeline.append(" port ")
        timeline.append(decimal: port)
    }

    private static func preauthLine(at time: Int64, address: IPv4Address, port: Int, pid: Int, prefix: StaticString,
                                    context: inout HostContext, timeline: inout LineTimeline) {
        context.begin(&timeline, at: time, .auth, context.sshdProgram(at: time), pid: pid)
        timeline.append(prefix)
        appendAddressAndPort(address, port, &timeline)
        timeline.append(" [preauth]")
        timeline.end()
    }
}
