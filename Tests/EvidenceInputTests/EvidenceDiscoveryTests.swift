import EvidenceInput
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("EvidenceDiscovery")
struct EvidenceDiscoveryTests {
    @Test("folders are walked recursively in byte-wise name order")
    func byteWiseOrder() throws {
        // `A` < `a` < `b` byte-wise (a locale sort would put `a` first); `a/b` < `a/z` inside `a`.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("b", Array("b\n".utf8))
        try folder.write("a/z", Array("z\n".utf8))
        try folder.write("a/b", Array("b\n".utf8))
        try folder.write("A", Array("A\n".utf8))
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.problems.isEmpty)
        #expect(result.files.map(\.displayPath) == ["A", "a/b", "a/z", "b"].map { folder.path + "/" + $0 })
        #expect(result.files.map(\.filesystemPath) == result.files.map(\.displayPath))
    }

    @Test("a folder given with a trailing slash gives paths with one slash")
    func trailingSlash() throws {
        // `spoor scan /var/log/` is how people type it; `//` in the report would look like another path.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("auth.log", Array("x\n".utf8))
        let result = EvidenceDiscovery.discover([folder.path + "/"])
        #expect(result.files.map(\.displayPath) == [folder.path + "/auth.log"])
    }

    @Test("a file given directly is taken as given, and `-` is standard input")
    func filesAndStandardInput() throws {
        // Explicit paths keep the order the investigator gave; `-` has no filesystem path.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("secure", Array("x\n".utf8))
        let result = EvidenceDiscovery.discover([path, "-"])
        #expect(result.files == [EvidenceFile(displayPath: path, filesystemPath: path), .standardInput])
        #expect(EvidenceFile.standardInput.filesystemPath == nil)
    }

    @Test("a symbolic link loop is reported once and no file is listed twice")
    func symbolicLinkLoop() throws {
        // `d/loop -> ..` points back at the root being walked: following it would recurse forever.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("auth.log", Array("x\n".utf8))
        try folder.write("d/syslog", Array("y\n".utf8))
        try folder.link("d/loop", to: "..")
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.files.map(\.displayPath) == [folder.path + "/auth.log", folder.path + "/d/syslog"])
        #expect(result.problems.count == 1)
        let problem = try #require(result.problems.first)
        #expect(problem.path == folder.path + "/d/loop")
        #expect(problem.reason.contains("loop"))
    }

    @Test("a link to a file is followed, and the file is scanned once")
    func linkToFileScannedOnce() throws {
        // `auth.log.0 -> auth.log` (seen on some hosts): the same inode must not be scanned twice.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("auth.log", Array("x\n".utf8))
        try folder.link("auth.log.0", to: "auth.log")
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.problems.isEmpty)
        #expect(result.files.map(\.displayPath) == [folder.path + "/auth.log"])
    }

    @Test("a path given twice is scanned once")
    func duplicatePath() throws {
        // A folder and a file inside it, as a shell glob might pass them.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("messages", Array("x\n".utf8))
        let result = EvidenceDiscovery.discover([folder.path, path])
        #expect(result.files.count == 1)
    }

    @Test("a dangling symbolic link is reported as such")
    func danglingLink() throws {
        // Logs rotated away under a link that still points at the old name.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("kern.log", Array("x\n".utf8))
        try folder.link("auth.log", to: "auth.log.gone")
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.files.map(\.displayPath) == [folder.path + "/kern.log"])
        #expect(result.problems == [DiscoveryProblem(path: folder.path + "/auth.log", reason: "dangling symbolic link", isEvidenceMissed: false)])
    }

    @Test("a link to itself is reported as a symbolic link loop")
    func selfLink() throws {
        // `ln -s self self`: stat fails with ELOOP, which is not a dangling link.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.link("self", to: "self")
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.files.isEmpty)
        #expect(result.problems == [DiscoveryProblem(path: folder.path + "/self", reason: "symbolic link loop", isEvidenceMissed: false)])
    }

    @Test("a missing path is a problem, not a crash")
    func missingPath() throws {
        // A typo on the command line: the reason is the system's words for ENOENT.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = folder.path + "/no-such.log"
        let result = EvidenceDiscovery.discover([missing])
        #expect(result.files.isEmpty)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.path == missing)
        #expect(result.problems.first?.reason.isEmpty == false)
    }

    @Test("a FIFO is reported and skipped without being opened")
    func fifoSkipped() throws {
        // Opening a FIFO would block the scan forever; only stat may touch it.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("auth.log", Array("x\n".utf8))
        let fifo = folder.path + "/xconsole"
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.files.map(\.displayPath) == [folder.path + "/auth.log"])
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.path == fifo)
        #expect(result.problems.first?.reason.contains("not a regular file") == true)
    }

    @Test("an empty folder gives no files and no problems")
    func emptyFolder() throws {
        // An empty /var/log/journal is not an error.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.makeFolder("journal")
        let result = EvidenceDiscovery.discover([folder.path])
        #expect(result.files.isEmpty)
        #expect(result.problems.isEmpty)
    }
}
