import RecordParsing
import Testing

/// The header of `line`, with each field read back as text (nil when absent).
private struct ParsedLine {
    var format: SyslogHeader.Format
    var timestamp: String?
    var host: String?
    var program: String?
    var pid: String?
    var message: String
    var header: SyslogHeader

    init(_ line: [UInt8]) {
        header = line.withUnsafeBufferPointer { SyslogHeader.parse($0) }
        func text(_ range: Range<Int>?) -> String? { range.map { String(decoding: line[$0], as: UTF8.self) } }
        format = header.format
        timestamp = text(header.timestamp)
        host = text(header.host)
        program = text(header.program)
        pid = text(header.pid)
        message = text(header.message) ?? ""
    }

    init(_ line: String) { self.init(Array(line.utf8)) }
}

@Suite("SyslogHeader")
struct SyslogHeaderTests {
    @Test("RFC 3164 with a space-padded day")
    func rfc3164SpacePaddedDay() {
        // rsyslog's default file format on Debian before 12: `Mar  7` with two spaces.
        let line = ParsedLine("Mar  7 10:00:21 web01 sshd[2101]: Failed password for root from 203.0.113.9 port 40022 ssh2")
        #expect(line.format == .rfc3164)
        #expect(line.timestamp == "Mar  7 10:00:21")
        #expect(line.host == "web01")
        #expect(line.program == "sshd")
        #expect(line.pid == "2101")
        #expect(line.message == "Failed password for root from 203.0.113.9 port 40022 ssh2")
        #expect(line.header.timestamp == 0..<15)
        #expect(line.header.message.lowerBound == 34)
    }

    @Test("RFC 3164 with a zero-padded day")
    func rfc3164ZeroPaddedDay() {
        // Some relays (and syslog-ng templates) write `Mar 07`.
        let line = ParsedLine("Mar 07 10:00:21 web01 sshd[2101]: Accepted publickey for deploy from 192.0.2.4 port 50022 ssh2: ED25519 SHA256:abc")
        #expect(line.format == .rfc3164)
        #expect(line.timestamp == "Mar 07 10:00:21")
        #expect(line.program == "sshd")
        #expect(line.message == "Accepted publickey for deploy from 192.0.2.4 port 50022 ssh2: ED25519 SHA256:abc")
    }

