import ExposureReport
import RecordParsing
@testable import Scanning
import Testing

/// The packed correlation event: everything put in comes back out unchanged, whatever the lengths (one-
/// and multi-byte LEB128), bytes (invalid UTF-8 lines) and provenance (coded words and literal ones).
@Suite("Correlation event packing")
struct CorrelationEventTests {
    static let longValue = String(repeating: "ä", count: 200)
    static let fields: [(String, String)] = [("src_ip", "203.0.113.77"), ("user", ""), ("src_ip", "198.51.100.1"), ("path", longValue), ("ü", "✓")]

    static func times() -> [FindingTime?] {
        var words = Scanning.CorrelationEvent.Packed.provenanceWords.map { Optional($0) } + [nil, "evidence:host/etc/timezone", ""]
        words.append(String(repeating: "z", count: 300))
        return [nil] + words.map { word in
            FindingTime(text: "Mar  7 10:00:00", utc: word == nil ? "2025-03-07T10:00:00Z" : nil, yearSource: word, zoneSource: word,
                        isAmbiguous: word == nil ? nil : word!.count % 2 == 0, confidence: word ?? "low")
        }
    }

    @Test("fields, line and time read back as given; value(of:) reads the first field of a name")
    func roundTrip() {
        let lines: [[UInt8]?] = [nil, [], [0xff, 0x00, 0x41], Array(repeating: 0x61, count: 20_000)]
        for line in lines {
            for time in Self.times() {
                let event = CorrelationEvent(input: .rule(3), nanoseconds: -7, fileIndex: 2, line: 9, offset: 1 << 40, fields: Self.fields,
                                             text: line, isTruncated: true, isFromDamagedData: true, time: time)
                #expect(event.fields.map(\.0) == Self.fields.map(\.0))
                #expect(event.fields.map(\.1) == Self.fields.map(\.1))
                #expect(event.inlineText == line)
                #expect(event.spilledText == nil)
                #expect(event.time == time)
                #expect(event.value(of: "src_ip") == "203.0.113.77")
                #expect(event.value(of: "user") == "")
                #expect(event.value(of: "path") == Self.longValue)
                #expect(event.value(of: "ü") == "✓")
                #expect(event.value(of: "src") == nil)
                #expect(event.value(of: "src_ip_") == nil)
                #expect(event.isTruncated && !event.isRedacted && event.isFromDamagedData)
            }
        }
    }

    @Test("a time set afterwards replaces the old one and leaves fields, line and earlier copies alone")
    func timeSet() {
        let times = Self.times()
        for before in times {
            for after in times {
                var event = CorrelationEvent(input: .correlation(1), nanoseconds: 0, fileIndex: 0, line: 1, offset: 0, fields: Self.fields,
                                             text: [0x41, 0x42], time: before)
                let copy = event
                event.time = after
                #expect(event.time == after)
                #expect(event.inlineText == [0x41, 0x42])
                #expect(event.fields.map(\.1) == Self.fields.map(\.1))
                // A copy taken before keeps its own value.
                #expect(copy.time == before)
            }
        }
        // A year-less stamp placed, as the scan does (coded provenance: the same size).
        var event = CorrelationEvent(input: .rule(0), nanoseconds: 0, fileIndex: 0, line: 1, offset: 0, fields: Self.fields, text: [0x41],
                                     time: FindingTime(text: "Mar  7 10:00:00", utc: nil, yearSource: nil, zoneSource: nil, isAmbiguous: nil, confidence: "low"))
        var placed = event.time!
        (placed.yearSource, placed.zoneSource, placed.confidence) = (YearInference.Source.rotationOrder.rawValue, "--timezone", "medium")
        event.time = placed
        #expect(event.time == placed)
    }

    @Test("a pending event's stamp packs every parsed stamp exactly and refuses what it cannot hold")
    func pendingStamps() {
        for (month, day, hour, minute, second, nanosecond) in [(1, 1, 0, 0, 0, 0), (12, 31, 23, 59, 60, 999_999_999), (2, 29, 12, 30, 7, 1), (7, 4, 1, 2, 3, 500_000)] {
            let civil = CivilTime(year: nil, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
            #expect(PendingEvent.Stamp(civil)?.civil == civil)
        }
        #expect(PendingEvent.Stamp(CivilTime(year: 2025, month: 1, day: 1, hour: 0, minute: 0, second: 0)) == nil)
        #expect(PendingEvent.Stamp(CivilTime(year: nil, month: 1, day: 1, hour: 0, minute: 0, second: 0, utcOffsetSeconds: 0)) == nil)
        #expect(PendingEvent.Stamp(CivilTime(year: nil, month: 1, day: 200, hour: 0, minute: 0, second: 0)) == nil)
        #expect(PendingEvent.Stamp(CivilTime(year: nil, month: -1, day: 1, hour: 0, minute: 0, second: 0)) == nil)
        #expect(PendingEvent.Stamp.unpacked.civil == nil)
    }
}
