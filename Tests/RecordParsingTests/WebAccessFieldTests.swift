import RecordParsing
import Testing

@Suite("web access log fields")
struct WebAccessFieldTests {
    @Test("combined format: every field, the stamp as an exact instant")
    func combined() {
        let line = FieldsProbe(#"203.0.113.9 - alice [10/Oct/2000:13:55:36 -0700] "GET /reports/q3.xlsx?dl=1&v=2 HTTP/1.1" 200 2326 "http://example.com/start.html" "Mozilla/5.0 (X11; Linux x86_64)""#)
        #expect(line.format == .webAccess)
        #expect(line["client"] == "203.0.113.9")
        #expect(line["ident"] == "-")
        #expect(line["auth_user"] == "alice")
        #expect(line["timestamp"] == "10/Oct/2000:13:55:36 -0700")
        #expect(line["message"] == "GET /reports/q3.xlsx?dl=1&v=2 HTTP/1.1")
        #expect(line["request"] == "GET /reports/q3.xlsx?dl=1&v=2 HTTP/1.1")
        #expect(line["method"] == "GET")
        #expect(line["path"] == "/reports/q3.xlsx?dl=1&v=2")
        #expect(line["protocol"] == "HTTP/1.1")
        #expect(line["status"] == "200")
        #expect(line["bytes"] == "2326")
        #expect(line["referer"] == "http://example.com/start.html")
        #expect(line["user_agent"] == "Mozilla/5.0 (X11; Linux x86_64)")
        #expect(line["host"] == nil)
        #expect(line["program"] == nil)
        #expect(line["pid"] == nil)
        #expect(line["vhost"] == nil)
        #expect(line.epochNanoseconds == 971_211_336_000_000_000)
    }

    @Test("common format with `-` bytes: bytes absent, no referer or agent")
    func commonDashBytes() {
        let line = FieldsProbe(#"192.0.2.10 - - [07/Mar/2024:10:00:21 +0000] "HEAD / HTTP/1.0" 304 -"#)
        #expect(line.format == .webAccess)
        #expect(line["bytes"] == nil)
        #expect(line["status"] == "304")
        #expect(line["auth_user"] == "-")
        #expect(line["referer"] == nil)
        #expect(line["user_agent"] == nil)
        #expect(line["method"] == "HEAD")
        #expect(line.epochNanoseconds == 1_709_805_621_000_000_000)
    }

    @Test("escaped quotes inside the request and the agent do not end the field")
    func escapedQuotes() {
        let line = FieldsProbe(#"198.51.100.7 - - [01/Jan/2024:00:00:01 +0100] "GET /search?q=\"x\" HTTP/1.1" 404 153 "-" "curl \"evil\" 1.0""#)
        #expect(line.format == .webAccess)
        #expect(line["path"] == #"/search?q=\"x\""#)
        #expect(line["user_agent"] == #"curl \"evil\" 1.0"#)
        #expect(line["referer"] == "-")
        #expect(line["status"] == "404")
    }

    @Test("IPv6 client, and a vhost_combined leading host:port")
    func ipv6AndVhost() {
        let ipv6 = FieldsProbe(#"2001:db8::1 - bob [15/Feb/2025:08:30:00 +0000] "POST /login HTTP/2.0" 302 0 "https://example.com/" "Firefox""#)
        #expect(ipv6.format == .webAccess)
        #expect(ipv6["client"] == "2001:db8::1")
        #expect(ipv6["auth_user"] == "bob")
        #expect(ipv6["bytes"] == "0")
        let vhost = FieldsProbe(#"www.example.com:443 192.0.2.1 - - [15/Feb/2025:08:30:00 +0000] "GET /robots.txt HTTP/1.1" 200 68 "-" "bot/1.0""#)
        #expect(vhost.format == .webAccess)
        #expect(vhost["vhost"] == "www.example.com:443")
        #expect(vhost["client"] == "192.0.2.1")
        #expect(vhost["path"] == "/robots.txt")
    }

    @Test("junk requests: no method, path or protocol; HTTP/0.9 has no protocol")
    func junkRequests() {
        let junk = FieldsProbe(#"192.0.2.77 - - [15/Feb/2025:08:30:00 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 166 "-" "-""#)
        #expect(junk.format == .webAccess)
        #expect(junk["method"] == nil)
        #expect(junk["path"] == nil)
        #expect(junk["message"] == #"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"#)
        let dash = FieldsProbe(#"192.0.2.77 - - [15/Feb/2025:08:30:00 +0000] "-" 408 0 "-" "-""#)
        #expect(dash["request"] == "-")
        #expect(dash["method"] == nil)
        let old = FieldsProbe(#"192.0.2.77 - - [15/Feb/2025:08:30:00 +0000] "GET /" 200 10"#)
        #expect(old["method"] == "GET")
        #expect(old["path"] == "/")
        #expect(old["protocol"] == nil)
    }

    @Test("lines without the access-log shape are not web lines", arguments: [
        "192.0.2.1 - - [15/Feb/2025:08:30:00 +0000] \"GET / HTTP/1.1\" 2000 10",
        "192.0.2.1 - - [15/Feb/2025 08:30:00] \"GET / HTTP/1.1\" 200 10",
        "192.0.2.1 - - [15/Feb/2025:08:30:00 +0000] \"GET / HTTP/1.1 200 10",
        "a b c d e [15/Feb/2025:08:30:00 +0000] \"GET / HTTP/1.1\" 200 10",
        "[Sat Feb 15 08:30:00.123456 2025] [core:error] [pid 42] [client 192.0.2.1:5000] AH00126: Invalid URI in request",
        "192.0.2.1 - - [15/Feb/2025:08:30:00 +0000] \"GET / HTTP/1.1\" 200 12x",
    ])
    func notWeb(text: String) {
        let line = FieldsProbe(text)
        #expect(line.format != .webAccess)
        #expect(line["client"] == nil)
    }
}
