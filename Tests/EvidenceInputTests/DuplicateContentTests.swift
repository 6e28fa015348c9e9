@testable import EvidenceInput
import Foundation
import Testing
import ZlibCodec

@Suite("Repeated content")
struct DuplicateContentTests {
    @Test("a plain file, its gzip and a copy are one content: the first is read, the others point at it; same size but other bytes is no copy")
    func copies() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = Array("Mar  7 00:10:00 web01 sshd[1]: Accepted password for a from 192.0.2.1 port 22 ssh2\n".utf8)
        var other = text
        other[other.count - 2] = UInt8(ascii: "3")
        try folder.write("var/log/auth.log.1", text)
        try folder.write("var/log/auth.log.1.gz", try GzipEncoder().member(of: text))
        try folder.write("var/log/other.log", other)
        try folder.write("backup/auth.log.1", text)
        let files = EvidenceDiscovery.discover([folder.path]).files
        let names = files.map { String($0.displayPath.dropFirst(folder.path.count + 1)) }
        #expect(names == ["backup/auth.log.1", "var/log/auth.log.1", "var/log/auth.log.1.gz", "var/log/other.log"])
        let copies = DuplicateContent.find(in: files)
        #expect(copies.keys.sorted() == [1, 2])
        #expect(copies[1]?.original == 0 && copies[2]?.original == 0)
        #expect(copies[2]?.compression == .gzip)
        #expect(copies[2]?.decompressedBytes == Int64(text.count))
        #expect(copies[1]?.contentSHA256 == copies[2]?.contentSHA256)
        #expect(copies[1]?.storedSHA256 != copies[2]?.storedSHA256)
    }

    @Test("a damaged gzip whose trailer announces the same size is never called a copy")
    func damagedIsNoCopy() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = Array(String(repeating: "Mar  7 00:10:00 web01 CRON[2]: pam_unix(cron:session): session opened for user root\n", count: 50).utf8)
        var gzip = try GzipEncoder().member(of: text)
        gzip[gzip.count - 8] ^= 0xff   // bad CRC, ISIZE intact
        try folder.write("a.log", text)
        try folder.write("b.log.gz", gzip)
        #expect(DuplicateContent.find(in: EvidenceDiscovery.discover([folder.path]).files).isEmpty)
    }
}
