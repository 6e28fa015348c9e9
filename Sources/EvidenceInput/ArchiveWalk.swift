import ArchiveCodec

/// What an ``ArchiveWalk`` tells its caller, in stored order. Every evidence index of the archive (the
/// archive's own, its members', nested archives') is told exactly once by ``readMember(_:reader:)`` or
/// ``missed(_:reason:)``, or by ``opened(_:)`` then ``finished(_:outcome:)``.
public protocol ArchiveWalkVisitor: AnyObject {
    /// An archive (the one walked, or one nested in it) is being read; its outcome follows its members.
    func opened(_ index: Int)
    /// A plain member's bytes: read them with `reader` and call its `finish()` before returning.
    func readMember(_ index: Int, reader: EvidenceReader)
    /// An archive opened with ``opened(_:)`` is done.
    func finished(_ index: Int, outcome: ArchiveOutcome)
    /// A listed member that was not reached (the archive failed before it).
    func missed(_ index: Int, reason: String)
}

/// How reading an archive went.
public struct ArchiveOutcome: Sendable {
    /// SHA-256 of the archive's stored bytes (for a nested archive, its bytes as a member).
    public var sha256: String?
    public var storedBytes: Int64
    /// Why it stopped early, or was not opened; nil when read to its end.
    public var error: String?
    /// False when not one member could be read (not opened, or unopenable).
    public var wasOpened: Bool
}

/// Reads an archive listed by ``ArchiveListing`` member by member, streaming: nested archives are read
/// through their parent's member stream, plain members through an ``EvidenceReader`` (gzip included).
///
/// Contract: members are met in stored order and matched by name to the listing; a difference (the file
/// changed since it was listed) stops the walk with an error, and the members not reached are missed.
/// The archive file is opened `O_RDONLY`; nothing is written anywhere.
public enum ArchiveWalk {
    /// Walks the archive at `files[archiveIndex]` (a file given as evidence) and everything in it.
    /// `passwords` are tried on encrypted members. Every member's bytes count against one budget under
    /// `limits`: once it is spent the member being read stops (partial) and the walk stops, its other
    /// members missed with the reason.
    public static func walk(_ files: [EvidenceFile], archiveIndex: Int, passwords: [String] = [], limits: DecompressionLimits = DecompressionLimits(),
                            visitor: some ArchiveWalkVisitor) {
        var children: [Int: [Int]] = [:]
        var index = archiveIndex + 1
        while index < files.count, let member = files[index].member {
            children[member.containerIndex, default: []].append(index)
            index += 1
        }
        let file = files[archiveIndex]
        let budget = DecompressionBudget(limits: limits, path: file.filesystemPath)
        let walker = Walker(files: files, children: children, passwords: passwords, budget: budget, visitor: visitor)
        visitor.opened(archiveIndex)
        var walkError: String?
        var wasOpened = false
        do {
            guard let path = file.filesystemPath else { throw ArchiveError.failed("not a file") }
            let reader = try ArchiveReader(source: try ArchiveFileSource(path: path, displayPath: file.displayPath), passwords: passwords)
            wasOpened = true
            walkError = walker.walkContainer(archiveIndex, reader: reader)
        } catch {
            let reason = "cannot open the archive: \((error as? InputError)?.description ?? String(describing: error))"
            walkError = reason
            walker.missChildren(of: archiveIndex, reason: reason)
        }
        // The archive's hash: its stored bytes read once more, in order (the archive reader may seek).
        var sha256: String?
        var storedBytes: Int64 = 0
        if let hashing = try? EvidenceReader(file: EvidenceFile(displayPath: file.displayPath, filesystemPath: file.filesystemPath)) {
            sha256 = hashing.finish()
            storedBytes = hashing.storedBytes
        }
        visitor.finished(archiveIndex, outcome: ArchiveOutcome(sha256: sha256, storedBytes: storedBytes, error: walkError, wasOpened: wasOpened))
    }

    private struct Walker<Visitor: ArchiveWalkVisitor> {
        let files: [EvidenceFile]
        let children: [Int: [Int]]
        let passwords: [String]
        let budget: DecompressionBudget
        let visitor: Visitor

        /// Reads the members of the archive at `containerIndex`; returns why it stopped early, if it did.
        func walkContainer(_ containerIndex: Int, reader: ArchiveReader) -> String? {
            let expected = children[containerIndex] ?? []
            var position = 0
            var failure: String?
            do throws(ArchiveError) {
                while let member = try reader.nextMember() {
                    guard member.kind == .regularFile else { continue }
                    if let exceeded = budget.exceeded {
                        failure = exceeded
                        break
                    }
                    guard position < expected.count, files[expected[position]].member?.name == member.name else {
                        failure = "the archive changed since it was listed (member \(member.name) was not expected here)"
                        break
                    }
                    let index = expected[position]
                    position += 1
                    switch files[index].kind {
                    case .plain:
                        let source = ArchiveMemberSource(archive: reader, hashes: false)
                        let memberReader = EvidenceReader(member: files[index], source: source)
                        memberReader.budget = budget
                        visitor.readMember(index, reader: memberReader)
                    case .archive:
                        visitor.opened(index)
                        let source = ArchiveMemberSource(archive: reader, hashes: true)
                        var nestedError: String?
                        var wasOpened = false
                        do throws(ArchiveError) {
                            let nested: ArchiveReader
                            if case .archive(format: "7z", _) = files[index].kind {
                                // 7z must seek: read it from memory (the listing checked its size).
                                guard let bytes = source.sevenZipBytes(limit: ArchiveMemberSource.sevenZipMemoryLimit) else {
                                    throw ArchiveError.failed("7z archive inside an archive could not be read into memory")
                                }
                                nested = try ArchiveReader(source: MemoryByteSource(bytes), passwords: passwords)
                            } else {
                                nested = try ArchiveReader(source: source, passwords: passwords)
                            }
                            wasOpened = true
                            nestedError = walkContainer(index, reader: nested)
                        } catch {
                            nestedError = "cannot open the archive: \(error.description)"
                            missChildren(of: index, reason: nestedError!)
                        }
                        let sha256 = source.finish()
                        visitor.finished(index, outcome: ArchiveOutcome(sha256: sha256, storedBytes: source.bytesRead, error: nestedError, wasOpened: wasOpened))
                    case .unopenedArchive(let reason):
                        visitor.opened(index)
                        let source = ArchiveMemberSource(archive: reader, hashes: true)
                        let sha256 = source.finish()
                        visitor.finished(index, outcome: ArchiveOutcome(sha256: sha256, storedBytes: source.bytesRead, error: reason, wasOpened: false))
                    }
                }
            } catch {
                failure = error.description
            }
            let reason = "not reached: the archive failed before this member (\(failure ?? "?"))"
            for index in expected[position...] { miss(index, reason: reason) }
            return failure
        }

        /// Tells `index` as missed, and everything listed inside it.
        func miss(_ index: Int, reason: String) {
            visitor.missed(index, reason: reason)
            missChildren(of: index, reason: reason)
        }

        func missChildren(of index: Int, reason: String) {
            for child in children[index] ?? [] { miss(child, reason: reason) }
        }
    }
}
