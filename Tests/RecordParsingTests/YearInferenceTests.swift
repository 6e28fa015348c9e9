import RecordParsing
import Testing

@Suite("Year inference")
struct YearInferenceTests {
    private func local(_ month: Int, _ day: Int, _ hour: Int = 12) -> CivilTime {
        CivilTime(year: nil, month: month, day: day, hour: hour, minute: 0, second: 0)
    }

    private func upper(_ year: Int, _ month: Int, _ day: Int) -> YearInference.Anchor {
        YearInference.Anchor(year: year, month: month, day: day, isUpperBound: true, source: .referenceDate)
    }

    @Test("the last line takes the anchor's year unless its date is after the anchor (fail2ban's TEST_NOW rule)",
          arguments: [((11, 11), 2004), ((2, 25), 2005), ((8, 14), 2005), ((8, 15), 2005), ((8, 17), 2004)])
    func upperBound(date: (Int, Int), expected: Int) {
        // fail2ban pins now = 2005-08-14: `Nov 11` is 2004, `Feb 25` is 2005; one day of slack for zones.
        let time = local(date.0, date.1)
        #expect(YearInference.lastLineYear(first: time, last: time, rollovers: 0, anchor: upper(2005, 8, 14)) == expected)
    }

    @Test("February 29 lands only in a leap year")
    func leapDay() {
        // Anchored in 2025 (not leap), a Feb 29 stamp must be 2024.
        let time = local(2, 29)
        #expect(YearInference.lastLineYear(first: time, last: time, rollovers: 0, anchor: upper(2025, 3, 10)) == 2024)
    }

    @Test("a lower bound (an older file's end) places the first line at or after it")
    func lowerBound() {
        // The older member ended on 2024-12-30: a file starting Jan 3 is in 2025, one starting Dec 31 in 2024.
        let anchor = YearInference.Anchor(year: 2024, month: 12, day: 30, isUpperBound: false, source: .rotationOrder)
        #expect(YearInference.lastLineYear(first: local(1, 3), last: local(1, 9), rollovers: 0, anchor: anchor) == 2025)
        #expect(YearInference.lastLineYear(first: local(12, 31), last: local(1, 2), rollovers: 1, anchor: anchor) == 2025)
    }

    @Test("rollover is a month going back by more than one (plaso's rule)")
    func rollover() {
        // Dec -> Jan is a new year; Mar -> Feb (repeated-message reordering) is not.
        #expect(YearInference.isRollover(previousMonth: 12, nextMonth: 1))
        #expect(!YearInference.isRollover(previousMonth: 3, nextMonth: 2))
        #expect(!YearInference.isRollover(previousMonth: 1, nextMonth: 1))
    }

    @Test("days from civil and back agree, across leap years and before 1970")
    func civilArithmetic() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
        }
        #expect(CivilTime.daysFromCivil(year: 2025, month: 3, day: 7) == 20154)
    }
}

@Suite("Zone rules")
struct ZoneRulesTests {
    private func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
        CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: 0).secondsAsUTC(year: year)
    }

    @Test("London: GMT in winter, BST in summer")
    func offsets() throws {
        let zone = try #require(ZoneRules(identifier: "Europe/London"))
        #expect(zone.resolve(localSeconds: local(2025, 1, 15, 12, 0)).utcSeconds == local(2025, 1, 15, 12, 0))
        #expect(zone.resolve(localSeconds: local(2025, 7, 15, 12, 0)).utcSeconds == local(2025, 7, 15, 11, 0))
    }

    @Test("the hour repeated when clocks go back is flagged ambiguous, the earlier instant taken")
    func fallBack() throws {
        // 2025-10-26 01:30 happens at 00:30Z (BST) and again at 01:30Z (GMT).
        let zone = try #require(ZoneRules(identifier: "Europe/London"))
        let resolution = zone.resolve(localSeconds: local(2025, 10, 26, 1, 30))
        #expect(resolution.isAmbiguous)
        #expect(resolution.utcSeconds == local(2025, 10, 26, 0, 30))
        #expect(!zone.resolve(localSeconds: local(2025, 10, 26, 3, 0)).isAmbiguous)
    }

    @Test("the hour skipped when clocks go forward is flagged as a gap")
    func springForward() throws {
        let zone = try #require(ZoneRules(identifier: "Europe/London"))
        #expect(zone.resolve(localSeconds: local(2025, 3, 30, 1, 30)).isInGap)
    }

    @Test("an unknown zone name is refused")
    func unknown() {
        #expect(ZoneRules(identifier: "Mars/Olympus_Mons") == nil)
    }
}
