import BinaryLogs
import EvidenceInput
import Foundation
import LineChunking
import RecordParsing
import Testing

/// Every chunk of a reader, and the error it ended with.
struct ReadResult {
    var chunks: [Chunk] = []
    var error: InputError?

    /// (line number, source offset, text) of every line, in order.
    var lines: [(number: Int, offset: Int64, text: String)] {
        var out: [(Int, Int64, String)] = []
        for chunk in chunks {
            chunk.forEachLine { line, index, position in
                out.append((chunk.firstLineNumber + index, chunk.evidenceOffset(ofLine: index, at: position), String(decoding: line, as: UTF8.self)))
            }
        }
        return out
    }
}

func readAll(_ reader: any BinaryRecordReader) -> ReadResult {
    var result = ReadResult()
    do throws(InputError) {
        while let chunk = try reader.nextChunk() { result.chunks.append(chunk) }
    } catch {
        result.error = error
    }
    // After the end (or the error), the reader stays at its end.
    do throws(InputError) { #expect(try reader.nextChunk() == nil) } catch { Issue.record("a second error: \(error)") }
    return result
}

@Suite("Login records: detection")
struct LoginRecordDetectionTests {
    @Test("wtmp, btmp and lastlog are told by content, whatever their names")
    func detectsByContent() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("evidence-a.bin", LoginStory.wtmp)) == .utmp)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("auth.log", LoginStory.btmp)) == .utmp)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("wtmp.txt", LoginStory.lastlog)) == .lastlog)
        #expect(BinaryLogFormat.detect(fileAt: JournalFixture.journalPath) == .journal)
    }

    @Test("text of exactly 384 or 292 bytes per 'record', gzip, an empty file and zeros are not binary logs")
    func rejectsEverythingElse() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Syslog text whose size is a multiple of both record sizes (28,032 = lcm(384, 292)).
        let line = "Mar  7 10:31:07 web01 sshd[327050]: Accepted password for svc-backup from 203.0.113.77 port 50022 ssh2\n"
        var syslog = String(repeating: line, count: 28_032 / line.utf8.count + 1)
        syslog = String(syslog.utf8.prefix(28_032))!
        #expect(syslog.utf8.count == 28_032)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("wtmp", Array(syslog.utf8))) == nil)
        // Text that starts with a plausible lastlog time ("Mar " is 1987 read as int32).
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("lastlog", Array(String(repeating: "Mar  7 x", count: 73).utf8))) == nil)
        // gzip data (1f 8b 08 …) padded to 384 bytes.
        let gzip: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + Array(repeating: 0x41, count: 374)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("btmp.1.gz", gzip)) == nil)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("btmp", [])) == nil)
        // All zeros: a multiple of both sizes, but no used record of either kind.
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("zeros", Array(repeating: 0, count: 28_032))) == nil)
        // A wtmp cut mid-record is not a whole number of records (read as text, see BinaryLogFormat).
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("wtmp.cut", Array(LoginStory.wtmp.dropLast(100)))) == nil)
        // A record type above 9.
        var badType = LoginStory.login
        badType.type = 10
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("wtmp.bad", badType.bytes)) == nil)
        #expect(BinaryLogFormat.detect(fileAt: folder.url.appendingPathComponent("missing").path) == nil)
    }

    @Test("the program name is only a hint from the file name")
    func programHint() {
        #expect(LoginRecordReader.programHint(forDisplayPath: "var/log/wtmp") == "wtmp")
        #expect(LoginRecordReader.programHint(forDisplayPath: "var/log/wtmp.1") == "wtmp")
        #expect(LoginRecordReader.programHint(forDisplayPath: "/x/btmp-20250301") == "btmp")
        #expect(LoginRecordReader.programHint(forDisplayPath: "var/run/utmp") == "utmp")
        #expect(LoginRecordReader.programHint(forDisplayPath: "evidence/logins.bin") == "utmp")
        #expect(LoginRecordReader.programHint(forDisplayPath: "wtmp/evidence.bin") == "utmp")
    }
}

