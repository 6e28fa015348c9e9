import DetectionRules
import ExposureReport

/// Builds the full report from a scan outcome and how the run was made.
public enum ReportAssembly {
    public static let toolVersion = "0.1.0"

    public static func report(outcome: ScanOutcome, rules: RuleSet, configuration: ScanConfiguration, run: RunInfo) -> ScanReport {
        var matchesByLevel: [String: Int] = [:]
        for (index, statistic) in outcome.statistics.enumerated() where statistic.matches > 0 {
            // Base rules that only feed correlations report nothing themselves: their events are not findings.
            let subject = rules.statisticSubject(index)
            guard subject.emitsFindings else { continue }
            matchesByLevel[subject.level.rawValue, default: 0] += statistic.matches
        }
        var problems = outcome.problems
        for entry in outcome.evidence where entry.status != .ok {
            problems.append("\(entry.path): \(entry.status.rawValue): \(entry.error ?? "unknown error")")
        }
        for statistic in outcome.statistics where statistic.engineErrors > 0 {
            problems.append("rule \(statistic.id): PCRE2 engine errors on \(statistic.engineErrors) lines")
        }
        let isComplete = problems.isEmpty
        var warnings = outcome.warnings
        for skipped in rules.skipped {
            warnings.append("rule \(skipped.id) (\(skipped.path)) not run: \(skipped.reason)")
        }
        return ScanReport(
            tool: ToolInfo(name: "spoor", version: toolVersion),
            run: run,
            rules: RuleSetSummary(count: rules.rules.count + rules.correlations.count, sha256: rules.sha256, statistics: outcome.statistics, findingsCapPerRule: configuration.findingsCapPerRule),
            evidence: outcome.evidence,
            findings: outcome.findings,
            summary: ScanSummary(isComplete: isComplete, findings: outcome.findings.count, matchesByLevel: matchesByLevel, evidenceFiles: outcome.evidence.count, problems: problems, warnings: warnings))
    }
}
