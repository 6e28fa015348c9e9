import RecordParsing
import ExposureReport

/// Coverage and integrity per host and log source: the time the logs cover, the quiet periods longer
/// than the source's normal ones, missing rotation members, damaged files, NUL-filled lines, and the
/// findings that say logs were cleared or auditing stopped.
enum CoverageAnalysis {
    /// Never call a quiet period shorter than this a gap.
    static let minimumGapSeconds: Int64 = 3600
    /// A gap at least this long in every source of a host makes its verdict `cannot-assess` there.
    static let assessmentGapSeconds: Int64 = 86_400

    /// The gap threshold of a series: three times its 99th-percentile interval between minutes with lines,
    /// never under an hour.
    static func threshold(of minutes: [Int64]) -> Int64 {
        guard minutes.count > 2 else { return minimumGapSeconds }
        var intervals: [Int64] = []
        intervals.reserveCapacity(minutes.count - 1)
        for index in 1..<minutes.count { intervals.append((minutes[index] - minutes[index - 1]) * 60) }
        let percentile = orderStatistic(min(intervals.count - 1, Int(Double(intervals.count) * 0.99)), of: &intervals)
        return max(minimumGapSeconds, 3 * percentile)
    }

    /// The value at `rank` (0-based) of `values` in ascending order, what `values.sorted()[rank]` is,
    /// in linear expected time (quickselect, median-of-three pivots); `values` is reordered.
    static func orderStatistic(_ rank: Int, of values: inout [Int64]) -> Int64 {
        var (low, high) = (0, values.count - 1)
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            // Three-way partition: [low, less) < pivot, [less, more] == pivot, (more, high] > pivot.
            var (less, index, more) = (low, low, high)
            while index <= more {
                if values[index] < pivot {
                    values.swapAt(index, less)
                    less += 1
                    index += 1
                } else if values[index] > pivot {
                    values.swapAt(index, more)
                    more -= 1
                } else {
                    index += 1
                }
            }
            if rank < less { high = less - 1 } else if rank > more { low = more + 1 } else { return pivot }
        }
        return values[rank]
    }

    static func gaps(of minutes: [Int64], threshold: Int64) -> [(from: Int64, to: Int64)] {
        guard minutes.count > 1 else { return [] }
        var result: [(Int64, Int64)] = []
        for index in 1..<minutes.count where (minutes[index] - minutes[index - 1]) * 60 > threshold {
            result.append((minutes[index - 1] * 60, minutes[index] * 60))
        }
        return result
    }

    /// Findings that say logs were cleared (ATT&CK T1070.002), logging was stopped (T1562.006) or
    /// auditing was impaired (T1562.012).
    static func integrityKind(of facts: RuleFacts) -> String? {
        if facts.tags.contains("attack.t1070.002") { return "log-cleared" }
        if facts.tags.contains("attack.t1562.006") { return "logging-stopped" }
        if facts.tags.contains("attack.t1562.012") { return "audit-stopped" }
        return nil
    }

    static func entries(_ input: AnalysisInput, findingTimes: [Int: Int64]) -> [CoverageEntry] {
        let integrityFindings: [(index: Int, kind: String)] = input.findings.indices.compactMap { index in
            guard let facts = input.rules[input.findings[index].rule.id], let kind = integrityKind(of: facts) else { return nil }
            return (index, kind)
        }
        // Rotation members present per set (by the file names' numbers).
        var entries: [CoverageEntry] = []
        for series in input.coverage.sorted(by: { ($0.host, $0.source) < ($1.host, $1.source) }) {
            let threshold = threshold(of: series.minutes)
            var integrity: [IntegrityNote] = []
            let files = series.files.map { input.paths[$0] }
            integrity += missingRotationMembers(series.rotations)
            for fileIndex in series.files {
                if let entry = input.evidence.first(where: { $0.path == input.paths[fileIndex] }) {
                    if entry.hasDamagedData {
                        integrity.append(IntegrityNote(kind: "damaged-file", detail: "\(entry.path): a gzip member failed its integrity check", evidence: []))
                    }
                    if entry.status != .ok {
                        integrity.append(IntegrityNote(kind: "partial-file", detail: "\(entry.path): \(entry.status.rawValue): \(entry.error ?? "unreadable")", evidence: []))
                    }
                }
                if let nul = input.nulLines[fileIndex] {
                    integrity.append(IntegrityNote(kind: "nul-filled-lines", detail: "\(input.paths[fileIndex]): \(nul.count) lines begin with NUL bytes (a region zeroed by a crash or a wipe)",
                                                   evidence: [EvidenceLocation(path: input.paths[fileIndex], line: nul.firstLine, offset: nul.firstOffset, text: nil, bytes: nil, isTruncated: nil, isRedacted: nil)]))
                }
            }
            let hostFindings = integrityFindings.filter { input.findings[$0.index].fields["host"] == series.host }
            let hostSources = input.coverage.filter { $0.host == series.host }.map(\.source)
            // A finding whose line names a log (`truncate -s 0 /var/log/syslog`) concerns that log only;
            // one that names none (a journal vacuum) concerns them all.
            let naming = hostFindings.filter { names(input.findings[$0.index], series.source) }
            let concerning = hostFindings.filter { finding in
                names(input.findings[finding.index], series.source) || !hostSources.contains { names(input.findings[finding.index], $0) }
            }
            for finding in concerning {
                let value = input.findings[finding.index]
                integrity.append(IntegrityNote(kind: finding.kind, detail: "\(value.rule.title) (finding \(value.id))", evidence: Array(value.evidence.prefix(1))))
            }
            let gaps = gaps(of: series.minutes, threshold: threshold).map { gap -> CoverageGap in
                // A finding whose line names this source explains its gap best (`truncate -s 0 /var/log/syslog`).
                let explanation = (naming + hostFindings).first { finding in
                    guard let time = findingTimes[finding.index] else { return false }
                    return time >= gap.from - 3600 && time <= gap.to + 60
                }.map { finding -> String in
                    let value = input.findings[finding.index]
                    let location = value.evidence.first.map { " at \($0.path):\($0.line)" } ?? ""
                    return "\(value.rule.title)\(location) (finding \(value.id))"
                }
                return CoverageGap(from: ISOTime.text(seconds: gap.from), to: ISOTime.text(seconds: gap.to), seconds: gap.to - gap.from, explanation: explanation)
            }
            entries.append(CoverageEntry(host: series.host, source: series.source, files: files, lines: series.lines,
                                         first: series.minutes.first.map { ISOTime.text(seconds: $0 * 60) },
                                         last: series.minutes.last.map { ISOTime.text(seconds: $0 * 60 + 59) },
                                         gaps: gaps, gapThresholdSeconds: threshold, integrity: integrity))
        }
        return entries
    }

    private static func names(_ finding: Finding, _ source: String) -> Bool {
        guard let text = finding.evidence.first?.text else { return false }
        return text.contains("/" + source + " ") || text.hasSuffix("/" + source) || text.contains("/" + source + ".")
    }

    /// Numbers missing between a rotation set's live file and its oldest numbered member
    /// (`auth.log.2.gz` gone while `.1` and `.3.gz` are there). Date-suffixed members have no numbers.
    static func missingRotationMembers(_ rotations: [(set: String, age: Int)]) -> [IntegrityNote] {
        var numbers: [String: Set<Int>] = [:]
        for rotation in rotations where rotation.age < 100_000 { numbers[rotation.set, default: []].insert(rotation.age) }
        var notes: [IntegrityNote] = []
        for (base, present) in numbers.sorted(by: { $0.key < $1.key }) {
            guard let highest = present.max() else { continue }
            let missing = (1..<max(highest, 1)).filter { !present.contains($0) }
            guard !missing.isEmpty else { continue }
            let names = missing.map { "\(base).\($0)" }.joined(separator: ", ")
            notes.append(IntegrityNote(kind: "missing-rotation-member", detail: "\(names) missing between \(base).\(present.filter { $0 > 0 }.min() ?? 0) and \(base).\(highest): the time they covered is not in the evidence", evidence: []))
        }
        return notes
    }

    /// Per host: the periods of at least ``assessmentGapSeconds`` with no line from the host in any source.
    static func unassessablePeriods(_ input: AnalysisInput) -> [String: [(from: Int64, to: Int64, threshold: Int64)]] {
        var byHost: [String: [CoverageSeries]] = [:]
        for series in input.coverage { byHost[series.host, default: []].append(series) }
        var result: [String: [(Int64, Int64, Int64)]] = [:]
        for (host, series) in byHost {
            // Each series' minutes are ascending and distinct (as ScanState makes them): merged, not sorted.
            let isAscending = series.allSatisfy { zip($0.minutes, $0.minutes.dropFirst()).allSatisfy { $0 < $1 } }
            let minutes = isAscending ? series.dropFirst().reduce(series[0].minutes) { mergedUnion($0, $1.minutes) }
                                      : Array(Set(series.flatMap(\.minutes))).sorted()
            let threshold = max(assessmentGapSeconds, threshold(of: minutes))
            let gaps = gaps(of: minutes, threshold: threshold)
            if !gaps.isEmpty { result[host] = gaps.map { ($0.from, $0.to, threshold) } }
        }
        return result
    }
}

/// The union of two ascending lists of distinct minutes, ascending and distinct (a merge, not a sort).
func mergedUnion(_ a: [Int64], _ b: [Int64]) -> [Int64] {
    var result: [Int64] = []
    result.reserveCapacity(a.count + b.count)
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
        if a[i] < b[j] { result.append(a[i]); i += 1 }
        else if b[j] < a[i] { result.append(b[j]); j += 1 }
        else { result.append(a[i]); i += 1; j += 1 }
    }
    result.append(contentsOf: a[i...])
    result.append(contentsOf: b[j...])
    return result
}

/// UTC times as ISO 8601 text, through RecordParsing's one formatter (``UTCText``), and back.
enum ISOTime {
    static func text(seconds: Int64) -> String {
        UTCText.format(seconds: seconds, microseconds: 0)
    }

    static func text(nanoseconds: Int64) -> String {
        UTCText.format(nanoseconds: nanoseconds)
    }

    /// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (the fraction dropped).
    static func seconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19) else { return nil }
        return Int64(CivilTime.daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
