import ZlibCodec

/// Writes one log stream's lines into the files of a ``RotationPlan``, compressing as it goes.
///
/// Memory stays bounded: plain files are written in 1 MiB batches; a gzip file keeps at most one
/// member's uncompressed text (its `maximumMemberBytes`) before compressing it with ``GzipEncoder``
/// and writing the member. Every file of the plan exists after ``finish()``, empty when no line fell
/// into it (an empty `.gz` holds one empty member, as `gzip </dev/null` writes).
final class RotatedLogWriter: LogLineSink {
    private let root: String
    private let plan: RotationPlan
    private let encoder: GzipEncoder
    private var periodIndex = -1
    private var file: OutputFile?
    private var pending: [UInt8] = []
    private var pendingLastTime: Int64 = 0
    private var nextSplitIndex = 0
    private var membersInFile = 0
    /// Uncompressed bytes kept, over all files.
    private(set) var keptBytes = 0
    /// Files written so far (paths relative to the root).
    private(set) var writtenPaths: [String] = []

    init(root: String, plan: RotationPlan, encoder: GzipEncoder) {
        self.root = root
        self.plan = plan
        self.encoder = encoder
        pending.reserveCapacity(1 << 20)
    }

    func append(line: UnsafeBufferPointer<UInt8>, time: Int64) throws(CorpusError) -> Int {
        if periodIndex < 0 || time >= plan.periods[periodIndex].endTime {
            try advance(to: time)
        }
        let period = plan.periods[periodIndex]
        if let keepsLinesFrom = period.keepsLinesFrom, time < keepsLinesFrom { return 0 }
        switch period.storage {
        case .plain:
            if pending.count + line.count > 1 << 20 { try flushPlain() }
        case .gzipStream:
            if pending.count + line.count > 1 << 20 { try flushStream() }
        case let .gzip(splitTimes, maximumMemberBytes, originalName):
            var crossesSplit = false
            while nextSplitIndex < splitTimes.count && time >= splitTimes[nextSplitIndex] {
                nextSplitIndex += 1
                crossesSplit = true
            }
            if !pending.isEmpty && (crossesSplit || pending.count + line.count > maximumMemberBytes) {
                try flushMember(originalName: originalName)
            }
        }
        pending.append(contentsOf: line)
        pendingLastTime = time
        keptBytes += line.count
        return line.count
    }

    func finish() throws(CorpusError) {
        try closeCurrent()
        while periodIndex + 1 < plan.periods.count {
            periodIndex += 1
            try openCurrent()
            try closeCurrent()
        }
    }

    /// Closes files until the period holding `time` is open (creating skipped periods empty).
    private func advance(to time: Int64) throws(CorpusError) {
        if periodIndex >= 0 { try closeCurrent() }
        periodIndex += 1
        try openCurrent()
        while time >= plan.periods[periodIndex].endTime {
            try closeCurrent()
            periodIndex += 1
            try openCurrent()
        }
    }

    private func openCurrent() throws(CorpusError) {
        let period = plan.periods[periodIndex]
        file = try OutputFile(path: root + "/" + period.relativePath)
        writtenPaths.append(period.relativePath)
        pending.removeAll(keepingCapacity: true)
        nextSplitIndex = 0
        membersInFile = 0
        if case let .gzipStream(originalName) = period.storage {
            try file?.append(encoder.beginMember(originalName: originalName))
            membersInFile = 1
        }
    }

    private func closeCurrent() throws(CorpusError) {
        guard let file else { return }
        switch plan.periods[periodIndex].storage {
        case .plain:
            try flushPlain()
        case let .gzip(_, _, originalName):
            if !pending.isEmpty || membersInFile == 0 { try flushMember(originalName: originalName) }
        case .gzipStream:
            try flushStream()
            try file.append(encoder.finishMember())
        }
        try file.finish()
        self.file = nil
    }

    /// Compresses the pending text into the open streamed member.
    private func flushStream() throws(CorpusError) {
        guard let file, !pending.isEmpty else { return }
        try file.append(encoder.compress(pending))
        pending.removeAll(keepingCapacity: true)
    }

    private func flushPlain() throws(CorpusError) {
        guard let file, !pending.isEmpty else { return }
        try file.append(pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func flushMember(originalName: String?) throws(CorpusError) {
        guard let file else { return }
        let modificationTime = UInt32(clamping: max(0, pending.isEmpty ? 0 : pendingLastTime))
        let member = encoder.member(of: pending, modificationTime: modificationTime, originalName: originalName)
        try file.append(member)
        membersInFile += 1
        pending.removeAll(keepingCapacity: true)
    }
}
