import RecordParsing
import Testing

@Suite("journalctl -o json fields")
struct JournalJSONFieldTests {
    static let sshdEntry = #"{"__CURSOR":"s=0123;i=1a2","__REALTIME_TIMESTAMP":"1700000000123456","__MONOTONIC_TIMESTAMP":"5120000","_BOOT_ID":"b1","PRIORITY":"6","_UID":"0","_GID":"0","_COMM":"sshd-session","_EXE":"/usr/lib/openssh/sshd-session","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"sshd-session","_PID":"2101","SYSLOG_FACILITY":"10","_SYSTEMD_UNIT":"ssh.service","MESSAGE":"Failed password for invalid user admin from 2001:db8::7 port 50022 ssh2"}"#

    @Test("common fields and the sshd family through MESSAGE")
    func commonFields() {
        let line = FieldsProbe(Self.sshdEntry)
        #expect(line.format == .journalJSON)
        #expect(line["timestamp"] == "1700000000123456")
        #expect(line["host"] == "web01")
        #expect(line["program"] == "sshd-session")
        #expect(line["pid"] == "2101")
        #expect(line["message"] == "Failed password for invalid user admin from 2001:db8::7 port 50022 ssh2")
        #expect(line.family == .sshd)
        #expect(line["src_ip"] == "2001:db8::7")
        #expect(line["user"] == "admin")
        #expect(line["src_port"] == "50022")
        #expect(line.epochNanoseconds == 1_700_000_000_123_456_000)
    }

    @Test("any top-level key: strings, unquoted numbers, nulls, repeated fields")
    func topLevelKeys() {
        let line = FieldsProbe(#"{"__REALTIME_TIMESTAMP":"1700000000000001","PRIORITY":6,"_SYSTEMD_UNIT":"ssh.service","CODE_FILE":null,"TAG":["first","second"],"FLAG":true,"MESSAGE":"hello"}"#)
        #expect(line["_SYSTEMD_UNIT"] == "ssh.service")
        #expect(line["PRIORITY"] == "6")
        #expect(line["CODE_FILE"] == nil)
        #expect(line["TAG"] == "first")
        #expect(line["FLAG"] == "true")
        #expect(line["MISSING"] == nil)
        #expect(line.isInLine("_SYSTEMD_UNIT") == true)
        #expect(line["program"] == nil)
    }

    @Test("JSON escapes are decoded, surrogate pairs included; only escaped strings are copied")
    func escapes() {
        let line = FieldsProbe(#"{"__REALTIME_TIMESTAMP":"1700000000000002","SYSLOG_IDENTIFIER":"app","MESSAGE":"say \"hi\"\\\tdone\nnext caf\u00e9 \ud83d\ude00 \/x \u0041"}"#)
        #expect(line["message"] == "say \"hi\"\\\tdone\nnext café 😀 /x A")
        #expect(line.isInLine("message") == false)
        #expect(line.isInLine("SYSLOG_IDENTIFIER") == true)
        #expect(line["MESSAGE"] == line["message"])
    }

    @Test("a lone surrogate becomes U+FFFD and a bad escape is kept")
    func badEscapes() {
        let line = FieldsProbe(#"{"MESSAGE":"a\ud800b \q \u12"}"#)
        #expect(line.format == .journalJSON)
        #expect(line.bytes("message") == Array("a\u{FFFD}b \\q \\u12".utf8))
    }

    @Test("a non-UTF-8 MESSAGE written as a byte array is decoded to its bytes")
    func byteArrayMessage() {
        // "Invalid user \xff\xfeadmin from 192.0.2.44 port 4022"
        var expected = Array("Invalid user ".utf8) + [0xff, 0xfe] + Array("admin from 192.0.2.44 port 4022".utf8)
        let array = expected.map(String.init).joined(separator: ",")
        let line = FieldsProbe(#"{"__REALTIME_TIMESTAMP":"1700000000000003","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"sshd","_PID":"77","MESSAGE":["# + array + "]}")
        #expect(line.format == .journalJSON)
        #expect(line.bytes("message") == expected)
        // Family fields read the decoded message.
        #expect(line["src_ip"] == "192.0.2.44")
        #expect(line.bytes("user") == [0xff, 0xfe] + Array("admin".utf8))
        #expect(line["src_port"] == "4022")
        // A repeated non-UTF-8 field: the first value.
        expected = [0x61, 0xff]
        let repeated = FieldsProbe(#"{"MESSAGE":"m","X":[[97,255],[98]]}"#)
        #expect(repeated.bytes("X") == expected)
    }

    @Test("nested values are skipped whole; their keys are not top-level keys")
    func nested() {
        let line = FieldsProbe(#"{"A":{"MESSAGE":"inner","b":[1,{"c":"]}\"{"}]},"B":[["x"]],"__REALTIME_TIMESTAMP":"1700000000000004","MESSAGE":"outer"}"#)
        #expect(line.format == .journalJSON)
        #expect(line["message"] == "outer")
        #expect(line["A"] == #"{"MESSAGE":"inner","b":[1,{"c":"]}\"{"}]}"#)
        #expect(line["c"] == nil)
    }

    @Test("fallbacks: _COMM for program, SYSLOG_PID for pid; no MESSAGE is an absent message")
    func fallbacks() {
        let line = FieldsProbe(#"{"__REALTIME_TIMESTAMP":"1700000000000005","_COMM":"sudo","SYSLOG_PID":"31"}"#)
        #expect(line.format == .journalJSON)
        #expect(line["program"] == "sudo")
        #expect(line["pid"] == "31")
        #expect(line["message"] == nil)
        #expect(line.family == .sudo)
    }

    @Test("objects without journal keys, garbage and cut lines are not journal entries (and do not crash)",
          arguments: [#"{"foo":1,"bar":"baz"}"#, #"{"#, #"{"MESSAGE":"abc"#, #"{"MESSAGE" "x"}"#, #"{"MESSAGE":[1,2"#,
                      #"{"a":"\"#, #"{"MESSAGE":[[[[[[[[[[[[[[[[[[[[[[["#, "{\"MESSAGE\":\"\\u12", #"{,}"#, #"{"MESSAGE":"}"#])
    func notJournal(text: String) {
        let line = FieldsProbe(text)
        #expect(line.format != .journalJSON)
        _ = line["MESSAGE"]
        _ = line["message"]
    }

    @Test("a cut tail after MESSAGE still reads as an entry")
    func truncatedTail() {
        let line = FieldsProbe(#"{"__REALTIME_TIMESTAMP":"1700000000000006","MESSAGE":"Accepted publickey for deploy from 192.0.2.9 port 50100 ssh2: ED25519 SHA256:AbCdEf","SYSLOG_IDENTIFIER":"sshd","_PID":"5"#)
        #expect(line.format == .journalJSON)
        #expect(line["message"] == "Accepted publickey for deploy from 192.0.2.9 port 50100 ssh2: ED25519 SHA256:AbCdEf")
        #expect(line["program"] == "sshd")
    }
}
