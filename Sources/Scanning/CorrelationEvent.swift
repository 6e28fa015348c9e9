import Foundation
import DetectionRules
import ExposureReport
import RecordParsing

/// One event a correlation reads: a base rule's match (or a correlation's firing), placed in time.
///
/// Every event of a rule that correlations read is held until the scan ends
/// (``ScanConfiguration/maximumCorrelationEvents`` bounds them), so an event is kept small: the numbers
/// correlations order by in a fixed part (72 bytes), and everything of variable length — the fields
/// correlations group and count by and the rule's entities, the evidence line's bytes, the time stamp
/// and its provenance — packed in one buffer of exactly its size (``Packed``): one allocation an event.
/// The line may instead lie in the scan's ``EventLineSpill`` (a temporary file): the buffer then holds
/// only where. On the 1 GB benchmark (736,000 events) the scan's peak heap went from 543 MB with a struct
/// holding a field list, a line array and a ``FindingTime`` to 372 MB packed and 292 MB spilled.
struct CorrelationEvent: Sendable {
    var nanoseconds: Int64
    /// The time the event is ordered and windowed by: its own, or within a file the latest of the lines
    /// before it (see ``CorrelationEngine/placeInScanOrder(_:)``).
    var orderTime: Int64
    /// File index and line, the tie-breakers after time (rule-format §3.7: ties keep source order).
    var fileIndex: Int
    var line: Int
    var offset: Int64
    /// Fields, evidence line and time, packed (see ``Packed``).
    private var packed: [UInt8]
    /// A firing's evidence (its closing event first); empty for a base event.
    var evidence: [EvidenceLocation]
    /// Which input produced it: a base rule or a correlation.
    var input: CorrelationRule.Input
    private var flags: UInt8

    private static let truncatedFlag: UInt8 = 1, redactedFlag: UInt8 = 2, damagedFlag: UInt8 = 4

    /// - Parameters:
    ///   - fields: field name and value: group-by and counted fields, and the rule's entities (in order;
    ///     a name may repeat, the first is the one ``value(of:)`` reads).
    ///   - text: the evidence line as reported (secrets redacted), nil for a firing.
    ///   - spilledText: instead of `text`, where the line lies in the scan's ``EventLineSpill``.
    ///   - time: the stamp as written and where its year and zone came from (`utc` filled when reported).
    init(input: CorrelationRule.Input, nanoseconds: Int64, orderTime: Int64 = 0, fileIndex: Int, line: Int, offset: Int64,
         fields: [(String, String)], text: [UInt8]?, spilledText: (offset: Int64, count: Int)? = nil, isTruncated: Bool = false,
         isRedacted: Bool = false, isFromDamagedData: Bool = false, time: FindingTime? = nil, evidence: [EvidenceLocation] = []) {
        if let text {
            self = text.withUnsafeBufferPointer { text in
                CorrelationEvent(input: input, nanoseconds: nanoseconds, orderTime: orderTime, fileIndex: fileIndex, line: line, offset: offset,
                                 fields: fields, textBytes: text, spilledText: spilledText, isTruncated: isTruncated, isRedacted: isRedacted,
                                 isFromDamagedData: isFromDamagedData, time: time, evidence: evidence)
            }
        } else {
            self.init(input: input, nanoseconds: nanoseconds, orderTime: orderTime, fileIndex: fileIndex, line: line, offset: offset,
                      fields: fields, textBytes: nil, spilledText: spilledText, isTruncated: isTruncated, isRedacted: isRedacted,
                      isFromDamagedData: isFromDamagedData, time: time, evidence: evidence)
        }
    }

    /// ``init(input:nanoseconds:orderTime:fileIndex:line:offset:fields:text:spilledText:isTruncated:isRedacted:isFromDamagedData:time:evidence:)``
    /// with the line's bytes where they lie (a partial report's section), copied once into the event.
    init(input: CorrelationRule.Input, nanoseconds: Int64, orderTime: Int64 = 0, fileIndex: Int, line: Int, offset: Int64,
         fields: [(String, String)], textBytes text: UnsafeBufferPointer<UInt8>?, spilledText: (offset: Int64, count: Int)? = nil,
         isTruncated: Bool = false, isRedacted: Bool = false, isFromDamagedData: Bool = false, time: FindingTime? = nil,
         evidence: [EvidenceLocation] = []) {
        self.input = input
        self.nanoseconds = nanoseconds
        self.orderTime = orderTime
        self.fileIndex = fileIndex
        self.line = line
        self.offset = offset
        self.evidence = evidence
        packed = Packed.encode(fields: fields, text: text, spilledText: spilledText, time: time)
        flags = (isTruncated ? Self.truncatedFlag : 0) | (isRedacted ? Self.redactedFlag : 0) | (isFromDamagedData ? Self.damagedFlag : 0)
    }

