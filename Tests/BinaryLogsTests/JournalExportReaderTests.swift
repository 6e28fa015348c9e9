import BinaryLogs
import EvidenceInput
import Foundation
import LineChunking
import RecordParsing
import Testing

/// Builds `journalctl -o export` bytes: `KEY=value\n` for text, `KEY\n` + 64-bit LE length + bytes + `\n`
/// for binary values; an empty line after each entry.
enum ExportWriter {
    enum Value {
        case text(String)
        case binary([UInt8])
    }

    static func field(_ name: String, _ value: Value) -> [UInt8] {
        switch value {
        case .text(let text):
            return Array("\(name)=\(text)\n".utf8)
        case .binary(let bytes):
            var out = Array("\(name)\n".utf8)
            var length = UInt64(bytes.count)
            for _ in 0..<8 {
                out.append(UInt8(length & 0xff))
                length >>= 8
            }
            return out + bytes + [0x0a]
        }
    }

    /// The file, and the offset of each entry's first field.
    static func export(_ entries: [[(String, Value)]]) -> (bytes: [UInt8], offsets: [Int64]) {
        var bytes: [UInt8] = []
        var offsets: [Int64] = []
        for entry in entries {
            offsets.append(Int64(bytes.count))
            for (name, value) in entry { bytes += field(name, value) }
            bytes.append(0x0a)
        }
        return (bytes, offsets)
    }
}

@Suite("Journal export files")
struct JournalExportReaderTests {
    static let boot = "5d3a9f1c2b7e4c0d8e6f1a2b3c4d5e6f"
    static let binaryMessage: [UInt8] = Array("Bad line\n".utf8) + [0xff] + Array(" end".utf8)

    static func entry(_ number: Int, message: ExportWriter.Value, extra: [(String, ExportWriter.Value)] = []) -> [(String, ExportWriter.Value)] {
        [("__CURSOR", .text("s=61ac;i=\(number);b=\(boot);m=\(number);t=\(number);x=\(number)")),
         ("__REALTIME_TIMESTAMP", .text("174134345\(number)000000")),
         ("__MONOTONIC_TIMESTAMP", .text("100000000\(number)")),
         ("_BOOT_ID", .text(boot)),
         ("_HOSTNAME", .text("web01")),
         ("SYSLOG_IDENTIFIER", .text("sshd")),
         ("_PID", .text("32701\(number)")),
         ("MESSAGE", message)] + extra
    }

    static let story = ExportWriter.export([
        entry(1, message: .text("Invalid user admin from 198.51.100.23 port 40022")),
        entry(2, message: .text("Accepted password for svc-backup from 203.0.113.77 port 51234 ssh2"),
              extra: [("EVIDENCE_TAG", .text("first")), ("EVIDENCE_TAG", .text("second"))]),
        entry(3, message: .binary(binaryMessage)),
    ])

    static func expectedLine(_ number: Int, message: String, extra: String = "") -> String {
        #"{\#(extra)"MESSAGE":\#(message),"SYSLOG_IDENTIFIER":"sshd","_BOOT_ID":"\#(boot)","_HOSTNAME":"web01","_PID":"32701\#(number)","#
            + #""__CURSOR":"s=61ac;i=\#(number);b=\#(boot);m=\#(number);t=\#(number);x=\#(number)","__MONOTONIC_TIMESTAMP":"100000000\#(number)","__REALTIME_TIMESTAMP":"174134345\#(number)000000"}"#
    }

