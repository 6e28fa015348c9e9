/// One host during a simulation: its fixed profile, its moving counters, its own random stream, the
/// sinks its two log streams go to, and the attack stories planted on it.
struct HostContext {
    let profile: HostProfile
    var state: HostState
    var random: SeededRandom
    /// Sink index of the host's auth.log and syslog (the same index for a central archive).
    let authSink: Int
    let syslogSink: Int
    let stories: [AttackStory]

    init(profile: HostProfile, startTime: Int64, random: SeededRandom, authSink: Int, syslogSink: Int,
         stories: [AttackStory] = []) {
        self.profile = profile
        var random = random
        state = HostState(profile: profile, startTime: startTime, random: &random)
        self.random = random
        self.authSink = authSink
        self.syslogSink = syslogSink
        self.stories = stories
    }

    /// The tag of sshd's per-connection lines at `time`: `sshd`, or `sshd-session` after the host moved
    /// to OpenSSH 9.8 or later.
    func sshdProgram(at time: Int64) -> [UInt8] {
        time >= profile.sessionBinarySince ? ProgramName.sshdSession : ProgramName.sshd
    }

    /// Starts a line of this host in `stream`.
    func begin(_ timeline: inout LineTimeline, at time: Int64, _ stream: LogStream, _ program: [UInt8], pid: Int?) {
        timeline.begin(at: time, sink: stream == .auth ? authSink : syslogSink, host: profile.nameBytes,
                       program: program, pid: pid)
    }

    /// Writes one complete line whose message is a literal.
    func line(_ timeline: inout LineTimeline, at time: Int64, _ stream: LogStream, _ program: [UInt8], pid: Int?,
              _ message: StaticString) {
        begin(&timeline, at: time, stream, program, pid: pid)
        timeline.append(message)
        timeline.end()
    }

    /// Writes one complete line whose message is a scripted string (story lines; not the hot path).
    func line(_ timeline: inout LineTimeline, at time: Int64, _ stream: LogStream, _ program: [UInt8], pid: Int?,
              text: String) {
        begin(&timeline, at: time, stream, program, pid: pid)
        timeline.append(string: text)
        timeline.end()
    }

    /// `by (uid=0)` (Debian's PAM) or `by NAME(uid=0)` (newer Ubuntu PAM) at the end of a session-opened line.
    func appendSessionOpener(_ timeline: inout LineTimeline, name: [UInt8]) {
        timeline.append(" by ")
        if profile.distribution == .ubuntu { timeline.append(name) }
        timeline.append("(uid=0)")
    }
}
