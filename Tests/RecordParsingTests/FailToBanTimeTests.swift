import Foundation
import RecordParsing
import Testing

/// fail2ban's `failJSON` annotations give each sample's time as local wall time in
/// `CET-01CEST-02,M3.5.0,M10.5.0`, with year-less stamps resolved against now = 2005-08-14T10:00:00Z
/// (rule-format.md §2.1). Spoor's reading of the same lines, with that reference date and zone, must agree.
@Suite("fail2ban sample times")
struct FailToBanTimeTests {
    @Test("stamps read with fail2ban's reference date and zone equal the annotated times (≥ 99 %)",
          .enabled(if: ExternalSamples.available, "../shared/external is absent next to the package: fail2ban time agreement skipped"))
    func timesAgree() throws {
        let zone = try #require(ZoneRules(identifier: "CET"))
        let reference = YearInference.Anchor(year: 2005, month: 8, day: 14, isUpperBound: true, source: .referenceDate)
        var compared = 0
        var disagreements: [String] = []
        for file in ExternalSamples.fail2banFiles where file != "sshd-journal" {
            var pending: [String: Any]?
            for line in ExternalSamples.lines(of: ExternalSamples.root.appendingPathComponent("fail2ban/logs/\(file)")) {
                let text = String(decoding: line, as: UTF8.self)
                if let match = text.wholeMatch(of: #/#+ ?failJSON:(.+)/#) {
                    pending = try JSONSerialization.jsonObject(with: Data(String(match.1).utf8)) as? [String: Any]
                    continue
                }
                if text.hasPrefix("#") || text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                defer { pending = nil }
                // fail2ban checks `time` only where the filter matched (`match: true`); two `match: false`
                // selinux-ssh annotations disagree with their own epochs by an hour.
                guard let annotation = pending, annotation["match"] as? Bool == true,
                      let expected = annotation["time"] as? String, annotation["constraint"] == nil else { continue }
                guard let ours = line.withUnsafeBufferPointer({ Self.localTime(of: $0, zone: zone, reference: reference) }) else {
                    if ExternalSamples.excuse(text) == nil { disagreements.append("\(file): no time read: \(text)") }
                    continue
                }
                compared += 1
                // Compare to the second (annotations may carry a fraction the line also has).
                if ours != String(expected.prefix(19)) { disagreements.append("\(file): expected \(expected), got \(ours): \(text)") }
            }
        }
        let agreed = compared - disagreements.filter { !$0.contains("no time read") }.count
        print("fail2ban time agreement: \(agreed)/\(compared)")
        for disagreement in disagreements { print("  DISAGREE \(disagreement)") }
        #expect(compared > 100)
        #expect(Double(agreed) >= 0.99 * Double(compared))
    }

    /// The line's time as local wall time in `zone`, `YYYY-MM-DDTHH:MM:SS`.
    static func localTime(of line: UnsafeBufferPointer<UInt8>, zone: ZoneRules, reference: YearInference.Anchor) -> String? {
        let record = LogRecord.read(line)
        switch RecordTime.instant(of: record, line: line) {
        case .local(let civil)?:
            let year = civil.year ?? YearInference.lastLineYear(first: civil, last: civil, rollovers: 0, anchor: reference)
            return format(year: year, civil.month, civil.day, civil.hour, civil.minute, civil.second)
        case .exact(let nanoseconds)?:
            let seconds = nanoseconds / 1_000_000_000
            let local = seconds + Int64(zone.offset(atUTC: seconds))
            let days = Int(local / 86_400)
            let date = CivilTime.civilFromDays(days)
            let second = Int(local - Int64(days) * 86_400)
            return format(year: date.year, date.month, date.day, second / 3600, second / 60 % 60, second % 60)
        case nil:
            return nil
        }
    }

    static func format(year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }
}
