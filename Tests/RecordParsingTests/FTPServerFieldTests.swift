import RecordParsing
import Testing

@Suite("FTP server own-log formats (vsftpd, ProFTPD)")
struct FTPServerFieldTests {
    @Test("vsftpd: ctime stamp with year, pid, bracketed user, client address")
    func vsftpdFailLogin() {
        let line = FieldsProbe(#"Fri Jan 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client "198.51.100.46""#)
        #expect(line.format == .vsftpdLog)
        #expect(line.family == .other)
        #expect(line["timestamp"] == "Fri Jan 19 12:20:33 2007")
        #expect(line["pid"] == "27202")
        #expect(line["host"] == nil)
        #expect(line["program"] == nil)  // vsftpd names no program; the format says whose log it is
        #expect(line["message"] == #"[anonymous] FAIL LOGIN: Client "198.51.100.46""#)
        #expect(line["user"] == "anonymous")
        #expect(line["src_ip"] == "198.51.100.46")
        #expect(line["src_host"] == nil)
        #expect(line.instant == .local(CivilTime(year: 2007, month: 1, day: 19, hour: 12, minute: 20, second: 33)))
    }

    @Test("vsftpd: space-padded day, v4-mapped client gives the IPv4 part, trailing reason")
    func vsftpdMapped() {
        let line = FieldsProbe(#"Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: Client "::ffff:192.0.2.1", "User is not in the allow user list.""#)
        #expect(line.format == .vsftpdLog)
        #expect(line["timestamp"] == "Thu Sep  8 00:39:49 2016")
        #expect(line["user"] == "guest")
        #expect(line["src_ip"] == "192.0.2.1")
        #expect(line.instant == .local(CivilTime(year: 2016, month: 9, day: 8, hour: 0, minute: 39, second: 49)))
    }

    @Test("vsftpd: unpadded day, no user (CONNECT), IPv6 client, FTP response")
    func vsftpdShapes() {
        let connect = FieldsProbe(#"Mon Jun 8 12:08:44 2020 [pid 27245] CONNECT: Client "2001:db8::5""#)
        #expect(connect.format == .vsftpdLog)
        #expect(connect["user"] == nil)
        #expect(connect["src_ip"] == "2001:db8::5")
        #expect(connect["message"] == #"CONNECT: Client "2001:db8::5""#)
        #expect(connect.instant == .local(CivilTime(year: 2020, month: 6, day: 8, hour: 12, minute: 8, second: 44)))
        let response = FieldsProbe(#"Mon Apr 12 15:19:22 2021 [pid 15685] [www-data] FTP response: Client "203.0.113.4", "530 Permission denied.""#)
        #expect(response.format == .vsftpdLog)
        #expect(response["user"] == "www-data")
        #expect(response["src_ip"] == "203.0.113.4")
        let hostname = FieldsProbe(#"Mon Apr 12 15:19:22 2021 [pid 15685] [ftp] OK LOGIN: Client "not-an-address""#)
        #expect(hostname.format == .vsftpdLog)
        #expect(hostname["src_ip"] == nil)
    }

    @Test("not vsftpd: bad month, missing year or pid stay unrecognised")
    func vsftpdRejects() {
        #expect(FieldsProbe(#"Fri Jab 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client "198.51.100.46""#).format == .unrecognised)
        #expect(FieldsProbe(#"Fri Jan 19 12:20:33 [pid 27202] [anonymous] FAIL LOGIN: Client "198.51.100.46""#).format == .unrecognised)
        #expect(FieldsProbe(#"Fri Jan 19 12:20:33 2007 [anonymous] FAIL LOGIN: Client "198.51.100.46" x"#).format == .unrecognised)
        #expect(FieldsProbe(#"Fri Jan 19 12:20:33 2007 [pid ] [anonymous] FAIL LOGIN: Client "198.51.100.46""#).format == .unrecognised)
    }

    @Test("ProFTPD: stamp with milliseconds, host, tag without colon, remote host and address, user")
    func proftpdNoSuchUser() {
        let line = FieldsProbe("2013-11-16 21:59:30,121 novo proftpd[25891] localhost (andy[192.0.2.4]): USER kjsad: no such user found from andy [192.0.2.5] to ::ffff:198.51.100.14:21")
        #expect(line.format == .proftpdLog)
        #expect(line.family == .other)
        #expect(line["timestamp"] == "2013-11-16 21:59:30,121")
        #expect(line["host"] == "novo")
        #expect(line["program"] == "proftpd")
        #expect(line["pid"] == "25891")
        #expect(line["message"] == "localhost (andy[192.0.2.4]): USER kjsad: no such user found from andy [192.0.2.5] to ::ffff:198.51.100.14:21")
        #expect(line["src_host"] == "andy")
        #expect(line["src_ip"] == "192.0.2.4")
        #expect(line["user"] == "kjsad")
        #expect(line.instant == .local(CivilTime(year: 2013, month: 11, day: 16, hour: 21, minute: 59, second: 30, nanosecond: 121_000_000)))
    }

    @Test("ProFTPD: login failed, IPv6 remote, mapped remote, security violation, other text")
    func proftpdShapes() {
        let failed = FieldsProbe("2021-05-28 18:08:34,399 mantis proftpd[498819] mantis (192.0.2.142[192.0.2.142]): USER seb (Login failed): Incorrect password")
        #expect(failed.format == .proftpdLog)
        #expect(failed["user"] == "seb")
        #expect(failed["src_ip"] == "192.0.2.142")
        #expect(failed["src_host"] == "192.0.2.142")
        let v6 = FieldsProbe("2023-09-05 19:07:03,851 server03 proftpd[127258] localhost (2001:db8:e186:16e1::b173[2001:db8:e186:16e1::b173]): USER ftp1 (Login failed): No such user found")
        #expect(v6.format == .proftpdLog)
        #expect(v6["src_ip"] == "2001:db8:e186:16e1::b173")
        #expect(v6["src_host"] == "2001:db8:e186:16e1::b173")
        #expect(v6["user"] == "ftp1")
        let mapped = FieldsProbe("2005-06-13 22:07:23,000 platypus proftpd[15719] platypus (mail.example.net[::ffff:203.0.113.100]): SECURITY VIOLATION: Root login attempted.")
        #expect(mapped["src_ip"] == "203.0.113.100")
        #expect(mapped["src_host"] == "mail.example.net")
        #expect(mapped["user"] == "Root")
        let maxed = FieldsProbe("2005-05-31 10:53:25,500 mail proftpd[15302] ftp.example.org (::ffff:198.51.100.4[::ffff:198.51.100.4]) - Maximum login attempts (3) exceeded")
        #expect(maxed.format == .proftpdLog)
        #expect(maxed["src_ip"] == "198.51.100.4")
        #expect(maxed["user"] == nil)
    }

    @Test("not ProFTPD: bad stamp, no pid, no remote part")
    func proftpdRejects() {
        #expect(FieldsProbe("2013-11-16 21:59:30.121 novo proftpd[25891] localhost (andy[192.0.2.4]): USER kjsad: x").format != .proftpdLog)
        #expect(FieldsProbe("2013-11-16 21:59:30,121 novo proftpd localhost (andy[192.0.2.4]): USER kjsad: x").format == .unrecognised)
        #expect(FieldsProbe("2013-11-16 21:59:30,12x novo proftpd[25891] localhost (andy[192.0.2.4]): USER kjsad: x").format == .unrecognised)
        let bare = FieldsProbe("2013-11-16 21:59:30,121 novo proftpd[25891] localhost started")
        #expect(bare.format == .proftpdLog)
        #expect(bare["src_ip"] == nil)
        #expect(bare["src_host"] == nil)
        #expect(bare["user"] == nil)
    }

    @Test("format indexes stay consistent with allCases; unrecognised keeps its position")
    func formatIndexes() {
        for (offset, format) in RecordFormat.allCases.enumerated() { #expect(format.index == offset) }
        #expect(RecordFormat.unrecognised.index == 6)
        #expect(RecordFormat.vsftpdLog.rawValue == "vsftpd-log")
        #expect(RecordFormat.proftpdLog.rawValue == "proftpd-log")
        #expect(!RecordFormat.vsftpdLog.isSyslog && !RecordFormat.proftpdLog.isSyslog)
    }

    @Test("truncations of the sample lines never trap")
    func truncations() {
        let samples = [
            #"Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: Client "::ffff:192.0.2.1", "x""#,
            "2013-11-16 21:59:30,121 novo proftpd[25891] localhost (andy[192.0.2.4]): USER kjsad: no such user",
        ]
        for sample in samples {
            let bytes = Array(sample.utf8)
            for length in 0...bytes.count {
                let probe = FieldsProbe(bytes: Array(bytes[0..<length]))
                for name in ["user", "src_ip", "src_host", "timestamp", "pid", "program", "message"] { _ = probe[name] }
                _ = probe.instant
            }
        }
    }
}