@Suite("Login records: rendering and locations")
struct LoginRecordReaderTests {
    @Test("wtmp records render as RFC 5424 lines: a boot, a login, a logout, a record with a zero time")
    func rendersWtmp() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("var/log/wtmp", LoginStory.wtmp)
        let result = readAll(try LoginRecordReader(path: path, displayPath: "var/log/wtmp", layout: .utmp))
        #expect(result.error == nil)
        #expect(result.lines.map(\.text) == [
            "<38>1 2025-03-07T06:46:40.000005Z - wtmp - - - type=BOOT_TIME user=reboot tty=~ src_host=6.1.0-18-amd64 session=0 id=~~",
            "<38>1 2025-03-07T10:31:07.123456Z - wtmp 327050 - - type=USER_PROCESS user=svc-backup tty=pts/2 src_host=203.0.113.77 src_ip=203.0.113.77 session=0 id=ts/2",
            "<38>1 2025-03-07T10:35:12Z - wtmp 327050 - - type=DEAD_PROCESS tty=pts/2 session=0 id=ts/2",
            "<38>1 - - wtmp 1 - - type=INIT_PROCESS tty=tty1 session=0 id=tty1",
        ])
    }

    @Test("line n is record n at offset 384 × (n − 1), across chunks")
    func recordNumbersAndOffsets() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("wtmp", LoginStory.wtmp + LoginStory.wtmp + LoginStory.wtmp)
        let result = readAll(try LoginRecordReader(path: path, displayPath: "wtmp", layout: .utmp, recordsPerChunk: 5))
        #expect(result.chunks.map(\.index) == [0, 1, 2])
        #expect(result.chunks.map(\.firstLineNumber) == [1, 6, 11])
        #expect(result.chunks.map(\.startOffset) == [0, 5 * 384, 10 * 384])
        #expect(result.lines.map(\.number) == Array(1...12))
        #expect(result.lines.map(\.offset) == (0..<12).map { Int64($0 * 384) })
        #expect(result.chunks.allSatisfy { $0.lineSourceOffsets?.count == $0.bytes.filter { $0 == 0x0a }.count })
    }

    @Test("btmp: IPv6 sources, a non-UTF-8 user written \\xNN, and a user name that cannot forge a field")
    func rendersBtmp() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("log/btmp.1", LoginStory.btmp)
        let result = readAll(try LoginRecordReader(path: path, displayPath: "log/btmp.1", layout: .utmp))
        #expect(result.lines.map(\.text) == [
            "<38>1 2025-03-07T10:30:07Z - btmp 401000 - - type=LOGIN_PROCESS user=admin tty=ssh:notty src_host=2001:db8::7 src_ip=2001:db8::7 session=0",
            "<38>1 2025-03-07T10:30:37Z - btmp 401010 - - type=LOGIN_PROCESS user=\\xFF\\xFEadm tty=ssh:notty src_host=198.51.100.23 src_ip=198.51.100.23 session=0",
            "<38>1 2025-03-07T10:30:47Z - btmp 401020 - - type=LOGIN_PROCESS user=\"x src_ip\\x3D10.0.0.1\" tty=ssh:notty src_host=198.51.100.23 src_ip=198.51.100.23 session=0",
        ])
    }

    @Test("lastlog: used UIDs only, offset 292 × uid, user unknown")
    func rendersLastlog() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("var/log/lastlog", LoginStory.lastlog)
        let reader = try LoginRecordReader(path: path, displayPath: "var/log/lastlog", layout: .lastlog, recordsPerChunk: 1)
        let result = readAll(reader)
        #expect(result.error == nil)
        #expect(reader.recordsRead == 2)
        #expect(result.lines.map(\.number) == [1, 2])
        #expect(result.lines.map(\.offset) == [0, 292 * 1001])
        #expect(result.lines.map(\.text) == [
            "<38>1 2025-03-06T22:26:40Z - lastlog - - - type=LASTLOG uid=0 user=? tty=tty1",
            "<38>1 2025-03-07T10:31:07Z - lastlog - - - type=LASTLOG uid=1001 user=? tty=pts/2 src_host=203.0.113.77",
        ])
    }

    @Test("bytes after the last whole record are reported, the records before are kept")
    func trailingPartialRecord() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("wtmp", LoginStory.wtmp + Array(LoginStory.login.bytes.prefix(100)))
        let result = readAll(try LoginRecordReader(path: path, displayPath: "wtmp", layout: .utmp))
        #expect(result.lines.count == 4)
        #expect(result.error == .damagedRecords(path: "wtmp", reason: "the last 100 bytes are not a whole 384-byte record (not read)", recordsRead: 4))
    }

    @Test("a line over the limit is cut and ends its chunk, as text lines are")
    func overlongLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("wtmp", LoginStory.wtmp)
        let reader = try LoginRecordReader(path: path, displayPath: "wtmp", layout: .utmp, maximumLineBytes: 100)
        let result = readAll(reader)
        // The boot (119 bytes) and login (155 bytes) lines are over 100; the logout and the last are not.
        #expect(reader.truncatedLines == 2)
        let cut = result.chunks.filter { $0.truncatedLine != nil }
        #expect(cut.map(\.truncatedLine) == [119, 155])
        #expect(cut.allSatisfy { $0.bytes.count == 101 && $0.lineSourceOffsets?.count == 1 })
        #expect(result.lines.map(\.offset) == [0, 384, 768, 1152])
    }
}

