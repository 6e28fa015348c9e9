import Foundation

/// glibc `struct utmp` records built byte by byte (x86-64 layout, 384 bytes), so the tests pin the
/// layout independently of the reader's own offsets.
struct UtmpBytes {
    var type: Int16
    var pid: Int32 = 0
    var line: [UInt8] = []
    var id: [UInt8] = []
    var user: [UInt8] = []
    var host: [UInt8] = []
    var termination: Int16 = 0
    var exit: Int16 = 0
    var session: Int32 = 0
    var seconds: Int32 = 0
    var microseconds: Int32 = 0
    /// `ut_addr_v6` as 16 bytes in network order (IPv4 in the first 4).
    var address: [UInt8] = Array(repeating: 0, count: 16)

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out += le(UInt16(bitPattern: type)) + [0, 0]
        out += le(UInt32(bitPattern: pid))
        out += field(line, 32) + field(id, 4) + field(user, 32) + field(host, 256)
        out += le(UInt16(bitPattern: termination)) + le(UInt16(bitPattern: exit))
        out += le(UInt32(bitPattern: session))
        out += le(UInt32(bitPattern: seconds)) + le(UInt32(bitPattern: microseconds))
        out += address
        out += Array(repeating: 0, count: 20)
        precondition(out.count == 384)
        return out
    }
}

/// One `struct lastlog` (292 bytes).
struct LastlogBytes {
    var seconds: Int32
    var line: [UInt8]
    var host: [UInt8]

    var bytes: [UInt8] {
        let out = le(UInt32(bitPattern: seconds)) + field(line, 32) + field(host, 256)
        precondition(out.count == 292)
        return out
    }

    /// A lastlog file: `records[uid]` where given, zeros elsewhere, up to `count` UIDs.
    static func file(count: Int, records: [Int: LastlogBytes]) -> [UInt8] {
        var out: [UInt8] = []
        for uid in 0..<count { out += records[uid]?.bytes ?? Array(repeating: 0, count: 292) }
        return out
    }
}

func le(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
func le(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }

/// A C string field: the bytes, NUL-padded to `size` (a full field has no NUL, as strncpy leaves it).
func field(_ bytes: [UInt8], _ size: Int) -> [UInt8] {
    precondition(bytes.count <= size)
    return bytes + Array(repeating: 0, count: size - bytes.count)
}

func text(_ string: String) -> [UInt8] { Array(string.utf8) }

/// The login-record story the tests share: 2025-03-07, svc-backup logs in over SSH from 203.0.113.77
/// and out again; failed attempts in btmp, one from IPv6, one with a non-UTF-8 user name, one with a
/// user name that tries to forge a `src_ip=` field.
enum LoginStory {
    /// 2025-03-07T10:31:07Z
    static let loginTime: Int32 = 1_741_343_467

    static let boot = UtmpBytes(type: 2, line: text("~"), id: text("~~"), user: text("reboot"), host: text("6.1.0-18-amd64"),
                                seconds: 1_741_330_000, microseconds: 5)
    static let login = UtmpBytes(type: 7, pid: 327_050, line: text("pts/2"), id: text("ts/2"), user: text("svc-backup"),
                                 host: text("203.0.113.77"), seconds: loginTime, microseconds: 123_456, address: [203, 0, 113, 77] + Array(repeating: 0, count: 12))
    static let logout = UtmpBytes(type: 8, pid: 327_050, line: text("pts/2"), id: text("ts/2"), seconds: loginTime + 245)
    /// A record with no time at all (some tools leave it zero).
    static let zeroTime = UtmpBytes(type: 5, pid: 1, line: text("tty1"), id: text("tty1"))

    static var wtmp: [UInt8] { boot.bytes + login.bytes + logout.bytes + zeroTime.bytes }

    /// 2001:db8::7
    static let ipv6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [7]
    static let failedIPv6 = UtmpBytes(type: 6, pid: 401_000, line: text("ssh:notty"), user: text("admin"), host: text("2001:db8::7"),
                                      seconds: loginTime - 60, address: ipv6)
    static let failedNonUTF8 = UtmpBytes(type: 6, pid: 401_010, line: text("ssh:notty"), user: [0xff, 0xfe] + text("adm"),
                                         host: text("198.51.100.23"), seconds: loginTime - 30, address: [198, 51, 100, 23] + Array(repeating: 0, count: 12))
    static let failedForging = UtmpBytes(type: 6, pid: 401_020, line: text("ssh:notty"), user: text("x src_ip=10.0.0.1"),
                                         host: text("198.51.100.23"), seconds: loginTime - 20, address: [198, 51, 100, 23] + Array(repeating: 0, count: 12))

    static var btmp: [UInt8] { failedIPv6.bytes + failedNonUTF8.bytes + failedForging.bytes }

    static var lastlog: [UInt8] {
        LastlogBytes.file(count: 1002, records: [
            0: LastlogBytes(seconds: 1_741_300_000, line: text("tty1"), host: []),
            1001: LastlogBytes(seconds: loginTime, line: text("pts/2"), host: text("203.0.113.77")),
        ])
    }
}

/// A private temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-binary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }
}

/// The committed journal fixtures (see Fixtures/make-journal-fixture.sh).
enum JournalFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let journalPath = folder.appendingPathComponent("system.journal").path
    static let journalctlJSONPath = folder.appendingPathComponent("system.journal.json").path

    static func bytes() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: journalPath))) }
}
