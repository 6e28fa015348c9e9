import ExposureReport
import Foundation
import Testing

/// `ReportJSONWriter` writes findings and sessions without `JSONEncoder`: its bytes must be the
/// encoder's, on every escape, every optional present or absent, empty containers and keys that sort
/// differently by bytes than by letters. (`AssembledReportTests` hold whole reports of the samples equal.)
@Suite("The findings and sessions JSON writer")
struct ReportJSONWriterTests {
    static func encoded<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        Array(try ScanReport.makeJSONEncoder().encode(value))
    }

    /// Every byte below 0x20, the escaped ones, slashes, DEL, UTF-8 of two to four bytes.
    static let awkward = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self) + "\"quoted\" back\\slash /path/ \u{7F} café ✓ 🦀 \u{2028}"

    static func location(_ text: String?, optionals: Bool) -> EvidenceLocation {
        EvidenceLocation(path: "/var/log/auth.log.2.gz", line: 12_345, offset: Int64.max, text: text, bytes: optionals ? "AAEC/w==" : nil,
                         isTruncated: optionals ? true : nil, isRedacted: optionals ? false : nil)
    }

    static func finding(optionals: Bool) -> Finding {
        var finding = Finding(
            rule: FindingRule(id: "r-1", name: optionals ? "name" : nil, title: Self.awkward, level: "high", tags: optionals ? ["attack.t1110", "a/b"] : [],
                              author: optionals ? "Ann" : nil, license: optionals ? "DRL-1.1" : nil, source: optionals ? "https://example.org/x" : nil),
            fields: optionals ? ["user": "root", "User": "x", "src_ip": "203.0.113.9", "src": "y", "a_b": "1", "aB": "2", "é": "3", "z9": "4", "z10": Self.awkward] : [:],
            time: FindingTime(text: "Mar  3 10:00:00", utc: optionals ? "2025-03-03T10:00:00Z" : nil, yearSource: optionals ? "rotation-order" : nil,
                              zoneSource: optionals ? "assumed-utc" : nil, isAmbiguous: optionals ? true : nil, confidence: "medium"),
            evidence: optionals ? [location(Self.awkward, optionals: true), location(nil, optionals: false)] : [],
            isFromDamagedData: optionals ? false : nil)
        finding.id = "0123456789abcdef"
        return finding
    }

    static func session(optionals: Bool) -> LoginSession {
        let evidence = location("Accepted password for root", optionals: optionals)
        var session = LoginSession(
            id: "web01:sshd-4242", host: "web01", user: Self.awkward, source: optionals ? "203.0.113.9" : nil, sourcePort: optionals ? "52144" : nil,
            authMethod: optionals ? "password" : nil, keyFingerprint: optionals ? "SHA256:abc/def+g" : nil, logindSession: optionals ? "17" : nil,
            start: optionals ? "2025-03-03T10:00:00Z" : nil, end: optionals ? "2025-03-03T11:00:00Z" : nil, durationSeconds: optionals ? -3600 : nil,
            isMalicious: optionals,
            commands: optionals ? [SessionCommand(time: "2025-03-03T10:01:00Z", via: "sudo", runAs: "root", command: "tar czf /tmp/x.tgz /srv", isDenied: false, evidence: evidence),
                                  SessionCommand(time: nil, via: "bash", runAs: nil, command: Self.awkward, isDenied: true, evidence: evidence)] : [],
            commandsTotal: optionals ? 2 : 0,
            files: optionals ? [SessionFile(time: "2025-03-03T10:02:00Z", operation: "read", path: "/srv/db.sql", newPath: nil, bytesRead: 1 << 40, bytesWritten: nil, evidence: evidence),
                               SessionFile(time: nil, operation: "rename", path: "/a", newPath: "/b", bytesRead: nil, bytesWritten: 0, evidence: evidence)] : [],
            bytesRead: optionals ? 1 << 40 : 0, bytesWritten: Int64.min, evidence: optionals ? [evidence, evidence] : [])
        session.filesTotal = optionals ? 2 : 0
        return session
    }

    @Test("findings: the encoder's bytes, with and without the optionals, empty and one-element arrays")
    func findings() throws {
        let all = [Self.finding(optionals: true), Self.finding(optionals: false)]
        for values in [all, [], [all[0]], [all[1]]] {
            let written = ReportJSONWriter.encode(values)
            let expected = try Self.encoded(values)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self))\n---\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test("sessions, their commands and files: the encoder's bytes")
    func sessions() throws {
        let all = [Self.session(optionals: true), Self.session(optionals: false)]
        for values in [all, [], [all[1]]] {
            let written = ReportJSONWriter.encode(values)
            let expected = try Self.encoded(values)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self))\n---\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test("every byte value in a string, one at a time: the encoder's escape")
    func everyByte() throws {
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) {
            var finding = Self.finding(optionals: false)
            finding.id = "a\(Character(scalar))b"
            #expect(ReportJSONWriter.encode([finding]) == (try Self.encoded([finding])), "U+\(String(scalar.value, radix: 16))")
        }
    }

    /// The writer names each stored property once: one added to a type must be added to its writer (and
    /// to this count).
    @Test("each written type has the stored properties the writer knows")
    func propertyCounts() {
        let counts: [(String, Int, Int)] = [
            ("Finding", Mirror(reflecting: Self.finding(optionals: true)).children.count, 6),
            ("FindingRule", Mirror(reflecting: Self.finding(optionals: true).rule).children.count, 8),
            ("FindingTime", Mirror(reflecting: Self.finding(optionals: true).time!).children.count, 6),
            ("EvidenceLocation", Mirror(reflecting: Self.location(nil, optionals: true)).children.count, 7),
            ("LoginSession", Mirror(reflecting: Self.session(optionals: true)).children.count, 19),
            ("SessionCommand", Mirror(reflecting: Self.session(optionals: true).commands[0]).children.count, 6),
            ("SessionFile", Mirror(reflecting: Self.session(optionals: true).files[0]).children.count, 7),
        ]
        for (name, count, known) in counts { #expect(count == known, "\(name) has \(count) stored properties; ReportJSONWriter writes \(known)") }
    }
}
