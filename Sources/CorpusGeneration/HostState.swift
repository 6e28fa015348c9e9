/// The counters of one simulated host that move as time passes: process ids, logind session
/// numbers, pseudo-terminals, the current sshd listener, the scanners that keep coming back.
struct HostState: Sendable {
    private(set) var lastProcessID: Int
    private(set) var lastSession: Int
    private(set) var lastTerminal = 0
    /// The pid of the listening sshd (changes when ssh.service restarts).
    var sshListenerProcessID: Int
    /// Addresses of the botnet nodes that scan this host again and again.
    let scannerPool: [IPv4Address]
    /// When dhclient renews its lease next.
    var nextLeaseRenewal: Int64
    private(set) var lastMailQueueID: UInt64

    init(profile: HostProfile, startTime: Int64, random: inout SeededRandom) {
        lastProcessID = random.between(20_000, 400_000)
        lastSession = random.between(3, 400)
        sshListenerProcessID = profile.daemonProcessIDs.sshListener
        var pool: [IPv4Address] = []
        for _ in 0..<120 { pool.append(IPv4Address.randomDocumentationAddress(&random)) }
        scannerPool = pool
        nextLeaseRenewal = startTime + Int64(random.below(1800))
        lastMailQueueID = random.next() & 0xFFFF_FFFF_FF
    }

    /// A fresh process id: Linux hands them out in increasing order and wraps at `pid_max`.
    mutating func newProcessID(_ random: inout SeededRandom) -> Int {
        lastProcessID += 1 + random.below(30)
        if lastProcessID > 4_194_000 { lastProcessID = 1000 + random.below(1000) }
        return lastProcessID
    }

    /// The next systemd-logind session number.
    mutating func newSession() -> Int {
        lastSession += 1
        return lastSession
    }

    /// A pseudo-terminal number for an interactive login (`pts/N`).
    mutating func newTerminal() -> Int {
        lastTerminal = (lastTerminal + 1) % 4
        return lastTerminal
    }

    /// A postfix queue id (ten upper-case hexadecimal digits).
    mutating func newMailQueueID(_ random: inout SeededRandom) -> UInt64 {
        lastMailQueueID = (lastMailQueueID &+ 1 &+ UInt64(random.below(4096))) & 0xFF_FFFF_FFFF
        return lastMailQueueID
    }
}
