/// The files one log stream is split into, oldest first, as logrotate would have left them.
///
/// With `delaycompress` (the Debian default) the live file and `.1` are plain text and every older
/// generation is gzip-compressed: `auth.log.3.gz`, `auth.log.2.gz`, `auth.log.1`, `auth.log`.
struct RotationPlan: Sendable {
    /// How one generation's bytes are stored.
    enum Storage: Sendable, Equatable {
        /// Plain text.
        case plain
        /// gzip. A new member starts at each of `memberSplitTimes` (a line at or after the time opens
        /// it) and whenever the member reaches `maximumMemberBytes` of uncompressed text. Each member's
        /// header carries the time of its last line as MTIME and `originalName` as FNAME.
        case gzip(memberSplitTimes: [Int64], maximumMemberBytes: Int, originalName: String?)
        /// gzip as one member however large, compressed as it is written (no MTIME: the last line's
        /// time is not known when the header is written).
        case gzipStream(originalName: String?)
    }

    /// One file of the rotation set.
    struct Period: Sendable {
        /// Lines with `time < endTime` belong here (the live file's end is `Int64.max`).
        var endTime: Int64
        /// Path relative to the corpus root.
        var relativePath: String
        /// Plain or gzip.
        var storage: Storage
        /// Lines before this time are not in the file: it was wiped (`truncate -s 0`) at that moment,
        /// or it is the oldest file kept and began at a rotation before the simulated span.
        var keepsLinesFrom: Int64?

        /// Creates a period.
        init(endTime: Int64, relativePath: String, storage: Storage, keepsLinesFrom: Int64? = nil) {
            self.endTime = endTime
            self.relativePath = relativePath
            self.storage = storage
            self.keepsLinesFrom = keepsLinesFrom
        }
    }

    /// The files, oldest first; the last one is the live file.
    var periods: [Period]

    /// Creates a plan from explicit periods (oldest first).
    init(periods: [Period]) {
        self.periods = periods
    }

    /// The logrotate layout for `baseName` (for example `var/log/auth.log`): the oldest kept file
    /// begins at `rotationTimes[0]`, and each later rotation time starts a new file. Generation 0 is
    /// the live file, 1 is `.1`, from 2 on `.N.gz`.
    static func logrotate(baseName: String, rotationTimes: [Int64], maximumMemberBytes: Int) -> RotationPlan {
        precondition(!rotationTimes.isEmpty, "the oldest file's start is needed")
        let boundaries = Array(rotationTimes.dropFirst())
        let count = boundaries.count + 1
        var periods: [Period] = []
        periods.reserveCapacity(count)
        for index in 0..<count {
            let generation = count - 1 - index
            let endTime = index < boundaries.count ? boundaries[index] : Int64.max
            switch generation {
            case 0:
                periods.append(Period(endTime: endTime, relativePath: baseName, storage: .plain))
            case 1:
                periods.append(Period(endTime: endTime, relativePath: baseName + ".1", storage: .plain))
            default:
                periods.append(Period(endTime: endTime, relativePath: baseName + ".\(generation).gz",
                                      storage: .gzip(memberSplitTimes: [], maximumMemberBytes: maximumMemberBytes,
                                                     originalName: nil)))
            }
        }
        periods[0].keepsLinesFrom = rotationTimes[0]
        return RotationPlan(periods: periods)
    }

    /// Marks the period that contains `time` as wiped at `time` (lines before it are lost).
    mutating func wipe(at time: Int64) {
        guard let index = periods.firstIndex(where: { time < $0.endTime }) else { return }
        periods[index].keepsLinesFrom = max(periods[index].keepsLinesFrom ?? .min, time)
    }
}
