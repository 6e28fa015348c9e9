import ArchiveCodec

/// Lists what an archive holds, before the scan, so every member is known up front (rotation sets and
/// year inference look at all the files of a folder, members included).
///
/// Contract:
/// - An evidence file is an archive when libarchive recognises its content (tar, zip, 7z, cpio, … in any
///   of its filters); anything else (text, a lone `.gz`, a binary log) stays plain evidence.
/// - Each regular-file member becomes an ``EvidenceFile`` right after its archive (stored order), shown
///   as `archive!member`; a member that is itself an archive is listed in turn, its members after it
///   (`outer.tar!inner.zip!file`), down to ``maximumNestingDepth``; one deeper is hashed and reported,
///   not opened.
/// - Directories, symbolic links, hard links, devices, FIFOs and sockets are skipped and named in a
///   note on the archive (directories only counted). Member names are labels: nothing is written,
///   nothing is opened by a member's name.
/// - Damage stops the listing of that archive with a note; the members listed before it stay.
///
/// The listing reads the whole archive once (a compressed tar must be decompressed to be walked); the
/// scan reads it again, streaming.
public enum ArchiveListing {
    /// Archives inside archives are opened down to this depth (the archive given is depth 1).
    public static let maximumNestingDepth = 4
    /// Skipped members named in the archive's note; the rest are counted.
    static let namedSkippedMembers = 20

    /// Lists the file at `files[index]` when it is an archive: marks it so and appends its members
    /// (so `index` must be the last file of the list for the members to follow their archive).
    public static func expand(_ files: inout [EvidenceFile], index: Int, passwords: [String]) {
        guard let path = files[index].filesystemPath else { return }
        let reader: ArchiveReader
        do {
            reader = try ArchiveReader(source: try ArchiveFileSource(path: path, displayPath: files[index].displayPath), passwords: passwords)
        } catch {
            // Not an archive (or unreadable: the plain reader reports that).
            return
        }
        files[index].kind = .archive(format: reader.formatName, filters: reader.filterNames)
        list(reader, containerIndex: index, depth: 1, passwords: passwords, into: &files)
    }

    private static func list(_ reader: ArchiveReader, containerIndex: Int, depth: Int, passwords: [String], into files: inout [EvidenceFile]) {
        var skipped: [String] = []
        var skippedCount = 0
        var directories = 0
        func skip(_ text: String) {
            skippedCount += 1
            if skipped.count < namedSkippedMembers { skipped.append(text) }
        }
        defer {
            if directories > 0 { files[containerIndex].notes.append("\(directories) director\(directories == 1 ? "y" : "ies") in the archive (nothing to scan)") }
            if skippedCount > 0 {
                let more = skippedCount > skipped.count ? ", and \(skippedCount - skipped.count) more" : ""
                files[containerIndex].notes.append("\(skippedCount) member\(skippedCount == 1 ? "" : "s") not scanned (not regular files): \(skipped.joined(separator: ", "))\(more)")
            }
        }
        let container = files[containerIndex].displayPath
        do throws(ArchiveError) {
            while let member = try reader.nextMember() {
                switch member.kind {
                case .directory:
                    directories += 1
                    continue
                case .symbolicLink:
                    skip("symbolic link \(member.name) -> \(member.linkTarget ?? "?")")
                    continue
                case .other:
                    skip("\(member.name) (hard link, device, FIFO or socket)")
                    continue
                case .regularFile:
                    break
                }
                let index = files.count
                var file = EvidenceFile(displayPath: container + "!" + member.name, filesystemPath: nil)
                let source = ArchiveMemberSource(archive: reader, hashes: false)
                if CollectorBundle.isMetadataName(member.name), member.size.map({ $0 <= CollectorBundle.metadataLimit }) ?? true {
                    // A small text file that describes the collection (its acquisition time, the host's zone):
                    // kept whole, for the scan to read before it starts; it is scanned as a member too.
                    file.member = ArchiveMemberOrigin(containerIndex: containerIndex, name: member.name, modificationTime: member.modificationTime,
                                                      leadingBytes: [], depth: depth)
                    file.member?.content = source.readAll(limit: CollectorBundle.metadataLimit)
                    file.member?.leadingBytes = source.leadingBytes
                    files.append(file)
                    continue
                }
                // Is the member an archive itself? (A failure of the outer archive here still lists the
                // member: its bytes before the damage are scanned.)
                var nested = try? ArchiveReader(source: source, passwords: passwords)
                var isTooLargeSevenZip = false
                if source.isSevenZip {
                    // 7z must seek: read it from memory.
                    let bytes = source.sevenZipBytes(limit: ArchiveMemberSource.sevenZipMemoryLimit)
                    isTooLargeSevenZip = bytes == nil && source.containerFailure == nil
                    nested = bytes.flatMap { try? ArchiveReader(source: MemoryByteSource($0), passwords: passwords) }
                }
                file.member = ArchiveMemberOrigin(containerIndex: containerIndex, name: member.name, modificationTime: member.modificationTime,
                                                  leadingBytes: source.leadingBytes, depth: depth)
                if isTooLargeSevenZip {
                    file.kind = .unopenedArchive(reason: "7z archive inside an archive larger than \(ArchiveMemberSource.sevenZipMemoryLimit >> 20) MiB (7z is read from memory there, as it must seek): not opened, not scanned")
                    files.append(file)
                } else if let nested {
                    if depth + 1 > maximumNestingDepth {
                        file.kind = .unopenedArchive(reason: "archive nested deeper than \(maximumNestingDepth) levels: not opened, not scanned")
                        files.append(file)
                    } else {
                        file.kind = .archive(format: nested.formatName, filters: nested.filterNames)
                        files.append(file)
                        list(nested, containerIndex: index, depth: depth + 1, passwords: passwords, into: &files)
                    }
                } else {
                    files.append(file)
                }
                // A failure reading this member (an encrypted one without its password) may be the
                // member's alone: the next header tells whether the archive itself is broken.
            }
        } catch {
            files[containerIndex].notes.append("archive listing stopped: \(error.description)")
        }
    }
}