    @Test("each entry becomes one journalctl JSON line: keys sorted, first value of a repeated field, binary values as byte arrays")
    func rendersEntries() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("host.export", Self.story.bytes)
        let reader = try JournalExportReader(path: path, displayPath: "host.export", recordsPerChunk: 2)
        let result = readAll(reader)
        #expect(result.error == nil)
        #expect(reader.recordsRead == 3)
        #expect(result.chunks.map(\.firstLineNumber) == [1, 3])
        let bytes = Self.binaryMessage.map(String.init).joined(separator: ",")
        #expect(result.lines.map(\.text) == [
            Self.expectedLine(1, message: #""Invalid user admin from 198.51.100.23 port 40022""#),
            Self.expectedLine(2, message: #""Accepted password for svc-backup from 203.0.113.77 port 51234 ssh2""#, extra: #""EVIDENCE_TAG":"first","#),
            Self.expectedLine(3, message: "[\(bytes)]"),
        ])
        #expect(result.lines.map(\.number) == [1, 2, 3])
        #expect(result.lines.map(\.offset) == Self.story.offsets)
        #expect(Self.story.offsets[0] == 0 && Self.story.offsets[1] > 0)
        #expect(Array(Self.story.bytes[Int(Self.story.offsets[2])...].prefix(9)) == Array("__CURSOR=".utf8))
    }

    @Test("a rendered line reads as a journal record with its program, host and message")
    func recordsRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("evidence.bin", Self.story.bytes)
        let reader = try #require(try BinaryEvidence.reader(forFileAt: path, displayPath: "evidence.bin"))
        #expect(reader is JournalExportReader)
        let result = readAll(reader)
        let line = Array(result.lines[1].text.utf8)
        line.withUnsafeBufferPointer { line in
            let record = LogRecord.read(line)
            #expect(record.format == .journalJSON)
            #expect(record.family == .sshd)
            let resolver = FieldResolver()
            func field(_ name: String) -> String? {
                resolver.value(of: FieldName(name), in: record, line: line).map { String(decoding: resolver.bytes(of: $0, line: line), as: UTF8.self) }
            }
            #expect(field("host") == "web01")
            #expect(field("program") == "sshd")
            #expect(field("message") == "Accepted password for svc-backup from 203.0.113.77 port 51234 ssh2")
        }
    }

    @Test("a binary field cut short: the two entries before it, then damagedRecords")
    func truncatedBinaryField() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = Self.story.bytes
        // Cut inside entry 3's binary MESSAGE data, then inside its length.
        let messageStart = try #require(bytes.indices.first { Array(bytes[$0...].prefix(8)) == Array("MESSAGE\n".utf8) })
        for cut in [messageStart + 8 + 8 + 4, messageStart + 8 + 3] {
            let path = try folder.write("cut-\(cut).export", Array(bytes.prefix(cut)))
            #expect(BinaryLogFormat.detect(fileAt: path) == .journalExport)
            let result = readAll(try JournalExportReader(path: path, displayPath: "host.export"))
            #expect(result.lines.count == 2)
            #expect(result.lines.map(\.offset) == Array(Self.story.offsets.prefix(2)))
            guard case .damagedRecords(let shown, let reason, let recordsRead) = result.error else {
                Issue.record("expected damagedRecords, got \(String(describing: result.error))")
                continue
            }
            #expect(shown == "host.export" && recordsRead == 2)
            #expect(reason.contains("entry 3") && reason.contains("MESSAGE"))
        }
    }

    @Test("a length past the end, a line over the limit, a missing final empty line: damage after the entries before it")
    func otherDamage() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = ExportWriter.export([Self.entry(1, message: .text("one"))]).bytes
        var huge = ExportWriter.field("COREDUMP", .binary([1, 2, 3]))
        huge[9 + 7] = 0x7f
        let cases: [(String, [UInt8])] = [
            ("runs past the end", first + huge + ExportWriter.field("MESSAGE", .text("two")) + [0x0a]),
            ("longer than the line limit", first + ExportWriter.field("MESSAGE", .text(String(repeating: "x", count: 5000))) + [0x0a]),
            ("ends inside the entry", first + ExportWriter.field("MESSAGE", .text("two"))),
            ("ends inside a field line", first + Array("MESSAGE=tw".utf8)),
            ("not followed by a newline", first + Array(ExportWriter.field("DATA", .binary([1, 2])).dropLast()) + Array("X=y\n\n".utf8)),
        ]
        for (expected, bytes) in cases {
            let path = try folder.write("damaged.export", bytes)
            let result = readAll(try JournalExportReader(path: path, displayPath: "d.export", maximumLineBytes: 4096))
            #expect(result.lines.count == 1, "\(expected)")
            guard case .damagedRecords(_, let reason, let recordsRead) = result.error else {
                Issue.record("\(expected): expected damagedRecords, got \(String(describing: result.error))")
                continue
            }
            #expect(recordsRead == 1)
            #expect(reason.contains(expected), "\(reason)")
        }
    }

    @Test("a binary value over the line limit is kept up to the limit and its line cut")
    func longBinaryValue() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let big = [UInt8](repeating: 0, count: 200_000)
        let export = ExportWriter.export([Self.entry(1, message: .text("one"), extra: [("COREDUMP", .binary(big))]),
                                          Self.entry(2, message: .text("two"))])
        let path = try folder.write("core.export", export.bytes)
        let reader = try JournalExportReader(path: path, displayPath: "core.export", maximumLineBytes: 4096)
        let result = readAll(reader)
        #expect(result.error == nil)
        #expect(result.lines.count == 2 && reader.truncatedLines == 1)
        #expect(result.lines.map(\.offset) == export.offsets)
        #expect(result.lines[1].text == Self.expectedLine(2, message: #""two""#))
    }

    @Test("export files are told by content; syslog text and JSON lines are not export")
    func detection() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("messages", Self.story.bytes)) == .journalExport)
        let realtimeFirst = Array("__REALTIME_TIMESTAMP=1741343451000000\nMESSAGE=x\n\n".utf8)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("a", realtimeFirst)) == .journalExport)
        let syslog = "Mar  7 10:30:58 web01 sshd[327010]: Invalid user admin from 198.51.100.23 port 40022\n"
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("host.export", Array(String(repeating: syslog, count: 20).utf8))) == nil)
        let json = try String(contentsOfFile: JournalFixture.journalctlJSONPath, encoding: .utf8)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("j.export", Array(json.utf8))) == nil)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("b", Array("__CURSOR=\u{1}x\n".utf8))) == nil)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("c", Array("__REALTIME_TIMESTAMP=soon\n".utf8))) == nil)
        #expect(BinaryLogFormat.detect(fileAt: try folder.write("d", Array("__CURSOR=no newline".utf8))) == nil)
        #expect(try BinaryEvidence.reader(forFileAt: try folder.write("e", Array(syslog.utf8)), displayPath: "e") == nil)
    }

    @Test("an export built from the fixture's journalctl JSON renders the lines the journal file reader renders")
    func matchesJournalFileReader() throws {
        let text = try String(contentsOfFile: JournalFixture.journalctlJSONPath, encoding: .utf8)
        var entries: [[(String, ExportWriter.Value)]] = []
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var fields: [(String, ExportWriter.Value)] = []
            func value(_ any: Any) throws -> ExportWriter.Value {
                if let string = any as? String { return string.contains("\n") ? .binary(Array(string.utf8)) : .text(string) }
                return .binary(try #require(any as? [Int]).map(UInt8.init))
            }
            // journalctl's order: the cursor, the timestamps and the boot ID first (an export starts with __CURSOR=).
            let leading = ["__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID"]
            for key in leading + object.keys.sorted().filter({ !leading.contains($0) }) where object[key] != nil {
                let raw = object[key]!
                if let strings = raw as? [Any], !(raw is [Int]) {
                    for element in strings { fields.append((key, try value(element))) }
                } else {
                    fields.append((key, try value(raw)))
                }
            }
            entries.append(fields)
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let export = ExportWriter.export(entries)
        let path = try folder.write("system.export", export.bytes)
        let ours = readAll(try #require(try BinaryEvidence.reader(forFileAt: path, displayPath: "system.export")))
        let journal = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        #expect(ours.error == nil)
        #expect(ours.lines.count == 11)
        #expect(ours.lines.map(\.text) == journal.lines.map(\.text))
        #expect(ours.lines.map(\.offset) == export.offsets)
    }
}
