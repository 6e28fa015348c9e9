/// Runs hosts hour by hour and feeds their lines, in time order, to the sinks they write to.
///
/// Each hour: every host plans its episodes (``ActivityPlanner``) and writes their lines into one
/// shared ``LineTimeline``; then every line older than the hour's end goes to its sink. Lines that an
/// episode writes further ahead wait in the timeline. The run stops at `endTime` (the moment the
/// evidence was collected) or as soon as the sinks have kept `byteBudget` bytes, whichever is first.
final class HostSimulation {
    private var hosts: [HostContext]
    private let sinks: [any LogLineSink]
    private let startTime: Int64
    private let endTime: Int64
    private let byteBudget: Int?
    /// Bytes the sinks kept.
    private(set) var keptBytes = 0

    /// `startTime` is rounded down to a whole hour.
    init(hosts: [HostContext], sinks: [any LogLineSink], startTime: Int64, endTime: Int64, byteBudget: Int? = nil) {
        self.hosts = hosts
        self.sinks = sinks
        self.startTime = startTime - startTime % 3600
        self.endTime = endTime
        self.byteBudget = byteBudget
    }

    /// Simulates the whole span, then finishes every sink. Returns the bytes kept.
    @discardableResult
    func run() throws(CorpusError) -> Int {
        var timeline = LineTimeline()
        var hourStart = startTime
        while hourStart < endTime {
            for index in hosts.indices {
                let episodes = ActivityPlanner.episodes(inHourStarting: hourStart, context: &hosts[index])
                for episode in episodes {
                    Self.write(episode, context: &hosts[index], timeline: &timeline)
                }
            }
            let cutoff = min(hourStart + 3600, endTime)
            let sinks = self.sinks
            let budget = byteBudget ?? .max
            var kept = keptBytes
            let isUnderBudget = try timeline.drain(before: cutoff) { (sink, time, line) throws(CorpusError) -> Bool in
                kept += try sinks[sink].append(line: line, time: time)
                return kept < budget
            }
            keptBytes = kept
            if !isUnderBudget { break }
            hourStart += 3600
        }
        for sink in sinks { try sink.finish() }
        return keptBytes
    }

    /// Writes one episode's lines.
    private static func write(_ episode: Episode, context: inout HostContext, timeline: inout LineTimeline) {
        let time = episode.time
        switch episode.kind {
        case .scannerConnection:
            SSHActivity.scannerConnection(at: time, context: &context, timeline: &timeline)
        case .scannerBurst:
            SSHActivity.scannerBurst(at: time, context: &context, timeline: &timeline)
        case let .administratorSession(administrator):
            AdministratorActivity.administratorSession(at: time, administrator: administrator, context: &context, timeline: &timeline)
        case .deployUpload:
            AdministratorActivity.deployUpload(at: time, context: &context, timeline: &timeline)
        case let .cronJob(index):
            SystemActivity.cronJob(at: time, index: index, context: &context, timeline: &timeline)
        case let .timer(index):
            SystemActivity.timer(at: time, index: index, context: &context, timeline: &timeline)
        case .firewallBlock:
            SystemActivity.firewallBlock(at: time, context: &context, timeline: &timeline)
        case .leaseRenewal:
            SystemActivity.leaseRenewal(at: time, context: &context, timeline: &timeline)
        case .clockSourceChange:
            SystemActivity.clockSourceChange(at: time, context: &context, timeline: &timeline)
        case .localMail:
            SystemActivity.localMail(at: time, context: &context, timeline: &timeline)
        case .logRotation:
            SystemActivity.logRotation(at: time, context: &context, timeline: &timeline)
        case .nightlyBackupLogin:
            AdministratorActivity.nightlyBackupLogin(at: time, context: &context, timeline: &timeline)
        case .openSSHUpgrade:
            AdministratorActivity.openSSHUpgrade(at: time, context: &context, timeline: &timeline)
        case let .storyAct(story, act):
            AttackStoryWriter.write(act, of: context.stories[story], at: time, context: &context, timeline: &timeline)
        }
    }
}
