import DetectionRules
import ExposureReport
import Foundation
@testable import Scanning
import Testing

/// The spill file of correlation events' lines: every line reads back as written, in order or not,
/// across the writes of a megabyte; the file is unlinked at once; and an event keeps its other parts.
@Suite("Event line spill")
struct EventLineSpillTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-spill-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("lines read back as written, in order and out of order; no file is left in the directory")
    func roundTrip() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spill = try #require(EventLineSpill(directory: directory.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        // Lines of every byte value and of many sizes, one of them over the 1 MiB write size.
        var lines: [[UInt8]] = (0..<5_000).map { index in (0..<(index * 7 % 700)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) } }
        lines.insert([], at: 17)
        lines.insert(Array(repeating: 0xff, count: 1_500_000), at: 2_000)
        var places: [(Int64, Int)] = []
        for line in lines { places.append((try #require(spill.append(line)), line.count)) }
        var reader = EventLineSpill.Reader(spill)
        for (line, place) in zip(lines, places) { #expect(reader.read(offset: place.0, count: place.1) == line) }
        for index in stride(from: lines.count - 1, through: 0, by: -97) {
            #expect(spill.read(offset: places[index].0, count: places[index].1) == lines[index])
            #expect(reader.read(offset: places[index].0, count: places[index].1) == lines[index])
        }
        #expect(spill.read(offset: places.last!.0, count: places.last!.1 + 1) == nil)
    }

    @Test("a partial report is the same bytes whether the events' lines were spilled or held")
    func partialBytes() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = PartialFormatTests.packageRoot
        let rules = try RuleLoader().load(paths: [root.appendingPathComponent("rules").path])
        func encoded(spillingTo spill: String?) throws -> Data {
            var configuration = ScanConfiguration(evidencePaths: [root.appendingPathComponent("samples/var/log").path], jobs: 2,
                                                  redactionKey: Array("partial-tests".utf8))
            configuration.shard = ShardSpec(index: 1, count: 1, source: "test")
            configuration.eventLineDirectory = spill
            let state = ScanPipeline(configuration: configuration, rules: rules).runState()
            #expect(state.correlationEvents.count > 10)
            #expect(state.correlationEvents.allSatisfy { ($0.spilledText != nil) == (spill != nil) })
            return try PartialFormatTests.partial(state, rules: rules, configuration: configuration).encoded()
        }
        #expect(try encoded(spillingTo: directory.path) == (try encoded(spillingTo: nil)))
    }

    @Test("a directory that does not exist gives no spill (the lines then stay in memory)")
    func missingDirectory() {
        #expect(EventLineSpill(directory: "/nonexistent-spoor-directory") == nil)
    }

    @Test("an event whose line is spilled keeps its fields and time, and a time set later leaves the line's place alone")
    func spilledEvent() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spill = try #require(EventLineSpill(directory: directory.path))
        _ = spill.append(Array("first".utf8))
        let line = Array("Mar  7 10:00:00 web01 sshd[1]: Failed password for root from 203.0.113.77 port 22 ssh2".utf8)
        let offset = try #require(spill.append(line))
        var event = CorrelationEvent(input: .rule(1), nanoseconds: 5, fileIndex: 0, line: 2, offset: 40, fields: [("src_ip", "203.0.113.77")],
                                     text: nil, spilledText: (offset, line.count), isRedacted: true)
        #expect(event.inlineText == nil)
        #expect(event.spilledText?.offset == offset && event.spilledText?.count == line.count)
        #expect(event.text(lines: spill) == line)
        #expect(event.text(lines: nil) == nil)
        #expect(event.value(of: "src_ip") == "203.0.113.77")
        let time = FindingTime(text: "Mar  7 10:00:00", utc: nil, yearSource: "rotation-order", zoneSource: "evidence:etc/timezone", isAmbiguous: nil, confidence: "medium")
        event.time = time
        #expect(event.time == time)
        #expect(event.text(lines: spill) == line)
        let location = try #require(event.locations(paths: ["auth.log"], lines: spill).first)
        #expect(location.text == String(decoding: line, as: UTF8.self))
        #expect(location.isRedacted == true)
    }
}