    @Test("every month name is recognised", arguments: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    func months(month: String) {
        // A table typo would make one month of logs header-less.
        let line = ParsedLine("\(month) 28 23:59:59 web01 CRON[3001]: (root) CMD (true)")
        #expect(line.format == .rfc3164)
        #expect(line.program == "CRON")
    }

    @Test("fractional seconds after an RFC 3164 stamp belong to the stamp")
    func rfc3164Fraction() {
        // rsyslog's `RSYSLOG_TraditionalFileFormat` with sub-second precision.
        let line = ParsedLine("Mar  7 10:00:21.123 web01 sshd[2101]: Connection closed")
        #expect(line.timestamp == "Mar  7 10:00:21.123")
        #expect(line.host == "web01")
    }

    @Test("OpenSSH 9.8's sshd-session tag")
    func sshdSession() {
        // The dash is part of the program name; rules scope on `sshd-session`.
        let line = ParsedLine("Mar  7 10:00:21 web01 sshd-session[123]: Connection closed by authenticating user root 203.0.113.9 port 40022 [preauth]")
        #expect(line.program == "sshd-session")
        #expect(line.pid == "123")
        #expect(line.message == "Connection closed by authenticating user root 203.0.113.9 port 40022 [preauth]")
    }

    @Test("a tag with a slash (postfix/smtpd) is one program")
    func slashInTag() {
        // Postfix names its daemons `postfix/smtpd`; splitting at `/` would lose the service.
        let line = ParsedLine("Mar  7 10:00:21 mail01 postfix/smtpd[4412]: warning: unknown[203.0.113.8]: SASL LOGIN authentication failed: UGFzc3dvcmQ6")
        #expect(line.program == "postfix/smtpd")
        #expect(line.pid == "4412")
        #expect(line.message == "warning: unknown[203.0.113.8]: SASL LOGIN authentication failed: UGFzc3dvcmQ6")
    }

    @Test("a kernel line has a program and no pid")
    func kernelWithoutPid() {
        // `kernel:` carries no `[pid]`; the bracketed uptime belongs to the message.
        let line = ParsedLine("Mar  7 10:00:21 web01 kernel: [12345.678901] audit: type=1400 audit(1741341621.123:42): apparmor=\"DENIED\"")
        #expect(line.program == "kernel")
        #expect(line.pid == nil)
        #expect(line.header.pid == nil)
        #expect(line.message == "[12345.678901] audit: type=1400 audit(1741341621.123:42): apparmor=\"DENIED\"")
    }

    @Test("sudo's message keeps the padding spaces before the user")
    func sudoLeadingSpaces() {
        // sudo pads the user with spaces after `sudo:`; only the one space after the colon is dropped.
        let line = ParsedLine("Mar  7 10:00:21 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash")
        #expect(line.program == "sudo")
        #expect(line.pid == nil)
        #expect(line.message == "  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash")
    }

    @Test("a tag without a space after the colon")
    func noSpaceAfterColon() {
        // Some daemons write `prog:msg`; the message starts right after the colon.
        let line = ParsedLine("Mar  7 10:00:21 web01 dhclient:DHCPACK of 192.0.2.50 from 192.0.2.1")
        #expect(line.program == "dhclient")
        #expect(line.message == "DHCPACK of 192.0.2.50 from 192.0.2.1")
    }

    @Test("text after the host with no `tag:` is all message, with no program")
    func noTag() {
        // rsyslog's `-- MARK --` lines: a program would be invented from `--`.
        let line = ParsedLine("Mar  7 10:20:00 web01 -- MARK --")
        #expect(line.format == .rfc3164)
        #expect(line.host == "web01")
        #expect(line.program == nil)
        #expect(line.message == "-- MARK --")
    }

    @Test("rsyslog high-precision (RFC 3339) stamps")
    func rfc3339() {
        // Debian 12's default: microseconds and a numeric offset.
        let line = ParsedLine("2025-03-07T10:00:21.123456+00:00 web01 sshd[1]: msg")
        #expect(line.format == .rfc3339)
        #expect(line.timestamp == "2025-03-07T10:00:21.123456+00:00")
        #expect(line.host == "web01")
        #expect(line.program == "sshd")
        #expect(line.pid == "1")
        #expect(line.message == "msg")
    }

    @Test("RFC 3339 stamps with Z, a negative offset, or no fraction", arguments: [
        "2025-03-07T10:00:21Z", "2025-03-07T10:00:21.5-05:00", "2025-03-07T10:00:21+01:00",
    ])
    func rfc3339Variants(stamp: String) {
        // journald exports and other relays vary the zone and precision.
        let line = ParsedLine("\(stamp) db01 postgres[900]: LOG:  connection received")
        #expect(line.format == .rfc3339)
        #expect(line.timestamp == stamp)
        #expect(line.host == "db01")
        #expect(line.program == "postgres")
        #expect(line.message == "LOG:  connection received")
    }

    @Test("RFC 5424 without structured data")
    func rfc5424() {
        // `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`, the dashes being nil values.
        let line = ParsedLine("<34>1 2025-03-07T10:00:21.003Z web01 sshd 2101 - - Failed password for root from 203.0.113.9 port 40022 ssh2")
        #expect(line.format == .rfc5424)
        #expect(line.timestamp == "2025-03-07T10:00:21.003Z")
        #expect(line.host == "web01")
        #expect(line.program == "sshd")
        #expect(line.pid == "2101")
        #expect(line.message == "Failed password for root from 203.0.113.9 port 40022 ssh2")
    }

    @Test("RFC 5424 with structured data (quoted `]` included) and a BOM before MSG")
    func rfc5424StructuredDataAndBOM() {
        // RFC 5424 §6.5's example SD, plus `\]` escaped inside a value; the BOM is not message text.
        let sd = "[exampleSDID@32473 iut=\"3\" eventSource=\"App\" eventID=\"1011\"][origin x=\"a\\]b\"]"
        let line = ParsedLine(Array("<165>1 2025-03-07T10:00:21.003Z web01 evntslog - ID47 \(sd) ".utf8) + [0xEF, 0xBB, 0xBF] + Array("An application event".utf8))
        #expect(line.format == .rfc5424)
        #expect(line.program == "evntslog")
        #expect(line.pid == nil)
        #expect(line.message == "An application event")
    }

    @Test("RFC 5424 with all nil header values")
    func rfc5424NilValues() {
        // Every optional header field as `-`: absent, not the text "-".
        let line = ParsedLine("<13>1 - - - - - - message only")
        #expect(line.format == .rfc5424)
        #expect(line.timestamp == nil)
        #expect(line.host == nil)
        #expect(line.program == nil)
        #expect(line.pid == nil)
        #expect(line.message == "message only")
    }

    @Test("an unrecognised line has only a message: the whole line")
    func unrecognised() {
        // An nginx access log line: no syslog header, so rules can still match `raw`/`message`.
        let text = "192.0.2.7 - - [07/Mar/2025:10:00:21 +0000] \"GET /wp-login.php HTTP/1.1\" 404 153"
        let line = ParsedLine(text)
        #expect(line.format == .unrecognised)
        #expect(line.header == SyslogHeader(message: 0..<text.utf8.count))
        #expect(line.timestamp == nil && line.host == nil && line.program == nil && line.pid == nil)
        #expect(line.message == text)
    }

    @Test("an empty line is unrecognised with an empty message")
    func emptyLine() {
        // Blank lines are common in hand-edited logs; parsing must not read past the end.
        let line = ParsedLine([UInt8]())
        #expect(line.format == .unrecognised)
        #expect(line.header.message == 0..<0)
    }

    @Test("a line cut right after the stamp and host has an empty message")
    func truncatedAfterHost() {
        // syslog length limits cut lines anywhere; the host is kept, the message is present but empty.
        let line = ParsedLine("Mar  7 10:00:21 web01")
        #expect(line.format == .rfc3164)
        #expect(line.host == "web01")
        #expect(line.program == nil)
        #expect(line.message == "")
        #expect(line.header.message == 21..<21)
    }

    @Test("a line cut inside `[pid]` keeps the tag text in the message and no program")
    func truncatedInsidePid() {
        // `sshd[21` with no `]:`: a half tag is not a program.
        let line = ParsedLine("Mar  7 10:00:21 web01 sshd[21")
        #expect(line.format == .rfc3164)
        #expect(line.host == "web01")
        #expect(line.program == nil)
        #expect(line.pid == nil)
        #expect(line.message == "sshd[21")
    }

    @Test("a line cut inside the stamp is unrecognised", arguments: ["Mar  7 10:0", "Mar  7 10:00:21", "2025-03-07T10:00", "<34>1 2025"])
    func truncatedStamp(text: String) {
        // Too short to hold a whole stamp: the parser must not read past the end, nor guess.
        let line = ParsedLine(text)
        #expect(line.format == .unrecognised)
        #expect(line.message == text)
    }

    @Test("a stamp-shaped start with a bad character is not a header", arguments: ["Mrz  7 10:00:21 web01 sshd[1]: x", "Mar  7 10-00-21 web01 sshd[1]: x", "Mar 7 1:00:21 web01 sshd[1]: msg"])
    func nearMisses(text: String) {
        // A German month, dashes for colons, a one-digit hour: not RFC 3164.
        let line = ParsedLine(text)
        #expect(line.format == .unrecognised)
        #expect(line.message == text)
    }

    @Test("an unpadded day, a missing host and a bracketed tag are still syslog (fail2ban's sshd samples)")
    func looseHeaders() {
        // `Feb 7` without padding; no host before `sshd[8148]:`; `[sshd]` with and without a colon.
        let unpadded = ParsedLine("Feb 7 16:01:07 linux-m899 sshd[5106]: User root from 192.51.100.54 not allowed")
        #expect(unpadded.format == .rfc3164)
        #expect(unpadded.host == "linux-m899")
        #expect(unpadded.program == "sshd")
        let hostless = ParsedLine("Nov 23 21:50:37 sshd[8148]: Connection closed by 61.0.0.1 [preauth]")
        #expect(hostless.host == nil)
        #expect(hostless.program == "sshd")
        #expect(hostless.pid == "8148")
        #expect(hostless.message == "Connection closed by 61.0.0.1 [preauth]")
        for text in ["Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed", "Jun 25 23:53:34 [sshd] User root from 1.2.3.4 not allowed"] {
            let bracketed = ParsedLine(text)
            #expect(bracketed.program == "sshd")
            #expect(bracketed.host == nil)
            #expect(bracketed.message.hasPrefix("User root from"))
        }
    }

    @Test("range(of:) maps fields; raw is the whole line")
    func rangeOfField() {
        // The evaluator reads every field through this one function.
        let text = "Mar  7 10:00:21 web01 sshd[2101]: Connection closed"
        let header = ParsedLine(text).header
        let length = text.utf8.count
        #expect(header.range(of: .raw, lineLength: length) == 0..<length)
        #expect(header.range(of: .timestamp, lineLength: length) == header.timestamp)
        #expect(header.range(of: .host, lineLength: length) == 16..<21)
        #expect(header.range(of: .program, lineLength: length) == 22..<26)
        #expect(header.range(of: .pid, lineLength: length) == 27..<31)
        #expect(header.range(of: .message, lineLength: length) == 34..<length)
    }

    @Test("invalid UTF-8 in the message is kept byte for byte")
    func invalidUTF8InMessage() {
        // A Latin-1 user name: the header parser works on bytes and must not stop at 0xff.
        let bytes = Array("Mar  7 10:00:21 web01 sshd[2101]: Invalid user ".utf8) + [0xff, 0xfe, 0x50, 0x34] + Array(" from 1.2.3.4".utf8)
        let header = bytes.withUnsafeBufferPointer { SyslogHeader.parse($0) }
        #expect(header.format == .rfc3164)
        #expect(Array(bytes[header.message]) == Array("Invalid user ".utf8) + [0xff, 0xfe, 0x50, 0x34] + Array(" from 1.2.3.4".utf8))
    }
}
