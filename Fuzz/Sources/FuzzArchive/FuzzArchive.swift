import EvidenceInput
import Foundation
import FuzzSupport

/// Archive evidence end to end: the input is written to a file (in /dev/shm when there is one), listed
/// by evidence discovery (libarchive: tar, zip, 7z, cpio, … inside any filter, nested archives too) and
/// walked the way a scan walks it, every member read through an `EvidenceReader` (gzip, bzip2, xz and
/// zstd members decoded), under small decompression limits so bombs stop quickly.
///
/// Checks: every evidence index the listing made is told exactly once by the walk (read, missed, or
/// opened then finished, never both); member paths are `archive!name`; each reader's byte counts
/// agree with what it handed out; each hash is 64 hex digits; nothing is written next to the input.
final class CheckingVisitor: ArchiveWalkVisitor {
    let files: [EvidenceFile]
    var told: [Int: String] = [:]
    var open: Set<Int> = []

    init(files: [EvidenceFile]) { self.files = files }

    private func tell(_ index: Int, _ how: String) {
        fuzzCheck(index >= 0 && index < files.count, "index \(index) outside the \(files.count) listed")
        fuzzCheck(told[index] == nil, "index \(index) told twice: \(told[index] ?? "") then \(how)")
        told[index] = how
    }

    func opened(_ index: Int) {
        fuzzCheck(!open.contains(index), "index \(index) opened twice")
        open.insert(index)
    }

    func readMember(_ index: Int, reader: EvidenceReader) {
        tell(index, "read")
        fuzzCheck(files[index].member != nil, "a read that is no member: \(files[index].displayPath)")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        do throws(InputError) {
            while true {
                let count = try reader.read(into: buffer)
                fuzzCheck(count >= 0 && count <= buffer.count, "read \(count) into \(buffer.count)")
                if count == 0 { break }
                total += Int64(count)
            }
        } catch {
            fuzzCheck(error.path == files[index].displayPath, "error names \(error.path), not \(files[index].displayPath)")
        }
        fuzzCheck(reader.decompressedBytes == total, "decompressedBytes \(reader.decompressedBytes), handed out \(total)")
        let hash = reader.finish()
        fuzzCheck(hash.count == 64 && hash.allSatisfy(\.isHexDigit), "hash \(hash)")
    }

    func finished(_ index: Int, outcome: ArchiveOutcome) {
        fuzzCheck(open.contains(index), "index \(index) finished without being opened")
        tell(index, "finished")
        if let hash = outcome.sha256 { fuzzCheck(hash.count == 64, "archive hash \(hash)") }
    }

    func missed(_ index: Int, reason: String) {
        tell(index, "missed")
        fuzzCheck(!reason.isEmpty, "missed without a reason")
    }
}

let folder: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = base + "/spoor-fuzz-archive-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let input else { return 0 }
    let path = folder + "/evidence"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: input, count: size))
    let discovery = EvidenceDiscovery.discover([path])
    let files = discovery.files
    guard let first = files.first, first.isArchive else { return 0 }
    for file in files.dropFirst() {
        fuzzCheck(file.member != nil && file.displayPath.hasPrefix(path + "!"), "member path \(file.displayPath)")
    }
    let visitor = CheckingVisitor(files: files)
    ArchiveWalk.walk(files, archiveIndex: 0, limits: DecompressionLimits(maximumRatio: 100, ratioFloorBytes: 1 << 20, maximumBytes: 16 << 20), visitor: visitor)
    for index in files.indices {
        fuzzCheck(visitor.told[index] != nil, "index \(index) (\(files[index].displayPath)) never told")
    }
    let left = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    fuzzCheck(left == ["evidence"], "files appeared beside the evidence: \(left)")
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzArchive_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
