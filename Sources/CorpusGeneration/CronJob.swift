/// A crontab entry: when it runs, as whom, and the command cron logs.
///
/// Each run leaves three lines: `pam_unix(cron:session): session opened …` and `… session closed …`
/// in auth.log, and `CRON[pid]: (user) CMD (command)` in syslog.
struct CronJob: Sendable {
    /// When the job fires (UTC).
    enum Schedule: Sendable {
        /// Every `interval` minutes, at minutes divisible by it (`*/10 * * * *`).
        case everyMinutes(interval: Int)
        /// Every hour at `minute` (`17 * * * *`).
        case hourly(minute: Int)
        /// Every day at `hour:minute`.
        case daily(hour: Int, minute: Int)
        /// On `weekday` (0 = Sunday) at `hour:minute`.
        case weekly(weekday: Int, hour: Int, minute: Int)
    }

    let schedule: Schedule
    let userName: [UInt8]
    let uid: Int
    let command: [UInt8]
    /// How long the session stays open, in seconds.
    let durationSeconds: ClosedRange<Int>

    init(_ schedule: Schedule, user: String, uid: Int, command: String, durationSeconds: ClosedRange<Int> = 0...1) {
        self.schedule = schedule
        userName = Array(user.utf8)
        self.uid = uid
        self.command = Array(command.utf8)
        self.durationSeconds = durationSeconds
    }

    /// The start times of this job inside the hour that begins at `hourStart` (a multiple of 3600).
    func fireTimes(inHourStarting hourStart: Int64) -> [Int64] {
        let days = hourStart / 86_400
        let hour = Int(hourStart % 86_400 / 3600)
        switch schedule {
        case let .everyMinutes(interval):
            return stride(from: 0, to: 60, by: interval).map { hourStart + Int64($0 * 60) }
        case let .hourly(minute):
            return [hourStart + Int64(minute * 60)]
        case let .daily(jobHour, minute):
            return hour == jobHour ? [hourStart + Int64(minute * 60)] : []
        case let .weekly(weekday, jobHour, minute):
            return hour == jobHour && UTCDateTime.weekday(fromDays: days) == weekday ? [hourStart + Int64(minute * 60)] : []
        }
    }
}
