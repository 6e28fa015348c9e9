import ExposureReport

/// Answers the investigator's questions from a scan: sessions, entities, verdicts on data exposure,
/// coverage, sensitive data in the logs, and a timeline.
///
/// Sequential and deterministic: the same input gives the same result, whatever the number of threads
/// that produced it. Every verdict names the finding ids and evidence lines behind it.
///
/// ```swift
/// let result = ExposureAnalysis.analyse(input)
/// for verdict in result.exposure.verdicts { print(verdict.subject.name, verdict.verdict) }
/// ```
public enum ExposureAnalysis {
    /// Failed logins from one address before a successful login that make it an attacker.
    public static let guessingThreshold = 10
    static let levels = ["informational", "low", "medium", "high", "critical"]

    public static func analyse(_ input: AnalysisInput) -> AnalysisResult {
        var builder = SessionBuilder()
        var accountChanges: [Activity] = []
        var failures = input.failures
        for activity in input.activities {
            if activity.isTally {
                failures.add(activity)
                continue
            }
            builder.add(activity)
            if activity.kind.isAccountChange { accountChanges.append(activity) }
        }
        let pathIndex = Dictionary(input.paths.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let findingTimes: [Int: Int64] = Dictionary(uniqueKeysWithValues: input.findings.enumerated().compactMap { index, finding in
            finding.time?.utc.flatMap(ISOTime.seconds).map { (index, $0) }
        })
        // Findings by line, to tie them to sessions.
        var findingsByLine: [SessionBuilder.LineKey: [Int]] = [:]
        for (index, finding) in input.findings.enumerated() {
            guard let location = finding.evidence.first, let file = pathIndex[location.path] else { continue }
            findingsByLine[SessionBuilder.LineKey(fileIndex: file, line: location.line), default: []].append(index)
        }
        func level(_ index: Int) -> Int { levels.firstIndex(of: input.findings[index].rule.level) ?? 0 }

        // Sources: failed logins and names tried, and successful logins.
        var sources: [String: SourceState] = [:]
        for (address, summary) in failures.sources {
            var state = SourceState(address: address)
            state.failedLogins = summary.failedLogins
            state.usersTried = summary.usersTried
            state.hosts = summary.hosts
            if let first = summary.first { state.see(first.nanoseconds) }
            state.see(summary.lastNanoseconds)
            state.firstFailure = summary.first
            sources[address] = state
        }
        // Attackers: a high finding names the address, or it guessed passwords and then got in.
        for (index, finding) in input.findings.enumerated() where level(index) >= 3 {
            guard let address = finding.fields["src_ip"] else { continue }
            var state = sources.removeValue(forKey: address) ?? SourceState(address: address)
            if state.attackerReasons.count < 5 {
                state.attackerReasons.append("\(finding.rule.title) (finding \(finding.id))")
            }
            sources[address] = state
        }
        for draft in builder.drafts {
            guard let address = draft.source, var state = sources.removeValue(forKey: address) else { continue }
            if state.failedLogins >= guessingThreshold, let first = state.firstFailure, let start = draft.start, first.nanoseconds <= start,
               !state.attackerReasons.contains(where: { $0.hasPrefix("guessed passwords") }) {
                state.attackerReasons.insert("guessed passwords (\(state.failedLogins) failed logins, \(state.usersTried.count) user names) and then logged in as \(draft.user) on \(draft.host) at \(ISOTime.text(nanoseconds: start))", at: 0)
            }
            sources[address] = state
        }

        // Sessions: malicious when from an attacker, or when a high finding sits on one of their lines.
        var malicious: [Int: [String]] = [:]
        for (index, draft) in builder.drafts.enumerated() {
            var reasons: [String] = []
            if let address = draft.source, let state = sources[address], state.isAttacker {
                reasons.append("from attacker source \(address)")
            }
            let high = draft.lines.flatMap { findingsByLine[$0] ?? [] }.filter { level($0) >= 3 }
            if !high.isEmpty { reasons.append("raised \(high.count) high findings") }
            if !reasons.isEmpty { malicious[index] = reasons }
        }
        // Lateral movement: a login of the same user on another host while a malicious session is open.
        for (index, draft) in builder.drafts.enumerated() where malicious[index] == nil {
            guard let start = draft.start else { continue }
            if let origin = malicious.keys.sorted().first(where: { other in
                let session = builder.drafts[other]
                return session.host != draft.host && session.user == draft.user && (session.start ?? .max) <= start && start <= (session.end ?? .max)
            }) {
                malicious[index] = ["logged in while \(draft.user)'s attacker session \(sessionID(builder.drafts[origin])) on \(builder.drafts[origin].host) was open (lateral movement)"]
            }
        }

        let sessions = builder.drafts.enumerated().map { index, draft in
            loginSession(draft, isMalicious: malicious[index] != nil, paths: input.paths)
        }.sorted { ($0.start ?? "", $0.host, $0.id) < ($1.start ?? "", $1.host, $1.id) }

        // Findings in a malicious session's lines, or on its host while it was open.
        var sessionFindings: [Int: Set<Int>] = [:]
        for index in malicious.keys {
            let draft = builder.drafts[index]
            var found = Set(draft.lines.flatMap { findingsByLine[$0] ?? [] })
            if let start = draft.start {
                let end = draft.end ?? .max
                for (findingIndex, finding) in input.findings.enumerated() where finding.fields["host"] == draft.host && level(findingIndex) >= 2 {
                    guard let time = findingTimes[findingIndex], time * 1_000_000_000 >= start, time * 1_000_000_000 <= end else { continue }
                    if let user = finding.fields["user"], user != draft.user, finding.fields["src_ip"] != nil { continue }
                    found.insert(findingIndex)
                }
            }
            sessionFindings[index] = found
        }

        let coverage = CoverageAnalysis.entries(input, findingTimes: findingTimes)
        let unassessable = CoverageAnalysis.unassessablePeriods(input)
        let verdicts = VerdictBuilder(input: input, drafts: builder.drafts, malicious: malicious, sessionFindings: sessionFindings,
                                      sources: sources, unassessable: unassessable, accountChanges: accountChanges, findingTimes: findingTimes,
                                      findingsByLine: findingsByLine).verdicts()
        let entities = entitySection(input: input, drafts: builder.drafts, malicious: malicious, sources: sources, failures: failures,
                                     accountChanges: accountChanges, sessions: sessions)
        return AnalysisResult(
            exposure: ExposureSection(verdicts: verdicts, method: VerdictBuilder.method),
            entities: entities, sessions: sessions, coverage: coverage,
            sensitiveData: sensitiveData(input),
            timeline: timeline(input: input, drafts: builder.drafts, malicious: malicious, findingTimes: findingTimes, findingsByLine: findingsByLine))
    }

    static func sessionID(_ draft: SessionBuilder.Draft) -> String { "\(draft.host):sshd-\(draft.pid)" }

    static func location(_ activity: Activity, paths: [String]) -> EvidenceLocation {
        EvidenceLocation(path: paths[activity.fileIndex], line: activity.line, offset: activity.offset, text: activity.text, bytes: nil, isTruncated: nil, isRedacted: nil)
    }

    static func loginSession(_ draft: SessionBuilder.Draft, isMalicious: Bool, paths: [String]) -> LoginSession {
        let commands = draft.commands.map { command in
            SessionCommand(time: ISOTime.text(nanoseconds: command.nanoseconds), via: command.kind == .suSwitch ? "su" : command.kind == .auditCommand ? "auditd" : "sudo",
                           runAs: command.target, command: command.command ?? "", isDenied: command.isDenied, evidence: location(command, paths: paths))
        }
        let files = draft.files.map { file -> SessionFile in
            let operation: String
            switch file.kind {
            case .fileClosed: operation = (file.bytesWritten ?? 0) > 0 && (file.bytesRead ?? 0) == 0 ? "write" : "read"
            case .fileRemoved: operation = "remove"
            case .fileRenamed: operation = "rename"
            default: operation = "open"
            }
            return SessionFile(time: ISOTime.text(nanoseconds: file.nanoseconds), operation: operation, path: file.path ?? "", newPath: file.newPath,
                               bytesRead: file.kind == .fileClosed ? file.bytesRead : nil, bytesWritten: file.kind == .fileClosed ? file.bytesWritten : nil,
                               evidence: location(file, paths: paths))
        }
        var evidence = [location(draft.first, paths: paths)]
        if let last = draft.last { evidence.append(location(last, paths: paths)) }
        let duration: Int64? = draft.start.flatMap { start in draft.end.map { ($0 - start) / 1_000_000_000 } }
        var session = LoginSession(id: sessionID(draft), host: draft.host, user: draft.user, source: draft.source, sourcePort: draft.sourcePort,
                            authMethod: draft.authMethod, keyFingerprint: draft.keyFingerprint, logindSession: draft.logindSession,
                            start: draft.start.map(ISOTime.text(nanoseconds:)), end: draft.end.map(ISOTime.text(nanoseconds:)),
                            durationSeconds: duration, isMalicious: isMalicious, commands: commands, commandsTotal: draft.commandsTotal,
                            files: files, bytesRead: draft.bytesRead, bytesWritten: draft.bytesWritten, evidence: evidence)
        session.filesTotal = draft.filesTotal
        return session
    }

    static func entitySection(input: AnalysisInput, drafts: [SessionBuilder.Draft], malicious: [Int: [String]], sources: [String: SourceState],
                              failures: FailureSummary, accountChanges: [Activity], sessions: [LoginSession]) -> EntitiesSection {
        struct AccountKey: Hashable, Comparable {
            var host: String
            var name: String
            static func < (lhs: AccountKey, rhs: AccountKey) -> Bool { (lhs.host, lhs.name) < (rhs.host, rhs.name) }
        }
        struct AccountState {
            var roles: Set<String> = []
            var failed = 0
            var successful = 0
            var sources: Set<String> = []
            var first: Int64?
            var last: Int64?
            var evidence: [Activity] = []
            mutating func see(_ time: Int64) {
                first = min(first ?? .max, time)
                last = max(last ?? .min, time)
            }
        }
        var accounts: [AccountKey: AccountState] = [:]
        for (account, failed) in failures.accounts {
            let key = AccountKey(host: account.host, name: account.user)
            var state = AccountState()
            state.failed = failed.count
            state.see(failed.firstNanoseconds)
            state.see(failed.lastNanoseconds)
            if failed.count >= 5 || failed.sources.contains(where: { sources[$0]?.isAttacker == true }) { state.roles.insert("targeted") }
            accounts[key] = state
        }
        let privilegedGroups: Set<String> = ["sudo", "wheel", "admin", "root", "adm"]
        for (index, draft) in drafts.enumerated() {
            let key = AccountKey(host: draft.host, name: draft.user)
            var state = accounts.removeValue(forKey: key) ?? AccountState()
            state.successful += 1
            if let source = draft.source { state.sources.insert(source) }
            if let start = draft.start { state.see(start) }
            if let end = draft.end { state.see(end) }
            if malicious[index] != nil {
                state.roles.insert("compromised")
                if state.evidence.count < 5 { state.evidence.append(draft.first) }
            }
            if draft.user == "root" || draft.commands.contains(where: { !$0.isDenied && ($0.target == "root" || $0.target == nil) && $0.kind == .sudoCommand }) {
                state.roles.insert("privileged")
            }
            accounts[key] = state
        }
        for change in accountChanges {
            guard let user = change.user else { continue }
            let key = AccountKey(host: change.host, name: user)
            var state = accounts.removeValue(forKey: key) ?? AccountState()
            state.see(change.nanoseconds)
            switch change.kind {
            case .accountCreated: state.roles.insert("created")
            case .groupMemberAdded where privilegedGroups.contains(change.target ?? ""): state.roles.insert("privileged")
            default: break
            }
            if state.evidence.count < 5 { state.evidence.append(change) }
            accounts[key] = state
        }
        let accountList = accounts.keys.sorted().map { key -> AccountEntity in
            let state = accounts[key]!
            return AccountEntity(name: key.name, host: key.host, roles: state.roles.sorted(), failedLogins: state.failed, successfulLogins: state.successful,
                                 loginSources: state.sources.sorted(), firstSeen: state.first.map(ISOTime.text(nanoseconds:)),
                                 lastSeen: state.last.map(ISOTime.text(nanoseconds:)), evidence: state.evidence.map { location($0, paths: input.paths) })
        }

        var sourceStates = sources
        for draft in drafts {
            guard let address = draft.source else { continue }
            var state = sourceStates.removeValue(forKey: address) ?? SourceState(address: address)
            state.successfulLogins += 1
            state.usersLoggedIn.insert(draft.user)
            state.hosts.insert(draft.host)
            if let start = draft.start { state.see(start) }
            if let end = draft.end { state.see(end) }
            state.bytesRead += draft.bytesRead
            state.bytesWritten += draft.bytesWritten
            if state.evidence.count < 5 { state.evidence.append(draft.first) }
            sourceStates[address] = state
        }
        let sourceList = sourceStates.values.map { state -> SourceEntity in
            let tried = state.usersTried.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var evidence = state.firstFailure.map { [location($0, paths: input.paths)] } ?? []
            evidence += state.evidence.map { location($0, paths: input.paths) }
            return SourceEntity(address: state.address, isAttacker: state.isAttacker, reasons: state.attackerReasons, failedLogins: state.failedLogins,
                                successfulLogins: state.successfulLogins, usersTriedCount: state.usersTried.count, usersTried: tried.prefix(20).map(\.key),
                                usersLoggedIn: state.usersLoggedIn.sorted(), hostsTouched: state.hosts.sorted(),
                                firstSeen: state.first.map(ISOTime.text(nanoseconds:)), lastSeen: state.last.map(ISOTime.text(nanoseconds:)),
                                bytesRead: state.bytesRead, bytesWritten: state.bytesWritten, evidence: evidence)
        }.sorted { lhs, rhs in
            if lhs.isAttacker != rhs.isAttacker { return lhs.isAttacker }
            if lhs.failedLogins != rhs.failedLogins { return lhs.failedLogins > rhs.failedLogins }
            return lhs.address < rhs.address
        }

        var hostNames = Set(input.coverage.map(\.host))
        hostNames.formUnion(drafts.map(\.host))
        // Findings by host and level in one pass, each read in place.
        var levelsByHost: [String: [String: Int]] = [:]
        for index in input.findings.indices {
            guard let host = input.findings[index].fields["host"], hostNames.contains(host) else { continue }
            levelsByHost[host, default: [:]][input.findings[index].rule.level, default: 0] += 1
        }
        let hostList = hostNames.sorted().map { name -> HostEntity in
            let series = input.coverage.filter { $0.host == name }
            let byLevel = levelsByHost[name] ?? [:]
            let hostSessions = sessions.filter { $0.host == name }
            let first = series.compactMap(\.minutes.first).min()
            let last = series.compactMap(\.minutes.last).max()
            return HostEntity(name: name, lines: series.reduce(0) { $0 + $1.lines }, sessions: hostSessions.count,
                              maliciousSessions: hostSessions.filter(\.isMalicious).count, findingsByLevel: byLevel,
                              firstSeen: first.map { ISOTime.text(seconds: $0 * 60) }, lastSeen: last.map { ISOTime.text(seconds: $0 * 60 + 59) })
        }
        return EntitiesSection(accounts: accountList, sources: sourceList, hosts: hostList)
    }

    static func sensitiveData(_ input: AnalysisInput) -> [SensitiveDataEntry] {
        struct Key: Hashable { var category: String; var rule: String }
        var entries: [Key: SensitiveDataEntry] = [:]
        var order: [Key] = []
        for finding in input.findings {
            guard let facts = input.rules[finding.rule.id], !facts.sensitiveCaptures.isEmpty else { continue }
            for (name, capture) in facts.sensitiveCaptures.sorted(by: { $0.key < $1.key }) {
                guard let value = finding.fields[name] else { continue }
                let key = Key(category: capture.type, rule: finding.rule.id)
                if entries[key] == nil {
                    order.append(key)
                    entries[key] = SensitiveDataEntry(category: capture.type, rule: finding.rule.id, count: 0, validation: capture.check, values: [], locations: [])
                }
                entries[key]!.count += 1
                if !entries[key]!.values.contains(value) && entries[key]!.values.count < 50 { entries[key]!.values.append(value) }
                if entries[key]!.locations.count < 50, let location = finding.evidence.first { entries[key]!.locations.append(location) }
            }
        }
        return order.sorted { ($0.category, $0.rule) < ($1.category, $1.rule) }.map { key in
            var entry = entries[key]!
            // Findings are capped per rule; matches are not.
            entry.count = max(entry.count, input.matches[key.rule] ?? 0)
            return entry
        }
    }

    static func timeline(input: AnalysisInput, drafts: [SessionBuilder.Draft], malicious: [Int: [String]], findingTimes: [Int: Int64],
                         findingsByLine: [SessionBuilder.LineKey: [Int]]) -> [TimelineEntry] {
        var entries: [(seconds: Int64, order: Int, entry: TimelineEntry)] = []
        for (index, finding) in input.findings.enumerated() {
            guard let seconds = findingTimes[index], let location = finding.evidence.first,
                  (levels.firstIndex(of: finding.rule.level) ?? 0) >= 2 else { continue }
            entries.append((seconds, 1, TimelineEntry(time: finding.time?.utc ?? ISOTime.text(seconds: seconds), host: finding.fields["host"], kind: "finding",
                                                      summary: finding.rule.title, level: finding.rule.level, findingId: finding.id,
                                                      user: finding.fields["user"], source: finding.fields["src_ip"], evidence: location)))
        }
        func add(_ activity: Activity, kind: String, summary: String, user: String?, source: String?) {
            entries.append((activity.nanoseconds / 1_000_000_000, 0, TimelineEntry(time: ISOTime.text(nanoseconds: activity.nanoseconds), host: activity.host, kind: kind,
                                                                                    summary: summary, level: nil, findingId: nil, user: user, source: source,
                                                                                    evidence: location(activity, paths: input.paths))))
        }
        for index in malicious.keys.sorted() {
            let draft = drafts[index]
            let id = sessionID(draft)
            let method = draft.authMethod.map { " by \($0)" } ?? ""
            add(draft.first, kind: "login", summary: "\(draft.user) logged in on \(draft.host)\(method) from \(draft.source ?? "?") (session \(id))", user: draft.user, source: draft.source)
            for file in draft.files where file.kind == .fileClosed {
                let read = file.bytesRead ?? 0
                let written = file.bytesWritten ?? 0
                let kind = written > 0 && read == 0 ? "file-write" : "file-read"
                add(file, kind: kind, summary: "\(file.path ?? "?"): \(read) bytes read, \(written) bytes written over sftp (session \(id))", user: draft.user, source: draft.source)
            }
            for command in draft.commands where (findingsByLine[SessionBuilder.LineKey(fileIndex: command.fileIndex, line: command.line)] ?? []).isEmpty {
                let via = command.kind == .suSwitch ? "su" : command.kind == .auditCommand ? "auditd" : "sudo"
                add(command, kind: "command", summary: "\(via): \(command.command ?? "")", user: draft.user, source: draft.source)
            }
            if let last = draft.last {
                add(last, kind: "logout", summary: "\(draft.user) logged out of \(draft.host) (session \(id))", user: draft.user, source: draft.source)
            }
        }
        return entries.sorted { lhs, rhs in
            if lhs.seconds != rhs.seconds { return lhs.seconds < rhs.seconds }
            let left = (lhs.entry.evidence.path, lhs.entry.evidence.line, lhs.order, lhs.entry.findingId ?? "")
            let right = (rhs.entry.evidence.path, rhs.entry.evidence.line, rhs.order, rhs.entry.findingId ?? "")
            return left < right
        }.map(\.entry)
    }
}

/// What the analysis gathers about one source address.
struct SourceState {
    var address: String
    var failedLogins = 0
    var successfulLogins = 0
    var usersTried: [String: Int] = [:]
    var usersLoggedIn: Set<String> = []
    var hosts: Set<String> = []
    var first: Int64?
    var last: Int64?
    var bytesRead: Int64 = 0
    var bytesWritten: Int64 = 0
    var firstFailure: Activity?
    var attackerReasons: [String] = []
    var evidence: [Activity] = []

    init(address: String) { self.address = address }

    var isAttacker: Bool { !attackerReasons.isEmpty }

    mutating func see(_ time: Int64) {
        guard time != 0 else { return }
        first = min(first ?? .max, time)
        last = max(last ?? .min, time)
    }
}