    var isTruncated: Bool {
        get { flags & Self.truncatedFlag != 0 }
        set { flags = newValue ? flags | Self.truncatedFlag : flags & ~Self.truncatedFlag }
    }

    var isRedacted: Bool {
        get { flags & Self.redactedFlag != 0 }
        set { flags = newValue ? flags | Self.redactedFlag : flags & ~Self.redactedFlag }
    }

    var isFromDamagedData: Bool {
        get { flags & Self.damagedFlag != 0 }
        set { flags = newValue ? flags | Self.damagedFlag : flags & ~Self.damagedFlag }
    }

    /// The fields in order (made from the packed bytes: for firings and partials, not for every event).
    var fields: [(String, String)] {
        packed.withUnsafeBufferPointer { buffer in
            var reader = Packed.Reader(buffer)
            let count = reader.length()
            var fields: [(String, String)] = []
            fields.reserveCapacity(count)
            for _ in 0..<count { fields.append((reader.string(), reader.string())) }
            return fields
        }
    }

    /// Where the evidence line is: none (a firing), held here, or in the scan's ``EventLineSpill``.
    enum StoredLine {
        case none
        case inline([UInt8])
        case spilled(offset: Int64, count: Int)
    }

    var storedLine: StoredLine {
        packed.withUnsafeBufferPointer { buffer in
            var reader = Packed.Reader(buffer)
            reader.skipFields()
            switch reader.textKind() {
            case Packed.inlineText: return .inline(Array(reader.bytes()))
            case Packed.spilledText: return .spilled(offset: Int64(reader.length()), count: reader.length())
            default: return .none
            }
        }
    }

    /// The evidence line's bytes when they are held here, nil for a firing or a line in a spill file.
    var inlineText: [UInt8]? {
        if case .inline(let bytes) = storedLine { return bytes }
        return nil
    }

    /// Where the evidence line lies in the scan's ``EventLineSpill``, nil when it is held here or absent.
    var spilledText: (offset: Int64, count: Int)? {
        if case .spilled(let offset, let count) = storedLine { return (offset, count) }
        return nil
    }

    /// The evidence line's bytes (read back from `lines` when spilled), nil for a firing, or for a
    /// spilled line the temporary file could not give back.
    func text(lines: EventLineSpill?) -> [UInt8]? {
        switch storedLine {
        case .none: return nil
        case .inline(let bytes): return bytes
        case .spilled(let offset, let count): return lines?.read(offset: offset, count: count)
        }
    }

    /// The stamp and its provenance. Setting it rewrites only the packed buffer's tail: in place when it
    /// fits (a year-less stamp placed keeps its size), else into a buffer of exactly the new size.
    var time: FindingTime? {
        get {
            packed.withUnsafeBufferPointer { buffer in
                var reader = Packed.Reader(buffer)
                reader.skipFields()
                reader.skipText()
                return reader.time()
            }
        }
        set {
            let start = packed.withUnsafeBufferPointer { buffer in
                var reader = Packed.Reader(buffer)
                reader.skipFields()
                reader.skipText()
                return reader.position
            }
            Packed.replaceTime(in: &packed, from: start, with: newValue)
        }
    }

    /// The value of the first field named `name`, nil when there is none.
    func value(of name: String) -> String? {
        packed.withUnsafeBufferPointer { Self.value(of: name, in: $0) }
    }

    /// ``value(of:)`` of the event at `event`, read where it lies. The correlation engine reads events
    /// through pointers: passing `pointee` as an argument, or calling a method on it, copies the event
    /// (retaining its buffers) once per event and correlation.
    static func value(of name: String, at event: UnsafePointer<CorrelationEvent>) -> String? {
        event.pointee.packed.withUnsafeBufferPointer { value(of: name, in: $0) }
    }

    private static func value(of name: String, in buffer: UnsafeBufferPointer<UInt8>) -> String? {
        var name = name
        return name.withUTF8 { name in
            var reader = Packed.Reader(buffer)
            let count = reader.length()
            for _ in 0..<count {
                let fieldName = reader.bytes()
                let value = reader.bytes()
                if fieldName.count == name.count && (name.isEmpty || memcmp(fieldName.baseAddress!, name.baseAddress!, name.count) == 0) {
                    return String(decoding: value, as: UTF8.self)
                }
            }
            return nil
        }
    }