@Suite("Login records: fields")
struct LoginRecordFieldTests {
    /// The value of `field` in a rendered line, as rules see it.
    func value(_ field: String, in line: String) -> [UInt8]? {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let record = LogRecord.read(buffer)
            let resolver = FieldResolver()
            return resolver.value(of: FieldName(field), in: record, line: buffer).map { resolver.bytes(of: $0, line: buffer) }
        }
    }

    @Test("rendered lines are RFC 5424 records of the loginRecords family")
    func recordShape() {
        let line = Array("<38>1 2025-03-07T10:31:07.123456Z - wtmp 327050 - - type=USER_PROCESS user=svc-backup tty=pts/2 session=0".utf8)
        line.withUnsafeBufferPointer { buffer in
            let record = LogRecord.read(buffer)
            #expect(record.format == .syslogRFC5424)
            #expect(record.family == .loginRecords)
            #expect(record.header.host == nil)
            #expect(RecordTime.instant(of: record, line: buffer) == .exact(nanosecondsSinceEpoch: 1_741_343_467_123_456_000))
        }
        for program in ["btmp", "utmp", "lastlog"] {
            let other = Array("<38>1 - - \(program) - - - type=LASTLOG".utf8)
            other.withUnsafeBufferPointer { #expect(LogRecord.read($0).family == .loginRecords) }
        }
    }

    @Test("fields by key, escapes decoded to the stored bytes, no forged keys")
    func fields() {
        let login = "<38>1 2025-03-07T10:31:07.123456Z - wtmp 327050 - - type=USER_PROCESS user=svc-backup tty=pts/2 src_host=203.0.113.77 src_ip=203.0.113.77 session=0 id=ts/2"
        #expect(value("type", in: login) == text("USER_PROCESS"))
        #expect(value("user", in: login) == text("svc-backup"))
        #expect(value("tty", in: login) == text("pts/2"))
        #expect(value("src_ip", in: login) == text("203.0.113.77"))
        #expect(value("session", in: login) == text("0"))
        #expect(value("id", in: login) == text("ts/2"))
        #expect(value("uid", in: login) == nil)
        #expect(value("program", in: login) == text("wtmp"))
        let nonUTF8 = "<38>1 2025-03-07T10:30:37Z - btmp 401010 - - type=LOGIN_PROCESS user=\\xFF\\xFEadm tty=ssh:notty"
        #expect(value("user", in: nonUTF8) == [0xff, 0xfe] + text("adm"))
        let forging = "<38>1 2025-03-07T10:30:47Z - btmp 401020 - - type=LOGIN_PROCESS user=\"x src_ip\\x3D10.0.0.1\" tty=ssh:notty src_ip=198.51.100.23 session=0"
        #expect(value("user", in: forging) == text("x src_ip=10.0.0.1"))
        #expect(value("src_ip", in: forging) == text("198.51.100.23"))
        let lastlog = "<38>1 2025-03-07T10:31:07Z - lastlog - - - type=LASTLOG uid=1001 user=? tty=pts/2 src_host=203.0.113.77"
        #expect(value("uid", in: lastlog) == text("1001"))
        #expect(value("user", in: lastlog) == text("?"))
        #expect(value("src_host", in: lastlog) == text("203.0.113.77"))
    }
}
