import RecordParsing
import Testing

/// The field parsers read hostile bytes: cut lines, flipped bytes and noise must never trap (an
/// out-of-bounds read is a trap in Swift) and must not invent the format of a line.
@Suite("field parser robustness")
struct FieldRobustnessTests {
    static let seeds: [String] = [
        "type=USER_LOGIN msg=audit(1373330717.000:4068): user pid=12000 uid=0 auid=4294967295 msg='op=login acct=28756E6B6E6F776E207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=ssh res=failed'\u{1d}UID=\"root\" AUID=\"unset\"",
        "type=EXECVE msg=audit(1696431282.553:8282): argc=3 a0=\"ssh\" a1=2D6C61 a2=73736820726F6F74403139322E302E322E35",
        "type=PROCTITLE msg=audit(1696431282.553:8282): proctitle=2F7573722F62696E2F7375002D2D68656C70",
        #"{"__REALTIME_TIMESTAMP":"1700000000123456","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"sshd","_PID":"2101","MESSAGE":"Failed password for root from 203.0.113.5 port 22 ssh2 \u00e9\ud83d\ude00","X":[[1,2],{"a":"]"}],"B":[70,97]}"#,
        #"{"MESSAGE":[73,110,118,97,108,105,100,32,117,115,101,114,32,255,32,102,114,111,109,32,49,46,50,46,51,46,52],"SYSLOG_IDENTIFIER":"sshd"}"#,
        #"2001:db8::1 - bob [15/Feb/2025:08:30:00 +0000] "GET /a\"b?c HTTP/1.1" 200 12 "-" "agent \"x\"""#,
        "Feb 25 14:34:10 belka sshd[31603]: Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 2001:db8::1:1 port 58946 ssh2",
        "Jul 17 23:04:01 srv sshd-session[1300]: Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]",
        "Mar  7 10:00:21 web01 sshd[2101]: Accepted publickey for deploy from 192.0.2.4 port 50022 ssh2: ED25519 SHA256:0tZ1pQ6sW0m8dJ9s",
        "Mar  7 10:00:25 web01 sshd[2101]: message repeated 3 times: [ Failed password for root from 203.0.113.5 port 22 ssh2]",
        "Mar  7 10:05:00 web01 sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/a b ; USER=root ; COMMAND=/bin/sh -c 'x ; USER=y'",
        "Jul 19 18:11:52 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152",
        "Mar  7 10:00:21 web01 sshd[2101]: pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)",
        "Mar  7 10:01:02 web01 sftp-server[2200]: rename old \"/srv/a\" new \"/srv/b\"",
        "Mar  7 10:01:09 web01 sftp-server[2200]: close \"/srv/x\" bytes read 1048576 written 0",
        "Mar  7 10:07:05 web01 su[3002]: FAILED SU (to root) mallory on pts/3",
        "Mar  7 11:00:00 web01 useradd[5001]: new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0",
        "Mar  7 10:17:01 web01 CRON[7001]: (root) CMD (run-parts /etc/cron.hourly)",
        "Mar  7 10:00:22 web01 systemd-logind[612]: New session 12 of user alice.",
        "Mar  7 10:40:00 web01 kernel: [50028442.088484] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.5 PROTO=TCP SPT=51234 DPT=22",
    ]

    static let names: [FieldName] = [
        "raw", "timestamp", "host", "program", "pid", "message", "user", "src_ip", "src_port", "src_host", "auth_method",
        "key_type", "key_fingerprint", "target_user", "tty", "command", "cwd", "rhost", "ruser", "logname", "uid", "by_user",
        "by_uid", "pam_service", "pam_type", "pam_module", "file_path", "new_path", "flags", "mode", "bytes_read",
        "bytes_written", "SUDO_USER", "COMMAND", "USER", "PWD", "TTY", "session_id", "group", "gid", "home", "shell",
        "from", "SRC", "DPT", "action", "dst_ip", "dst_port", "type", "acct", "audit_time", "audit_serial", "msg",
        "proctitle", "a1", "UID", "MESSAGE", "X", "B", "_PID", "client", "ident", "auth_user", "method", "path",
        "protocol", "status", "bytes", "referer", "user_agent", "vhost", "request", "", "=", "a",
    ].map(FieldName.init)

    /// Reads every field of `line`; returns how many were present.
    @discardableResult
    static func readAll(_ line: [UInt8], _ resolver: FieldResolver) -> Int {
        line.withUnsafeBufferPointer { buffer in
            let record = LogRecord.read(buffer)
            resolver.reset()
            var present = 0
            for name in names {
                guard let value = resolver.value(of: name, in: record, line: buffer) else { continue }
                present += 1
                // Every range must lie inside its buffer.
                switch value {
                case .inLine(let range): #expect(range.lowerBound >= 0 && range.upperBound <= buffer.count)
                case .decoded(let range): #expect(range.lowerBound >= 0 && range.upperBound <= resolver.decoded.count)
                }
            }
            _ = RecordTime.instant(of: record, line: buffer)
            return present
        }
    }

    @Test("every prefix of every seed line reads without trapping")
    func prefixes() {
        let resolver = FieldResolver()
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            #expect(Self.readAll(bytes, resolver) > 3, "\(seed)")
            for length in 0..<bytes.count { Self.readAll(Array(bytes[..<length]), resolver) }
        }
    }

    @Test("byte flips and noise read without trapping")
    func mutations() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let interesting: [UInt8] = Array("\"'\\[]{}(),:;= \u{1d}0fF#-".utf8) + [0x00, 0xff, 0x0a]
        let resolver = FieldResolver()
        for seed in Self.seeds {
            let original = Array(seed.utf8)
            for _ in 0..<300 {
                var bytes = original
                for _ in 0...(next() % 4) {
                    let position = Int(next() % UInt64(bytes.count))
                    bytes[position] = next() % 2 == 0 ? interesting[Int(next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: next())
                }
                Self.readAll(bytes, resolver)
            }
        }
        for _ in 0..<2000 {
            let length = Int(next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(next() % 3 == 0 ? interesting[Int(next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: next()))
            }
            Self.readAll(bytes, resolver)
        }
    }

    @Test("one resolver, many records: decoded values of one record do not leak into the next")
    func resolverReuse() {
        let resolver = FieldResolver()
        let hex = Array(Self.seeds[0].utf8)
        let plain = Array("type=USER_LOGIN msg=audit(1373330716.415:4063): pid=1 uid=0 msg='op=login acct=\"root\" res=failed'".utf8)
        for _ in 0..<3 {
            for line in [hex, plain] {
                line.withUnsafeBufferPointer { buffer in
                    resolver.reset()
                    let record = LogRecord.read(buffer)
                    let value = resolver.value(of: FieldName("acct"), in: record, line: buffer)
                    let text = value.map { String(decoding: resolver.bytes(of: $0, line: buffer), as: UTF8.self) }
                    #expect(text == (line == hex ? "(unknown user)" : "root"))
                }
            }
        }
    }
}
