import ExposureReport
import Foundation

/// The correlation events of a partial report, packed: a shard of a large scan holds hundreds of
/// thousands of them (most of its partial), and JSON objects for each took most of a merge's time.
/// One byte string instead (base64 in the partial's JSON): per event, a flags byte, LEB128 integers
/// (zig-zag for signed), length-prefixed strings and bytes; a firing's evidence, which base events
/// never have, as JSON. Version byte first.
enum EventPacking {
    static let version: UInt8 = 1

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum Flag {
        static let correlation: UInt8 = 1
        static let text: UInt8 = 2
        static let truncated: UInt8 = 4
        static let redacted: UInt8 = 8
        static let damaged: UInt8 = 16
        static let time: UInt8 = 32
        static let evidence: UInt8 = 64
    }

    static func pack(_ events: [CorrelationEvent]) throws -> Data {
        var writer = Writer()
        writer.bytes.reserveCapacity(events.count * 200)
        writer.bytes.append(version)
        writer.unsigned(UInt64(events.count))
        for event in events {
            var flags: UInt8 = 0
            let index: Int
            switch event.input {
            case .rule(let rule): index = rule
            case .correlation(let correlation): index = correlation; flags |= Flag.correlation
            }
            if event.text != nil { flags |= Flag.text }
            if event.isTruncated { flags |= Flag.truncated }
            if event.isRedacted { flags |= Flag.redacted }
            if event.isFromDamagedData { flags |= Flag.damaged }
            if event.time != nil { flags |= Flag.time }
            if !event.evidence.isEmpty { flags |= Flag.evidence }
            writer.bytes.append(flags)
            writer.unsigned(UInt64(index))
            writer.signed(event.nanoseconds)
            writer.unsigned(UInt64(event.fileIndex))
            writer.unsigned(UInt64(event.line))
            writer.signed(event.offset)
            writer.unsigned(UInt64(event.fields.count))
            for (name, value) in event.fields {
                writer.string(name)
                writer.string(value)
            }
            if let text = event.text { writer.data(text) }
            if let time = event.time {
                writer.string(time.text)
                writer.optionalString(time.utc)
                writer.optionalString(time.yearSource)
                writer.optionalString(time.zoneSource)
                writer.bytes.append(time.isAmbiguous.map { $0 ? 2 : 1 } ?? 0)
                writer.string(time.confidence)
            }
            if !event.evidence.isEmpty { writer.data(Array(try JSONEncoder().encode(event.evidence))) }
        }
        return Data(writer.bytes)
    }

    static func unpack(_ data: Data) throws(Malformed) -> [CorrelationEvent] {
        var reader = Reader(bytes: [UInt8](data))
        guard try reader.byte() == version else { throw Malformed(description: "packed correlation events of an unknown version") }
        let count = try reader.count()
        var events: [CorrelationEvent] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let flags = try reader.byte()
            let index = try reader.count()
            let nanoseconds = try reader.signed()
            let fileIndex = try reader.count()
            let line = try reader.count()
            let offset = try reader.signed()
            let fieldCount = try reader.count()
            var fields: [(String, String)] = []
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount { fields.append((try reader.string(), try reader.string())) }
            let text = flags & Flag.text != 0 ? try reader.data() : nil
            var event = CorrelationEvent(input: flags & Flag.correlation != 0 ? .correlation(index) : .rule(index), nanoseconds: nanoseconds,
                                         fileIndex: fileIndex, line: line, offset: offset, fields: fields, text: text,
                                         isTruncated: flags & Flag.truncated != 0, isRedacted: flags & Flag.redacted != 0, time: nil)
            event.isFromDamagedData = flags & Flag.damaged != 0
            if flags & Flag.time != 0 {
                let text = try reader.string()
                let utc = try reader.optionalString()
                let yearSource = try reader.optionalString()
                let zoneSource = try reader.optionalString()
                let ambiguous = try reader.byte()
                event.time = FindingTime(text: text, utc: utc, yearSource: yearSource, zoneSource: zoneSource,
                                         isAmbiguous: ambiguous == 0 ? nil : ambiguous == 2, confidence: try reader.string())
            }
            if flags & Flag.evidence != 0 {
                let json = try reader.data()
                do { event.evidence = try JSONDecoder().decode([EvidenceLocation].self, from: Data(json)) } catch {
                    throw Malformed(description: "packed correlation event \(events.count): unreadable evidence")
                }
            }
            events.append(event)
        }
        guard reader.position == reader.bytes.count else { throw Malformed(description: "packed correlation events: \(reader.bytes.count - reader.position) bytes left over") }
        return events
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func unsigned(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7f) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func signed(_ value: Int64) {
            unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        }

        mutating func data(_ value: [UInt8]) {
            unsigned(UInt64(value.count))
            bytes.append(contentsOf: value)
        }

        mutating func string(_ value: String) {
            data(Array(value.utf8))
        }

        mutating func optionalString(_ value: String?) {
            if let value {
                bytes.append(1)
                string(value)
            } else {
                bytes.append(0)
            }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func byte() throws(Malformed) -> UInt8 {
            guard position < bytes.count else { throw Malformed(description: "packed correlation events end early at byte \(position)") }
            position += 1
            return bytes[position - 1]
        }

        mutating func unsigned() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw Malformed(description: "packed correlation events: an integer too long at byte \(position)") }
                value |= UInt64(next & 0x7f) << shift
                if next & 0x80 == 0 { return value }
                shift += 7
            }
        }

        mutating func count() throws(Malformed) -> Int {
            let value = try unsigned()
            guard value <= UInt64(Int32.max) else { throw Malformed(description: "packed correlation events: a count of \(value) at byte \(position)") }
            return Int(value)
        }

        mutating func signed() throws(Malformed) -> Int64 {
            let value = try unsigned()
            return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
        }

        mutating func data() throws(Malformed) -> [UInt8] {
            let length = try count()
            guard length <= bytes.count - position else { throw Malformed(description: "packed correlation events: \(length) bytes wanted at byte \(position)") }
            position += length
            return Array(bytes[(position - length)..<position])
        }

        mutating func string() throws(Malformed) -> String {
            String(decoding: try data(), as: UTF8.self)
        }

        mutating func optionalString() throws(Malformed) -> String? {
            try byte() == 0 ? nil : try string()
        }
    }
}
