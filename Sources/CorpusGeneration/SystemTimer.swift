/// A systemd timer-driven service and the lines systemd logs for each run in syslog:
/// `Starting unit - Description...`, `unit: Deactivated successfully.`, `Finished unit - Description.`
struct SystemTimer: Sendable {
    /// When the unit runs (UTC); randomised delays are drawn per run.
    enum Schedule: Sendable {
        /// Once a day at `hour`, at a minute drawn from `0..<minuteSpread`.
        case daily(hour: Int, minuteSpread: Int)
        /// At each of `hours`, at a minute drawn from `0..<minuteSpread`.
        case hours([Int], minuteSpread: Int)
        /// Every `interval` minutes starting at minute `offset` of each hour.
        case everyMinutes(interval: Int, offset: Int)
        /// On `weekday` (0 = Sunday) at `hour`, at a minute drawn from `0..<minuteSpread`.
        case weekly(weekday: Int, hour: Int, minuteSpread: Int)
    }

    let unit: [UInt8]
    let unitDescription: [UInt8]
    let schedule: Schedule
    /// Seconds from start to finish.
    let durationSeconds: ClosedRange<Int>
    /// Whether systemd also logs `unit: Consumed 1.234s CPU time.` (systemd ≥ 252 does for busy units).
    let logsCPUTime: Bool

    init(unit: String, description: String, schedule: Schedule, durationSeconds: ClosedRange<Int> = 0...2,
         logsCPUTime: Bool = false) {
        self.unit = Array(unit.utf8)
        unitDescription = Array(description.utf8)
        self.schedule = schedule
        self.durationSeconds = durationSeconds
        self.logsCPUTime = logsCPUTime
    }

    /// Start times inside the hour beginning at `hourStart`.
    func fireTimes(inHourStarting hourStart: Int64, random: inout SeededRandom) -> [Int64] {
        let hour = Int(hourStart % 86_400 / 3600)
        switch schedule {
        case let .daily(timerHour, spread):
            return hour == timerHour ? [hourStart + Int64(random.below(spread) * 60 + random.below(60))] : []
        case let .hours(hours, spread):
            return hours.contains(hour) ? [hourStart + Int64(random.below(spread) * 60 + random.below(60))] : []
        case let .everyMinutes(interval, offset):
            return stride(from: offset, to: 60, by: interval).map { hourStart + Int64($0 * 60 + random.below(20)) }
        case let .weekly(weekday, timerHour, spread):
            guard hour == timerHour, UTCDateTime.weekday(fromDays: hourStart / 86_400) == weekday else { return [] }
            return [hourStart + Int64(random.below(spread) * 60 + random.below(60))]
        }
    }
}
