import RecordParsing
import Testing

@Suite("auditd fields")
struct AuditFieldTests {
    // fail2ban selinux-ssh shape (sshd USER_LOGIN failure).
    static let userLogin = "type=USER_LOGIN msg=audit(1373330716.415:4063): user pid=11998 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=ssh res=failed'"

    @Test("header fields: type, audit_time, audit_serial, and the record's instant")
    func header() {
        let line = FieldsProbe(Self.userLogin)
        #expect(line.format == .auditd)
        #expect(line["type"] == "USER_LOGIN")
        #expect(line["audit_time"] == "1373330716.415")
        #expect(line["audit_serial"] == "4063")
        #expect(line["timestamp"] == "1373330716.415:4063")
        #expect(line.epochNanoseconds == 1_373_330_716_415_000_000)
    }

    @Test("inner msg='…' fields are fields, unquoted; msg is the inner text")
    func innerMessage() {
        let line = FieldsProbe(Self.userLogin)
        #expect(line["op"] == "login")
        #expect(line["acct"] == "root")
        #expect(line["exe"] == "/usr/sbin/sshd")
        #expect(line["hostname"] == "?")
        #expect(line["addr"] == "198.51.100.23")
        #expect(line["terminal"] == "ssh")
        #expect(line["res"] == "failed")
        #expect(line["uid"] == "0")
        #expect(line["msg"] == "op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=ssh res=failed")
        #expect(line["subj"] == "system_u:system_r:sshd_t:s0-s0:c0.c1023")
        #expect(line["grantors"] == nil)
        #expect(line["user"] == nil) // a bare word, not a key
    }

    @Test("hex-encoded acct is decoded: (unknown user)")
    func hexAccount() {
        let line = FieldsProbe("type=USER_LOGIN msg=audit(1373330717.000:4068): user pid=12000 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=login acct=28756E6B6E6F776E207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=ssh res=failed'")
        #expect(line["acct"] == "(unknown user)")
        #expect(line.isInLine("acct") == false)
        #expect(line.isInLine("exe") == true)
    }

    @Test("a multi-record event: SYSCALL, EXECVE with hex argv, PATH, PROCTITLE share a serial")
    func multiRecordEvent() {
        let records = [
            "type=SYSCALL msg=audit(1696431282.553:8282): arch=c000003e syscall=59 success=yes exit=0 a0=557ac7557210 a1=7ffdb0f8f510 a2=557ac7554e60 a3=0 items=3 ppid=192009 pid=192019 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=417 comm=\"ssh\" exe=\"/usr/bin/ssh\" key=(null)",
            "type=EXECVE msg=audit(1696431282.553:8282): argc=3 a0=\"ssh\" a1=2D6C61 a2=73736820726F6F74403139322E302E322E35",
            "type=PATH msg=audit(1696431282.553:8282): item=0 name=\"/usr/bin/ssh\" inode=19796169 dev=08:02 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0",
            "type=PROCTITLE msg=audit(1696431282.553:8282): proctitle=2F7573722F62696E2F7375002D2D68656C70",
        ].map(FieldsProbe.init)
        for record in records {
            #expect(record.format == .auditd)
            #expect(record["audit_serial"] == "8282")
            #expect(record["audit_time"] == "1696431282.553")
        }
        // SYSCALL registers are hex but not encoded strings: never decoded.
        #expect(records[0]["a1"] == "7ffdb0f8f510")
        #expect(records[0]["a0"] == "557ac7557210")
        #expect(records[0]["key"] == "(null)")
        #expect(records[0]["comm"] == "ssh")
        #expect(records[0]["syscall"] == "59")
        // EXECVE arguments: quoted as written, hex decoded.
        #expect(records[1]["a0"] == "ssh")
        #expect(records[1]["a1"] == "-la")
        #expect(records[1]["a2"] == "ssh root@192.0.2.5")
        #expect(records[1]["argc"] == "3")
        #expect(records[1]["a3"] == nil)
        #expect(records[2]["name"] == "/usr/bin/ssh")
        #expect(records[2]["mode"] == "0100755")
        // proctitle: NUL between arguments becomes a space.
        #expect(records[3]["proctitle"] == "/usr/bin/su --help")
    }

    @Test("ENRICHED fields after 0x1D are upper-case fields of their own")
    func enriched() {
        let line = FieldsProbe("type=SYSCALL msg=audit(1696431255.037:8272): arch=c000003e syscall=59 success=yes exit=0 items=3 ppid=192009 pid=192010 auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=417 comm=\"bash\" exe=\"/usr/bin/bash\" subj=unconfined key=\"susp_shell\"\u{1d}ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"alice\" EUID=\"alice\"")
        #expect(line["uid"] == "1000")
        #expect(line["UID"] == "alice")
        #expect(line["AUID"] == "alice")
        #expect(line["SYSCALL"] == "execve")
        #expect(line["syscall"] == "59")
        #expect(line["ARCH"] == "x86_64")
        #expect(line["key"] == "susp_shell")
        #expect(line["EUID"] == "alice")
    }

    @Test("USER_CMD: hex cmd inside the inner message, cwd quoted, ENRICHED after it")
    func userCommand() {
        let line = FieldsProbe("type=USER_CMD msg=audit(1700000000.120:77): pid=4242 uid=1000 auid=1000 ses=3 subj=unconfined msg='cwd=\"/home/alice\" cmd=7375646F202D69 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'\u{1d}UID=\"alice\" AUID=\"alice\"")
        #expect(line["cmd"] == "sudo -i")
        #expect(line["cwd"] == "/home/alice")
        #expect(line["res"] == "success")
        #expect(line["UID"] == "alice")
        #expect(line["terminal"] == "pts/0")
    }

    @Test("a quoted value holding key=value text is not a key (first real key wins)")
    func quotedInjection() {
        let line = FieldsProbe("type=USER_AUTH msg=audit(1700000001.000:78): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"x res=success uid=0\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.111 addr=192.0.2.111 terminal=ssh res=failed'")
        #expect(line["res"] == "failed")
        #expect(line["acct"] == "x res=success uid=0")
        #expect(line["op"] == "PAM:authentication")
        #expect(line["grantors"] == "?")
    }

    @Test("CONFIG_CHANGE old/new and saddr stay as written")
    func notEncoded() {
        let config = FieldsProbe("type=CONFIG_CHANGE msg=audit(1700000002.000:5): op=set audit_backlog_limit=8192 old=64 auid=0 ses=1 res=1")
        #expect(config["old"] == "64")
        #expect(config["audit_backlog_limit"] == "8192")
        let sockaddr = FieldsProbe("type=SOCKADDR msg=audit(1700000003.000:6): saddr=0200005C7F0000010000000000000000")
        #expect(sockaddr["saddr"] == "0200005C7F0000010000000000000000")
    }

    @Test("empty quoted value is present and empty; odd-length or non-hex unquoted values stay")
    func edges() {
        let line = FieldsProbe("type=EXECVE msg=audit(1700000004.000:9): argc=3 a0=\"echo\" a1=\"\" a2=ABC")
        #expect(line["a1"] == "")
        #expect(line["a2"] == "ABC")
        let truncated = FieldsProbe("type=USER_LOGIN msg=audit(1700000005.000:10): pid=1 uid=0 msg='op=login acct=\"ro")
        #expect(truncated["uid"] == "0")
        _ = truncated["acct"] // no crash on a cut line
        _ = truncated["msg"]
    }
}
