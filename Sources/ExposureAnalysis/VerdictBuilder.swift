import ExposureReport

/// Turns malicious sessions, their findings and the coverage into one verdict per account and host,
/// plus `cannot-assess` verdicts for the periods a host's logs do not cover.
///
/// The ladder, per subject (an account on a host, or a host):
/// - `confirmed` (high): an attacker session read or took files (sftp `close … bytes read N` with
///   N > 0, or `open … flags READ`);
/// - `likely` (medium): an attacker session raised a collection or exfiltration finding (data packed,
///   staged or sent out) without byte-level proof;
/// - `possible` (low): an attacker had access (a malicious session), with no data evidence;
/// - `no-evidence` (medium): sessions and coverage exist and none is malicious;
/// - `cannot-assess` (high): no line from the host in any source for at least a day.
struct VerdictBuilder {
    let input: AnalysisInput
    let drafts: [SessionBuilder.Draft]
    let malicious: [Int: [String]]
    let sessionFindings: [Int: Set<Int>]
    let sources: [String: SourceState]
    let unassessable: [String: [(from: Int64, to: Int64, threshold: Int64)]]
    let accountChanges: [Activity]
    let findingTimes: [Int: Int64]
    /// Indexes of the findings on each evidence line (built once by the analysis).
    let findingsByLine: [SessionBuilder.LineKey: [Int]]

    static let method = [
        "An attacker source has at least \(ExposureAnalysis.guessingThreshold) failed logins, the first of them before one of its logins succeeded (password guessing, then access), or is named as src_ip by a high or critical finding.",
        "A session is malicious when it comes from an attacker source, raises a high finding on its own lines, or is a login of the same user on another host while a malicious session is open (lateral movement).",
        "confirmed: a malicious session read or took files (sftp close with bytes read, or open for reading). likely: a malicious session raised a collection or exfiltration finding without byte-level proof. possible: a malicious session, no data evidence. no-evidence: sessions and logs exist, none malicious. cannot-assess: no line from the host in any log for at least a day (the period is the verdict's window).",
        "Gaps: a quiet period longer than three times the source's 99th-percentile interval between minutes with lines (never under an hour) is reported in coverage; one of at least a day in every source of a host makes that period cannot-assess.",
    ]

    static let rank = ["no-evidence": 0, "possible": 1, "likely": 2, "confirmed": 3]

