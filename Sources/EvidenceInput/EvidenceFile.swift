/// One piece of evidence to read: a file found under the paths the investigator gave, standard input,
/// or a member of an archive (`uac.tar.gz![root]/var/log/auth.log`).
public struct EvidenceFile: Sendable, Hashable {
    /// What the evidence holds, as found by content.
    public enum Kind: Sendable, Hashable {
        /// Lines, possibly gzip-compressed (or a binary log, told later).
        case plain
        /// A container libarchive reads (`tar`, `zip`, `7z`, …) inside its compression filters
        /// (`gzip`, …, outermost first); its members follow it in the evidence list.
        case archive(format: String, filters: [String])
        /// An archive that is not opened (nested deeper than the limit): hashed, reported, not scanned.
        case unopenedArchive(reason: String)
    }

    /// The path as it will appear in the report (as given, or joined under the directory given; for an
    /// archive member, the archive's path, `!`, and the member's stored name).
    public var displayPath: String
    /// Where to open it; nil for standard input and for archive members.
    public var filesystemPath: String?
    public var kind: Kind = .plain
    /// Set for a member of an archive.
    public var member: ArchiveMemberOrigin?
    /// What discovery learned that the report should say about this evidence (members skipped, …).
    public var notes: [String] = []

    public init(displayPath: String, filesystemPath: String?) {
        self.displayPath = displayPath
        self.filesystemPath = filesystemPath
    }

    /// True for an archive whose members follow it.
    public var isArchive: Bool {
        if case .archive = kind { return true }
        return false
    }

    /// Standard input, shown as `-`.
    public static let standardInput = EvidenceFile(displayPath: "-", filesystemPath: nil)
}

/// Where an archive member sits, and what its header said. The name is a label, never a path to open.
public struct ArchiveMemberOrigin: Sendable, Hashable {
    /// Index, in the evidence list, of the archive that holds the member.
    public var containerIndex: Int
    /// The member's stored name.
    public var name: String
    /// The stored modification time, seconds since 1970 UTC.
    public var modificationTime: Int64?
    /// The member's first bytes (up to 16): enough to read a gzip header's MTIME before the scan.
    public var leadingBytes: [UInt8]
    /// 1 for a member of an archive given as evidence, 2 for a member of an archive inside it, …
    public var depth: Int
    /// The whole content of a small file that describes a collection (``CollectorBundle/isMetadataName(_:)``:
    /// `uac.log`, `timedatectl.txt`, `etc/timezone`), kept by the listing; nil for every other member.
    public var content: [UInt8]?

    public init(containerIndex: Int, name: String, modificationTime: Int64?, leadingBytes: [UInt8], depth: Int) {
        self.containerIndex = containerIndex
        self.name = name
        self.modificationTime = modificationTime
        self.leadingBytes = leadingBytes
        self.depth = depth
    }
}

/// Something found while expanding the evidence paths that is not a readable regular file.
public struct DiscoveryProblem: Sendable, Hashable {
    public var path: String
    public var reason: String
    /// True when something that may hold evidence could not be read (a missing path, no permission):
    /// the scan is then incomplete. False for what holds none (a symbolic link loop, a dangling
    /// link, a FIFO or device), which is reported but loses nothing.
    public var isEvidenceMissed: Bool

    public init(path: String, reason: String, isEvidenceMissed: Bool = true) {
        self.path = path
        self.reason = reason
        self.isEvidenceMissed = isEvidenceMissed
    }
}
