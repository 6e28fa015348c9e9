/// Measures how many bytes a set of hosts writes per simulated day, with and without internet
/// background noise, so a benchmark job can pick the noise level and span that fill its byte budget.
struct NoiseCalibration {
    /// Bytes per day with no scanners, bursts or firewall drops (cron, timers, administrators).
    private(set) var quietBytesPerDay: Int
    /// Extra bytes per day that the background noise adds per unit (1000) of scale.
    private(set) var noiseBytesPerDayPerUnit: Int
    private let profiles: [HostProfile]
    private let day: Int64
    private let random: SeededRandom

    /// Simulates one day (from `day`, which should be a working day) into a byte counter, quiet and
    /// at noise scale 1000.
    init(profiles: [HostProfile], day: Int64, random: SeededRandom) throws(CorpusError) {
        self.profiles = profiles
        self.day = day
        self.random = random
        quietBytesPerDay = 0
        noiseBytesPerDayPerUnit = 1
        quietBytesPerDay = try bytesPerDay(noiseScale: 0)
        noiseBytesPerDayPerUnit = max(1, try bytesPerDay(noiseScale: 1000) - quietBytesPerDay)
    }

    /// Days to simulate and the noise scale (thousandths) that fill `budget` bytes at about the same
    /// rate every day: at most `maximumDays`, at least 2.
    ///
    /// When the scale comes out far from 1000, the day is simulated once more at that scale: rare
    /// events measured at scale 1000 are too few to extrapolate from.
    mutating func plan(budget: Int, maximumDays: Int) throws(CorpusError) -> (days: Int, noiseScale: Int) {
        let fullDay = quietBytesPerDay + noiseBytesPerDayPerUnit
        let days = min(maximumDays, max(2, budget / max(1, fullDay)))
        let perDay = budget / days
        var scale = max(0, (perDay - quietBytesPerDay) * 1000 / noiseBytesPerDayPerUnit)
        if scale > 3000 {
            let measured = try bytesPerDay(noiseScale: scale) - quietBytesPerDay
            noiseBytesPerDayPerUnit = max(1, measured * 1000 / scale)
            scale = max(0, (perDay - quietBytesPerDay) * 1000 / noiseBytesPerDayPerUnit)
        }
        return (days, scale)
    }

    private func bytesPerDay(noiseScale: Int) throws(CorpusError) -> Int {
        let sink = CountingSink()
        let hosts = profiles.enumerated().map { index, profile in
            HostContext(profile: profile.withBackgroundNoise(scaledBy: noiseScale), startTime: day,
                        random: random.derived(UInt64(index)), authSink: 0, syslogSink: 0)
        }
        try HostSimulation(hosts: hosts, sinks: [sink], startTime: day, endTime: day + 86_400).run()
        return sink.byteCount
    }
}