    func verdicts() -> [ExposureVerdict] {
        var result: [ExposureVerdict] = []
        // Accounts: those with sessions, created in the evidence, or compromised.
        var accountKeys: Set<[String]> = Set(drafts.map { [$0.host, $0.user] })
        for change in accountChanges where change.kind == .accountCreated { if let user = change.user { accountKeys.insert([change.host, user]) } }
        var hosts = Set(input.coverage.map(\.host))
        hosts.formUnion(drafts.map(\.host))
        var accountVerdicts: [String: [ExposureVerdict]] = [:]
        var sessionsByAccount: [[String]: [Int]] = [:]
        for index in drafts.indices { sessionsByAccount[[drafts[index].host, drafts[index].user], default: []].append(index) }
        for key in accountKeys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let (host, user) = (key[0], key[1])
            let indexes = sessionsByAccount[key] ?? []
            var verdict = assess(subject: VerdictSubject(kind: "account", name: user, host: host), sessions: indexes)
            if verdict.verdict == "no-evidence", let created = accountChanges.first(where: { $0.kind == .accountCreated && $0.host == host && $0.user == user }),
               let creator = maliciousSession(openAt: created.nanoseconds, host: host) {
                verdict.verdict = "possible"
                verdict.confidence = "medium"
                verdict.reasons = []
                verdict.reasons.append(VerdictReason(text: "created by \(drafts[creator].user) during attacker session \(ExposureAnalysis.sessionID(drafts[creator])): an account the attacker controls",
                                                     findingIds: findings(on: created), evidence: [ExposureAnalysis.location(created, paths: input.paths)]))
                verdict.window = TimeRange(first: ISOTime.text(nanoseconds: created.nanoseconds), last: ISOTime.text(nanoseconds: created.nanoseconds))
            }
            accountVerdicts[host, default: []].append(verdict)
        }
        for host in hosts.sorted() {
            let indexes = drafts.indices.filter { drafts[$0].host == host }
            var verdict = assess(subject: VerdictSubject(kind: "host", name: host, host: host), sessions: indexes)
            // A host is at least as exposed as its accounts.
            for account in accountVerdicts[host] ?? [] where (Self.rank[account.verdict] ?? 0) > (Self.rank[verdict.verdict] ?? 0) {
                verdict.verdict = account.verdict
                verdict.confidence = account.confidence
                verdict.reasons += account.reasons
                verdict.window = account.window
            }
            let periods = unassessable[host] ?? []
            if indexes.isEmpty && verdict.verdict == "no-evidence" && input.coverage.allSatisfy({ $0.host != host || $0.lines < 10 }) {
                verdict.verdict = "cannot-assess"
                verdict.confidence = "medium"
                verdict.reasons.append(VerdictReason(text: "fewer than 10 lines from \(host) in the evidence: too little to judge", findingIds: [], evidence: []))
            }
            for period in periods {
                verdict.counterEvidence.append("no line from \(host) in any log from \(ISOTime.text(seconds: period.from)) to \(ISOTime.text(seconds: period.to)): that period cannot be assessed")
            }
            result.append(verdict)
            for period in periods {
                let days = Double(period.to - period.from) / 86_400
                result.append(ExposureVerdict(
                    subject: VerdictSubject(kind: "host", name: host, host: host), verdict: "cannot-assess", confidence: "high",
                    reasons: [VerdictReason(text: "no line from \(host) in any log source for \(String(format: "%.1f", days)) days (from \(ISOTime.text(seconds: period.from)) to \(ISOTime.text(seconds: period.to))), longer than a day and than \(period.threshold / 3600) hours, its normal quiet period: whatever happened then is not in the evidence",
                                            findingIds: [], evidence: [])],
                    counterEvidence: [], window: TimeRange(first: ISOTime.text(seconds: period.from), last: ISOTime.text(seconds: period.to)), data: ExposedData()))
            }
            result += accountVerdicts[host] ?? []
        }
        return result.sorted { lhs, rhs in
            let left = (lhs.subject.host, lhs.subject.kind == "host" ? 0 : 1, lhs.subject.name, lhs.window?.first ?? "")
            let right = (rhs.subject.host, rhs.subject.kind == "host" ? 0 : 1, rhs.subject.name, rhs.window?.first ?? "")
            return left < right
        }
    }

    private func assess(subject: VerdictSubject, sessions indexes: [Int]) -> ExposureVerdict {
        let bad = indexes.filter { malicious[$0] != nil }
        var data = ExposedData()
        var reasons: [VerdictReason] = []
        var counter: [String] = []
        guard !bad.isEmpty else {
            let count = indexes.count
            let text = count == 0 ? "no session and no attacker activity for \(subject.name) in the evidence" :
                "\(count) sessions, none from an attacker source or raising a high finding"
            return ExposureVerdict(subject: subject, verdict: "no-evidence", confidence: "medium",
                                   reasons: [VerdictReason(text: text, findingIds: [], evidence: indexes.prefix(3).map { ExposureAnalysis.location(drafts[$0].first, paths: input.paths) })],
                                   counterEvidence: [], window: nil, data: data)
        }
        var first: Int64 = .max
        var last: Int64 = .min
        var hasRead = false
        var hasCollection = false
        var categories: Set<String> = []
        var paths: Set<String> = []
        for index in bad {
            let draft = drafts[index]
            first = min(first, draft.start ?? .max)
            last = max(last, draft.end ?? draft.start ?? .min)
            let loginFindings = findings(on: draft.first)
            let method = draft.authMethod.map { " by \($0)" } ?? ""
            reasons.append(VerdictReason(text: "session \(ExposureAnalysis.sessionID(draft)): \(draft.user) logged in on \(draft.host)\(method) from \(draft.source ?? "an unknown address"), \(malicious[index]!.joined(separator: "; "))",
                                         findingIds: loginFindings, evidence: [ExposureAnalysis.location(draft.first, paths: input.paths)]))
            for file in draft.files {
                let reads = (file.kind == .fileClosed && (file.bytesRead ?? 0) > 0) || (file.kind == .fileOpened && (file.flags ?? "").contains("READ"))
                guard reads, let path = file.path else { continue }
                hasRead = true
                paths.insert(path)
                if file.kind == .fileClosed {
                    data.bytesRead += file.bytesRead ?? 0
                    data.bytesWritten += file.bytesWritten ?? 0
                    reasons.append(VerdictReason(text: "\(path): \(file.bytesRead ?? 0) bytes read over sftp in session \(ExposureAnalysis.sessionID(draft))",
                                                 findingIds: findings(on: file), evidence: [ExposureAnalysis.location(file, paths: input.paths)]))
                }
                last = max(last, file.nanoseconds)
            }
            for findingIndex in (sessionFindings[index] ?? []).sorted() {
                let finding = input.findings[findingIndex]
                guard let facts = input.rules[finding.rule.id] else { continue }
                if let category = facts.exposureCategory { categories.insert(category) }
                if let time = findingTimes[findingIndex] {
                    first = min(first, time * 1_000_000_000)
                    last = max(last, time * 1_000_000_000)
                }
                let isCollection = facts.tags.contains { $0 == "attack.collection" || $0 == "attack.exfiltration" || $0.hasPrefix("attack.t1560") || $0.hasPrefix("attack.t1048") || $0.hasPrefix("attack.t1567") || $0.hasPrefix("attack.t1537") }
                if isCollection && (ExposureAnalysis.levels.firstIndex(of: finding.rule.level) ?? 0) >= 2 {
                    hasCollection = true
                    if let path = finding.fields["file_path"] ?? finding.fields["path"] { paths.insert(path) }
                    reasons.append(VerdictReason(text: "\(finding.rule.title) in session \(ExposureAnalysis.sessionID(draft))", findingIds: [finding.id], evidence: Array(finding.evidence.prefix(1))))
                }
            }
        }
        data.paths = paths.sorted()
        data.categories = categories.sorted()
        let verdict: String
        let confidence: String
        if hasRead {
            (verdict, confidence) = ("confirmed", "high")
        } else if hasCollection {
            (verdict, confidence) = ("likely", "medium")
            counter.append("no file-level transfer record (sftp close with bytes) for the data: sftp-server logging at INFO, auditd or the remote side would show it")
        } else {
            (verdict, confidence) = ("possible", "low")
            counter.append("no record of files read or taken: the attacker had access, the logs do not show data access")
        }
        if input.evidence.contains(where: { $0.hasDamagedData || $0.status != .ok }) {
            counter.append("some evidence files are damaged or partial (see coverage): events may be missing")
        }
        let window = first <= last ? TimeRange(first: ISOTime.text(nanoseconds: first), last: ISOTime.text(nanoseconds: last)) : nil
        return ExposureVerdict(subject: subject, verdict: verdict, confidence: confidence, reasons: reasons, counterEvidence: counter, window: window, data: data)
    }

    private func findings(on activity: Activity) -> [String] {
        (findingsByLine[SessionBuilder.LineKey(fileIndex: activity.fileIndex, line: activity.line)] ?? []).map { input.findings[$0].id }.sorted()
    }

    private func maliciousSession(openAt time: Int64, host: String) -> Int? {
        malicious.keys.sorted().first { index in
            let draft = drafts[index]
            return draft.host == host && (draft.start ?? .max) <= time && time <= (draft.end ?? .max)
        }
    }
}
