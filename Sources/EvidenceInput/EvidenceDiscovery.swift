#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands the paths an investigator gives into an ordered list of evidence files.
///
/// Contract: directories are walked recursively with entries sorted by their byte-wise name, so the
/// order never depends on the filesystem; symbolic links to files are followed, links to directories are
/// followed once (a directory already on the current path is a *loop* and reported); sockets, FIFOs and
/// devices are reported and skipped; `-` is standard input. Nothing is opened for writing. A file whose
/// content is an archive is followed by its members (see ``ArchiveListing``).
public enum EvidenceDiscovery {
    /// The files to scan, in scan order, and what could not be taken (one problem per path).
    public struct Result: Sendable {
        public var files: [EvidenceFile] = []
        public var problems: [DiscoveryProblem] = []

        public init() {}
    }

    /// `archivePasswords` are tried on encrypted archive members. With `expandingArchives` false, archives
    /// are listed as plain files and their members are not read (a sharded scan lists the members of its
    /// own archives only, with ``ArchiveListing/expand(_:index:passwords:)``).
    public static func discover(_ paths: [String], archivePasswords: [String] = [], expandingArchives: Bool = true) -> Result {
        var result = Result()
        var seen = Set<String>()
        for path in paths {
            if path == "-" {
                if seen.insert("-").inserted { result.files.append(.standardInput) }
                continue
            }
            walk(path, display: path, ancestors: [], passwords: archivePasswords, expanding: expandingArchives, into: &result, seen: &seen)
        }
        return result
    }

    private static func walk(_ path: String, display: String, ancestors: [DeviceInode], passwords: [String], expanding: Bool, into result: inout Result, seen: inout Set<String>) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var linkInfo = stat()
            if code == ELOOP {
                result.problems.append(DiscoveryProblem(path: display, reason: "symbolic link loop", isEvidenceMissed: false))
            } else if code == ENOENT, lstat(path, &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFLNK {
                result.problems.append(DiscoveryProblem(path: display, reason: "dangling symbolic link", isEvidenceMissed: false))
            } else {
                result.problems.append(DiscoveryProblem(path: display, reason: String(cString: strerror(code))))
            }
            return
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFREG {
            let key = "\(info.st_dev):\(info.st_ino)"
            // The same file reached twice (a link, or a path given twice) is scanned once.
            if seen.insert(key).inserted {
                result.files.append(EvidenceFile(displayPath: display, filesystemPath: path))
                // An archive (told by content) is followed by its members.
                if expanding { ArchiveListing.expand(&result.files, index: result.files.count - 1, passwords: passwords) }
            }
            return
        }
        guard kind == S_IFDIR else {
            result.problems.append(DiscoveryProblem(path: display, reason: "not a regular file or directory (skipped)", isEvidenceMissed: false))
            return
        }
        let identity = DeviceInode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if ancestors.contains(identity) {
            result.problems.append(DiscoveryProblem(path: display, reason: "symbolic link loop (directory already being walked)", isEvidenceMissed: false))
            return
        }
        guard let directory = opendir(path) else {
            result.problems.append(DiscoveryProblem(path: display, reason: String(cString: strerror(errno))))
            return
        }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[0..<length])
            }
            if name == [0x2e] || name == [0x2e, 0x2e] { continue }
            names.append(name)
        }
        closedir(directory)
        names.sort { $0.lexicographicallyPrecedes($1) }
        let separator = path.hasSuffix("/") ? "" : "/"
        let displaySeparator = display.hasSuffix("/") ? "" : "/"
        for name in names {
            let text = String(decoding: name, as: UTF8.self)
            walk(path + separator + text, display: display + displaySeparator + text, ancestors: ancestors + [identity], passwords: passwords, expanding: expanding, into: &result, seen: &seen)
        }
    }

    private struct DeviceInode: Hashable {
        var device: UInt64
        var inode: UInt64
    }
}
