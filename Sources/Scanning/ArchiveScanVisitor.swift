import EvidenceInput
import ExposureReport

/// Scans an archive's members as ``ArchiveWalk`` meets them, on the reader thread that claimed the
/// archive: each plain member is cut into chunks like a file; each archive gets its evidence entry
/// when it is opened (so its members' results merge without waiting) and its hash and status when done.
final class ArchiveScanVisitor: ArchiveWalkVisitor {
    private let files: [EvidenceFile]
    private let configuration: ScanConfiguration
    private let queue: BlockingQueue<ScanPipeline.WorkItem>
    private let merger: ResultMerger
    /// Member bytes are not the scan's stored bytes: progress counts the archive file once, at its end.
    private let memberBytes = ByteCounter()
    /// The stored size of the archive file, for progress.
    private(set) var archiveBytes: Int64 = 0

    init(files: [EvidenceFile], configuration: ScanConfiguration, queue: BlockingQueue<ScanPipeline.WorkItem>, merger: ResultMerger) {
        self.files = files
        self.configuration = configuration
        self.queue = queue
        self.merger = merger
    }

    func opened(_ index: Int) {
        var summary = FileSummary(path: files[index].displayPath)
        summary.warnings = files[index].notes
        summary.memberModificationTime = files[index].member?.modificationTime
        if case .archive(let format, let filters) = files[index].kind {
            summary.archiveFormat = format
            summary.compression = filters.isEmpty ? "none" : filters.joined(separator: "+")
        }
        merger.fileRead(index, summary: summary)
    }

    func readMember(_ index: Int, reader: EvidenceReader) {
        var summary = FileSummary(path: files[index].displayPath)
        summary.memberModificationTime = files[index].member?.modificationTime
        summary = ScanPipeline.readLines(reader, index: index, configuration: configuration, queue: queue, bytesRead: memberBytes, summary: summary)
        merger.fileRead(index, summary: summary)
    }

    func finished(_ index: Int, outcome: ArchiveOutcome) {
        if files[index].member == nil { archiveBytes = outcome.storedBytes }
        let status: EvidenceEntry.Status = outcome.error == nil ? .ok : outcome.wasOpened ? .partial : .error
        merger.archiveRead(index, sha256: outcome.sha256, storedBytes: outcome.storedBytes, status: status, error: outcome.error)
    }

    func missed(_ index: Int, reason: String) {
        var summary = FileSummary(path: files[index].displayPath)
        summary.memberModificationTime = files[index].member?.modificationTime
        summary.status = .error
        summary.error = reason
        summary.warnings = files[index].notes
        merger.fileRead(index, summary: summary)
    }
}