    /// This event as evidence of a finding (a spilled line read back from `lines`).
    func locations(paths: [String], lines: EventLineSpill?) -> [EvidenceLocation] {
        guard evidence.isEmpty else { return evidence }
        var location = EvidenceLocation(path: paths[fileIndex], line: line, offset: offset, text: nil, bytes: nil,
                                        isTruncated: isTruncated ? true : nil, isRedacted: isRedacted ? true : nil)
        if let text = text(lines: lines) {
            if let string = String(validating: text, as: UTF8.self) { location.text = string } else { location.bytes = Data(text).base64EncodedString() }
        }
        return [location]
    }

    /// The packed layout: the field count, then each field's name and value; the line: a byte 0 for
    /// none, 1 and the line, or 2 and where it lies in the spill file (offset and length); then a byte 0 for no time, or 1 and the time's text, `utc` (a byte 0, or 1 and the string),
    /// optional: a byte 0, or 1 and the string), then `yearSource`, `zoneSource` and `confidence` as
    /// ``provenanceWords`` codes, and `isAmbiguous` (0 nil, 1 false, 2 true). Counts and lengths are
    /// LEB128; strings are their UTF-8 bytes. The time comes last, so placing a year-less stamp rewrites
    /// only the tail, in place.
    enum Packed {
        static let noText: UInt8 = 0, inlineText: UInt8 = 1, spilledText: UInt8 = 2

        static func encode(fields: [(String, String)], text: UnsafeBufferPointer<UInt8>?, spilledText: (offset: Int64, count: Int)?, time: FindingTime?) -> [UInt8] {
            let codes = time.map(Codes.init)
            var size = lengthSize(fields.count) + 1 + size(of: time, codes)
            for (name, value) in fields { size += stringSize(name) + stringSize(value) }
            if let spilledText {
                size += lengthSize(Int(spilledText.offset)) + lengthSize(spilledText.count)
            } else if let text {
                size += lengthSize(text.count) + text.count
            }
            // Written in place into a buffer of exactly its size.
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var writer = Writer(buffer.baseAddress!)
                writer.length(fields.count)
                for (name, value) in fields {
                    writer.string(name)
                    writer.string(value)
                }
                if let spilledText {
                    writer.byte(Self.spilledText)
                    writer.length(Int(spilledText.offset))
                    writer.length(spilledText.count)
                } else if let text {
                    writer.byte(inlineText)
                    writer.length(text.count)
                    writer.bytes(text)
                } else {
                    writer.byte(noText)
                }
                writer.time(time, codes)
                initialized = writer.count
                precondition(initialized == size, "packed event size")
            }
        }

        /// A time's provenance coded (``provenanceWords``), looked up once for sizing and writing.
        struct Codes {
            var year: UInt8, zone: UInt8, confidence: UInt8

            init(_ time: FindingTime) {
                year = provenanceCode(time.yearSource)
                zone = provenanceCode(time.zoneSource)
                confidence = provenanceCode(time.confidence)
            }
        }

        static func size(of time: FindingTime?, _ codes: Codes?) -> Int {
            guard let time, let codes else { return 1 }
            var size = 1 + stringSize(time.text) + 1 + (time.utc.map(stringSize) ?? 0) + 4
            if codes.year == literalCode { size += stringSize(time.yearSource!) }
            if codes.zone == literalCode { size += stringSize(time.zoneSource!) }
            if codes.confidence == literalCode { size += stringSize(time.confidence) }
            return size
        }

        /// Replaces the tail of `bytes` from `start` with `time` (in place when the capacity allows).
        static func replaceTime(in bytes: inout [UInt8], from start: Int, with time: FindingTime?) {
            let codes = time.map(Codes.init)
            let size = size(of: time, codes)
            if bytes.capacity >= start + size {
                // In place (a year-less stamp placed keeps its size: provenance is coded in bytes).
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: repeatElement(0, count: size))
                bytes.withUnsafeMutableBufferPointer { buffer in
                    var writer = Writer(buffer.baseAddress! + start)
                    writer.time(time, codes)
                }
            } else {
                bytes = [UInt8](unsafeUninitializedCapacity: start + size) { buffer, initialized in
                    _ = buffer.initialize(from: bytes[..<start])
                    var writer = Writer(buffer.baseAddress! + start)
                    writer.time(time, codes)
                    initialized = start + size
                }
            }
        }

        /// Writes the packed layout at a pointer (the buffer is sized beforehand).
        struct Writer {
            let base: UnsafeMutablePointer<UInt8>
            var count = 0

            init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

            mutating func byte(_ value: UInt8) {
                base[count] = value
                count += 1
            }

            mutating func length(_ value: Int) {
                var value = UInt(value)
                while value >= 0x80 {
                    byte(UInt8(value & 0x7f) | 0x80)
                    value >>= 7
                }
                byte(UInt8(value))
            }

            mutating func bytes(_ values: UnsafeBufferPointer<UInt8>) {
                guard let source = values.baseAddress, !values.isEmpty else { return }
                (base + count).update(from: source, count: values.count)
                count += values.count
            }

            mutating func string(_ value: String) {
                var value = value
                length(value.utf8.count)
                value.withUTF8 { bytes($0) }
            }

            mutating func provenance(_ code: UInt8, _ word: String?) {
                byte(code)
                if code == Packed.literalCode { string(word!) }
            }

            mutating func time(_ time: FindingTime?, _ codes: Codes?) {
                guard let time, let codes else { byte(0); return }
                byte(1)
                string(time.text)
                if let utc = time.utc {
                    byte(1)
                    string(utc)
                } else {
                    byte(0)
                }
                provenance(codes.year, time.yearSource)
                provenance(codes.zone, time.zoneSource)
                provenance(codes.confidence, time.confidence)
                byte(time.isAmbiguous.map { $0 ? 2 : 1 } ?? 0)
            }
        }

        /// The words a time's provenance is made of, each coded in one byte: 0 for none, its index + 1,
        /// or ``literalCode`` and the string (a zone read from the evidence names its file).
        static let provenanceWords: [String] = [
            YearInference.Source.inLine, .rotationOrder, .gzipModificationTime, .referenceDate, .acquisitionTime,
            .fileModificationTime, .scanDate,
        ].map(\.rawValue) + ["--timezone", "assumed-utc", "high", "medium", "low"]
        static let literalCode: UInt8 = 255

        /// 0 for none, the word's index + 1, or ``literalCode``.
        private static func provenanceCode(_ word: String?) -> UInt8 {
            guard let word else { return 0 }
            return provenanceWords.firstIndex(of: word).map { UInt8($0 + 1) } ?? literalCode
        }

        private static func lengthSize(_ value: Int) -> Int {
            var value = UInt(value), size = 1
            while value >= 0x80 { value >>= 7; size += 1 }
            return size
        }

        private static func stringSize(_ string: String) -> Int {
            lengthSize(string.utf8.count) + string.utf8.count
        }

        /// Reads a buffer ``encode(fields:text:time:)`` made (never anything else: no checks).
        struct Reader {
            let buffer: UnsafeBufferPointer<UInt8>
            var position = 0

            init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

            mutating func length() -> Int {
                var value = 0, shift = 0
                while true {
                    let byte = buffer[position]
                    position += 1
                    value |= Int(byte & 0x7f) << shift
                    if byte < 0x80 { return value }
                    shift += 7
                }
            }

            mutating func flag() -> Bool {
                position += 1
                return buffer[position - 1] != 0
            }

            mutating func bytes() -> UnsafeBufferPointer<UInt8> {
                let count = length()
                defer { position += count }
                return UnsafeBufferPointer(rebasing: buffer[position..<(position + count)])
            }

            mutating func string() -> String {
                String(decoding: bytes(), as: UTF8.self)
            }

            mutating func skipFields() {
                for _ in 0..<(length() * 2) { position += length() }
            }

            mutating func textKind() -> UInt8 {
                position += 1
                return buffer[position - 1]
            }

            mutating func skipText() {
                switch textKind() {
                case Packed.inlineText: position += length()
                case Packed.spilledText: _ = (length(), length())
                default: break
                }
            }

            mutating func time() -> FindingTime? {
                guard flag() else { return nil }
                let text = string()
                let utc = flag() ? string() : nil
                let yearSource = provenance()
                let zoneSource = provenance()
                let confidence = provenance() ?? ""
                position += 1
                let ambiguity = buffer[position - 1]
                return FindingTime(text: text, utc: utc, yearSource: yearSource, zoneSource: zoneSource,
                                   isAmbiguous: ambiguity == 0 ? nil : ambiguity == 2, confidence: confidence)
            }

            mutating func provenance() -> String? {
                position += 1
                switch buffer[position - 1] {
                case 0: return nil
                case Packed.literalCode: return string()
                case let code: return Packed.provenanceWords[Int(code) - 1]
                }
            }
        }
    }
}
