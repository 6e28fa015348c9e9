import ExposureAnalysis
import ExposureReport
import Foundation

/// The binary sections of a `spoor.partial/v2` partial report (see ``PartialReport`` and
/// `Documentation/ScaleOut.md`): findings, correlation events, activities, failed-login sums, coverage
/// minutes, NUL-line counts and secrets, which made up almost all of a v1 partial and most of a merge's
/// time as JSON.
///
/// Integers are LEB128 (zig-zag for signed ones); strings that repeat (hosts, programs, field names and
/// values, rule ids, paths) are indexes into the `strings` section, written once each; line texts and
/// bytes are inline, length first. Dictionaries and sets are written sorted, so the same state always
/// gives the same bytes. Every read is checked: a count or length past the section's end, a string
/// index past the table, a file index past the partial's files, bytes left over, all throw
/// ``PartialFormatError`` naming the section and the byte offset in the file.
enum PartialCodec {
    /// The sections, in file order.
    static let sectionNames = ["strings", "findings", "correlation_events", "activities", "failures", "coverage", "nul_lines", "secrets"]

    // MARK: Writing

    struct StringTable {
        var indexes: [String: Int] = [:]
        var strings: [String] = []

        mutating func index(_ string: String) -> Int {
            if let index = indexes[string] { return index }
            indexes[string] = strings.count
            strings.append(string)
            return strings.count - 1
        }
    }

    struct Writer {
        var bytes: [UInt8] = []
        var items = 0

        mutating func unsigned(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func index(_ value: Int) { unsigned(UInt64(value)) }
        mutating func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
        mutating func int(_ value: Int) { signed(Int64(value)) }

        mutating func data(_ value: [UInt8]) {
            unsigned(UInt64(value.count))
            bytes.append(contentsOf: value)
        }

        mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { buffer in
                unsigned(UInt64(buffer.count))
                bytes.append(contentsOf: buffer)
            }
        }

        mutating func optionalText(_ value: String?) {
            if let value {
                bytes.append(1)
                text(value)
            } else {
                bytes.append(0)
            }
        }

        mutating func string(_ value: String, _ table: inout StringTable) { unsigned(UInt64(table.index(value))) }

        mutating func optionalString(_ value: String?, _ table: inout StringTable) {
            unsigned(value.map { UInt64(table.index($0)) + 1 } ?? 0)
        }

        mutating func optionalBool(_ value: Bool?) { bytes.append(value.map { $0 ? 2 : 1 } ?? 0) }
        mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    }

    /// The sections of `state`, in ``sectionNames`` order, and each one's item count.
    static func encode(_ state: ScanState) throws(EventLineSpillError) -> [(bytes: [UInt8], items: Int)] {
        var table = StringTable()
        var findings = Writer()
        findings.bytes.reserveCapacity(state.findings.count * 160)
        findings.index(state.findings.count)
        for (finding, file) in zip(state.findings, state.findingFiles) {
            findings.index(file)
            writeFinding(finding, &findings, &table)
        }
        var events = Writer()
        events.bytes.reserveCapacity(state.correlationEvents.count * 120)
        events.index(state.correlationEvents.count)
        var lines = state.eventLines.map { EventLineSpill.Reader($0) }
        for event in state.correlationEvents {
            let text: [UInt8]?
            switch event.storedLine {
            case .none: text = nil
            case .inline(let bytes): text = bytes
            case .spilled(let offset, let count):
                text = lines?.read(offset: offset, count: count)
                guard text != nil else { throw EventLineSpillError(path: state.paths[event.fileIndex], line: event.line) }
            }
            writeEvent(event, text: text, &events, &table)
        }
        var activities = Writer()
        activities.bytes.reserveCapacity(state.activities.count * 80)
        activities.index(state.activities.count)
        for activity in state.activities { writeActivity(activity, &activities, &table) }
        var failures = Writer()
        writeFailures(state.failures, &failures, &table)
        var coverage = Writer()
        coverage.index(state.coverage.count)
        for series in state.coverage {
            coverage.string(series.host, &table)
            coverage.string(series.source, &table)
            coverage.int(series.lines)
            let files = series.files.sorted()
            coverage.index(files.count)
            for file in files { coverage.index(file) }
            // Minutes ascending: the first, then the gaps.
            let minutes = series.minutes.sorted()
            coverage.index(minutes.count)
            var previous: Int64 = 0
            for (position, minute) in minutes.enumerated() {
                if position == 0 { coverage.signed(minute) } else { coverage.unsigned(UInt64(bitPattern: minute &- previous)) }
                previous = minute
            }
        }
        var nul = Writer()
        nul.index(state.nulLines.count)
        for (file, count) in state.nulLines.sorted(by: { $0.key < $1.key }) {
            nul.index(file)
            nul.int(count.count)
            nul.int(count.firstLine)
            nul.signed(count.firstOffset)
        }
        var secrets = Writer()
        secrets.index(state.secrets.count)
        for (value, marker) in state.secrets.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            secrets.data(value)
            secrets.data(marker)
        }
        var strings = Writer()
        strings.index(table.strings.count)
        for string in table.strings { strings.text(string) }
        return [(strings.bytes, table.strings.count), (findings.bytes, state.findings.count), (events.bytes, state.correlationEvents.count),
                (activities.bytes, state.activities.count), (failures.bytes, state.failures.sources.count + state.failures.accounts.count),
                (coverage.bytes, state.coverage.count), (nul.bytes, state.nulLines.count), (secrets.bytes, state.secrets.count)]
    }

    static func writeLocation(_ location: EvidenceLocation, _ writer: inout Writer, _ table: inout StringTable) {
        writer.string(location.path, &table)
        writer.int(location.line)
        writer.signed(location.offset)
        writer.optionalText(location.text)
        writer.optionalText(location.bytes)
        writer.optionalBool(location.isTruncated)
        writer.optionalBool(location.isRedacted)
    }

    static func writeTime(_ time: FindingTime?, _ writer: inout Writer, _ table: inout StringTable) {
        guard let time else { return writer.bytes.append(0) }
        writer.bytes.append(1)
        writer.text(time.text)
        writer.optionalText(time.utc)
        writer.optionalString(time.yearSource, &table)
        writer.optionalString(time.zoneSource, &table)
        writer.optionalBool(time.isAmbiguous)
        writer.string(time.confidence, &table)
    }

    static func writeFinding(_ finding: Finding, _ writer: inout Writer, _ table: inout StringTable) {
        writer.text(finding.id)
        let rule = finding.rule
        writer.string(rule.id, &table)
        writer.optionalString(rule.name, &table)
        writer.string(rule.title, &table)
        writer.string(rule.level, &table)
        writer.index(rule.tags.count)
        for tag in rule.tags { writer.string(tag, &table) }
        writer.optionalString(rule.author, &table)
        writer.optionalString(rule.license, &table)
        writer.optionalString(rule.source, &table)
        writer.index(finding.fields.count)
        for (name, value) in finding.fields.sorted(by: { $0.key < $1.key }) {
            writer.string(name, &table)
            writer.string(value, &table)
        }
        writeTime(finding.time, &writer, &table)
        writer.index(finding.evidence.count)
        for location in finding.evidence { writeLocation(location, &writer, &table) }
        writer.optionalBool(finding.isFromDamagedData)
    }

    /// Writes an event with its line (`text`, read back from the spill file when it is there).
    static func writeEvent(_ event: CorrelationEvent, text: [UInt8]?, _ writer: inout Writer, _ table: inout StringTable) {
        var flags: UInt8 = 0
        let input: Int
        switch event.input {
        case .rule(let rule): input = rule
        case .correlation(let correlation): input = correlation; flags |= 1
        }
        if event.isTruncated { flags |= 2 }
        if event.isRedacted { flags |= 4 }
        if event.isFromDamagedData { flags |= 8 }
        if text != nil { flags |= 16 }
        writer.bytes.append(flags)
        writer.index(input)
        writer.signed(event.nanoseconds)
        writer.signed(event.orderTime)
        writer.index(event.fileIndex)
        writer.int(event.line)
        writer.signed(event.offset)
        let fields = event.fields
        writer.index(fields.count)
        for (name, value) in fields {
            writer.string(name, &table)
            writer.string(value, &table)
        }
        if let text { writer.data(text) }
        writeTime(event.time, &writer, &table)
        writer.index(event.evidence.count)
        for location in event.evidence { writeLocation(location, &writer, &table) }
    }

    static func writeActivity(_ activity: Activity, _ writer: inout Writer, _ table: inout StringTable) {
        writer.bytes.append(activity.kind.rawValue)
        writer.string(activity.host, &table)
        writer.string(activity.program, &table)
        for optional in [activity.pid, activity.user, activity.source, activity.sourcePort, activity.authMethod, activity.keyFingerprint,
                         activity.path, activity.newPath, activity.flags, activity.command, activity.target, activity.sessionNumber] {
            writer.optionalString(optional, &table)
        }
        for optional in [activity.bytesRead, activity.bytesWritten] {
            if let value = optional {
                writer.bytes.append(1)
                writer.signed(value)
            } else {
                writer.bytes.append(0)
            }
        }
        writer.bool(activity.isDenied)
        writer.int(activity.count)
        writer.signed(activity.nanoseconds)
        writer.signed(activity.lastNanoseconds)
        writer.index(activity.fileIndex)
        writer.int(activity.line)
        writer.signed(activity.offset)
        writer.text(activity.text)
    }

    static func writeFailures(_ failures: FailureSummary, _ writer: inout Writer, _ table: inout StringTable) {
        writer.index(failures.sources.count)
        for (address, source) in failures.sources.sorted(by: { $0.key < $1.key }) {
            writer.string(address, &table)
            writer.int(source.failedLogins)
            writer.index(source.usersTried.count)
            for (user, count) in source.usersTried.sorted(by: { $0.key < $1.key }) {
                writer.string(user, &table)
                writer.int(count)
            }
            writer.index(source.hosts.count)
            for host in source.hosts.sorted() { writer.string(host, &table) }
            if let first = source.first {
                writer.bytes.append(1)
                writeActivity(first, &writer, &table)
            } else {
                writer.bytes.append(0)
            }
            writer.signed(source.lastNanoseconds)
        }
        writer.index(failures.accounts.count)
        for (key, account) in failures.accounts.sorted(by: { $0.key < $1.key }) {
            writer.string(key.host, &table)
            writer.string(key.user, &table)
            writer.int(account.count)
            writer.signed(account.firstNanoseconds)
            writer.signed(account.lastNanoseconds)
            writer.index(account.sources.count)
            for address in account.sources.sorted() { writer.string(address, &table) }
        }
    }

    // MARK: Reading

    struct Reader: ~Copyable {
        let base: UnsafeRawBufferPointer
        var position = 0
        let section: String
        /// Where the section starts in the file (for error messages).
        let fileOffset: Int
        let strings: [String]
        /// File indexes must be below this.
        let fileCount: Int

        init(_ base: UnsafeRawBufferPointer, section: String, fileOffset: Int, strings: [String], fileCount: Int) {
            self.base = base
            self.section = section
            self.fileOffset = fileOffset
            self.strings = strings
            self.fileCount = fileCount
        }

        func failure(_ message: String) -> PartialFormatError {
            PartialFormatError(section: section, offset: fileOffset + position, message: message)
        }

        var remaining: Int { base.count - position }

        mutating func byte() throws(PartialFormatError) -> UInt8 {
            guard position < base.count else { throw failure("the section ends early") }
            let value = base[position]
            position += 1
            return value
        }

        mutating func unsigned() throws(PartialFormatError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 63 || (shift == 63 && next <= 1) else { throw failure("an integer longer than 64 bits") }
                value |= UInt64(next & 0x7f) << shift
                if next & 0x80 == 0 { return value }
                shift += 7
            }
        }

        mutating func signed() throws(PartialFormatError) -> Int64 {
            let value = try unsigned()
            return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
        }

        mutating func int() throws(PartialFormatError) -> Int { Int(try signed()) }

        /// What to reserve for `count` items of at least `bytesEach` encoded bytes: never more than the
        /// bytes left allow, so a forged count cannot make a reservation many times the file's size.
        func capacity(_ count: Int, bytesEach: Int) -> Int { min(count, remaining / bytesEach) }

        /// A count of items that take at least one byte each: at most the bytes left.
        mutating func count() throws(PartialFormatError) -> Int {
            let value = try unsigned()
            guard value <= UInt64(remaining) else { throw failure("a count of \(value) with \(remaining) bytes left") }
            return Int(value)
        }

        mutating func fileIndex() throws(PartialFormatError) -> Int {
            let value = try unsigned()
            guard value < UInt64(fileCount) else { throw failure("file index \(value) of a partial with \(fileCount) files") }
            return Int(value)
        }

        mutating func length() throws(PartialFormatError) -> Int {
            let value = try unsigned()
            guard value <= UInt64(remaining) else { throw failure("\(value) bytes wanted, \(remaining) left") }
            return Int(value)
        }

        /// Bytes where they lie in the section (valid while it is).
        mutating func dataBuffer() throws(PartialFormatError) -> UnsafeBufferPointer<UInt8> {
            let length = try length()
            position += length
            return UnsafeRawBufferPointer(rebasing: base[(position - length)..<position]).assumingMemoryBound(to: UInt8.self)
        }

        mutating func data() throws(PartialFormatError) -> [UInt8] {
            Array(try dataBuffer())
        }

        mutating func text() throws(PartialFormatError) -> String {
            let length = try length()
            position += length
            return String(decoding: UnsafeRawBufferPointer(rebasing: base[(position - length)..<position]), as: UTF8.self)
        }

        mutating func optionalText() throws(PartialFormatError) -> String? {
            switch try byte() {
            case 0: return nil
            case 1: return try text()
            case let other: throw failure("optional text marker \(other)")
            }
        }

        mutating func string() throws(PartialFormatError) -> String {
            let index = try unsigned()
            guard index < UInt64(strings.count) else { throw failure("string \(index) of a table of \(strings.count)") }
            return strings[Int(index)]
        }

        mutating func optionalString() throws(PartialFormatError) -> String? {
            let index = try unsigned()
            guard index > 0 else { return nil }
            guard index <= UInt64(strings.count) else { throw failure("string \(index - 1) of a table of \(strings.count)") }
            return strings[Int(index - 1)]
        }

        mutating func optionalBool() throws(PartialFormatError) -> Bool? {
            switch try byte() {
            case 0: return nil
            case 1: return false
            case 2: return true
            case let other: throw failure("optional flag \(other)")
            }
        }

        mutating func bool() throws(PartialFormatError) -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            case let other: throw failure("flag \(other)")
            }
        }

        mutating func presence() throws(PartialFormatError) -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            case let other: throw failure("presence marker \(other)")
            }
        }

        func end() throws(PartialFormatError) {
            guard position == base.count else { throw failure("\(base.count - position) bytes left over at the section's end") }
        }
    }

    static func readStrings(_ reader: inout Reader) throws(PartialFormatError) -> [String] {
        let count = try reader.count()
        var strings: [String] = []
        strings.reserveCapacity(reader.capacity(count, bytesEach: 1))
        for _ in 0..<count { strings.append(try reader.text()) }
        try reader.end()
        return strings
    }

    static func readLocation(_ reader: inout Reader) throws(PartialFormatError) -> EvidenceLocation {
        EvidenceLocation(path: try reader.string(), line: try reader.int(), offset: try reader.signed(), text: try reader.optionalText(),
                         bytes: try reader.optionalText(), isTruncated: try reader.optionalBool(), isRedacted: try reader.optionalBool())
    }

    static func readLocations(_ reader: inout Reader) throws(PartialFormatError) -> [EvidenceLocation] {
        let count = try reader.count()
        var locations: [EvidenceLocation] = []
        locations.reserveCapacity(reader.capacity(count, bytesEach: 7))
        for _ in 0..<count { locations.append(try readLocation(&reader)) }
        return locations
    }

    static func readTime(_ reader: inout Reader) throws(PartialFormatError) -> FindingTime? {
        guard try reader.presence() else { return nil }
        return FindingTime(text: try reader.text(), utc: try reader.optionalText(), yearSource: try reader.optionalString(),
                           zoneSource: try reader.optionalString(), isAmbiguous: try reader.optionalBool(), confidence: try reader.string())
    }

    static func readFindings(_ reader: inout Reader) throws(PartialFormatError) -> (findings: [Finding], files: [Int]) {
        let count = try reader.count()
        var findings: [Finding] = []
        var files: [Int] = []
        findings.reserveCapacity(reader.capacity(count, bytesEach: 14))
        files.reserveCapacity(reader.capacity(count, bytesEach: 14))
        for _ in 0..<count {
            files.append(try reader.fileIndex())
            let id = try reader.text()
            let ruleID = try reader.string()
            let name = try reader.optionalString()
            let title = try reader.string()
            let level = try reader.string()
            let tagCount = try reader.count()
            var tags: [String] = []
            tags.reserveCapacity(reader.capacity(tagCount, bytesEach: 1))
            for _ in 0..<tagCount { tags.append(try reader.string()) }
            let rule = FindingRule(id: ruleID, name: name, title: title, level: level, tags: tags, author: try reader.optionalString(),
                                   license: try reader.optionalString(), source: try reader.optionalString())
            let fieldCount = try reader.count()
            var fields: [String: String] = [:]
            fields.reserveCapacity(reader.capacity(fieldCount, bytesEach: 2))
            for _ in 0..<fieldCount {
                let name = try reader.string()
                fields[name] = try reader.string()
            }
            guard fields.count == fieldCount else { throw reader.failure("a finding's field named twice") }
            let time = try readTime(&reader)
            let evidence = try readLocations(&reader)
            var finding = Finding(rule: rule, fields: fields, time: time, evidence: evidence, isFromDamagedData: try reader.optionalBool())
            finding.id = id
            findings.append(finding)
        }
        try reader.end()
        return (findings, files)
    }

    static func readEvents(_ reader: inout Reader) throws(PartialFormatError) -> [CorrelationEvent] {
        let count = try reader.count()
        var events: [CorrelationEvent] = []
        events.reserveCapacity(reader.capacity(count, bytesEach: 10))
        // One field list for all events (each event packs its own copy).
        var fields: [(String, String)] = []
        for _ in 0..<count {
            let flags = try reader.byte()
            guard flags & ~31 == 0 else { throw reader.failure("event flags \(flags)") }
            let input = try reader.unsigned()
            guard input <= UInt64(Int32.max) else { throw reader.failure("event input \(input)") }
            let nanoseconds = try reader.signed()
            let orderTime = try reader.signed()
            let fileIndex = try reader.fileIndex()
            let line = try reader.int()
            let offset = try reader.signed()
            let fieldCount = try reader.count()
            fields.removeAll(keepingCapacity: true)
            fields.reserveCapacity(reader.capacity(fieldCount, bytesEach: 2))
            for _ in 0..<fieldCount { fields.append((try reader.string(), try reader.string())) }
            let text = flags & 16 != 0 ? try reader.dataBuffer() : nil
            let time = try readTime(&reader)
            let evidence = try readLocations(&reader)
            events.append(CorrelationEvent(input: flags & 1 != 0 ? .correlation(Int(input)) : .rule(Int(input)), nanoseconds: nanoseconds,
                                           orderTime: orderTime, fileIndex: fileIndex, line: line, offset: offset, fields: fields, textBytes: text,
                                           isTruncated: flags & 2 != 0, isRedacted: flags & 4 != 0, isFromDamagedData: flags & 8 != 0,
                                           time: time, evidence: evidence))
        }
        try reader.end()
        return events
    }

    static func readActivity(_ reader: inout Reader) throws(PartialFormatError) -> Activity {
        let kindByte = try reader.byte()
        guard let kind = Activity.Kind(rawValue: kindByte) else { throw reader.failure("activity kind \(kindByte)") }
        var activity = Activity(kind: kind, host: try reader.string(), program: try reader.string())
        activity.pid = try reader.optionalString()
        activity.user = try reader.optionalString()
        activity.source = try reader.optionalString()
        activity.sourcePort = try reader.optionalString()
        activity.authMethod = try reader.optionalString()
        activity.keyFingerprint = try reader.optionalString()
        activity.path = try reader.optionalString()
        activity.newPath = try reader.optionalString()
        activity.flags = try reader.optionalString()
        activity.command = try reader.optionalString()
        activity.target = try reader.optionalString()
        activity.sessionNumber = try reader.optionalString()
        activity.bytesRead = try reader.presence() ? try reader.signed() : nil
        activity.bytesWritten = try reader.presence() ? try reader.signed() : nil
        activity.isDenied = try reader.bool()
        activity.count = try reader.int()
        activity.nanoseconds = try reader.signed()
        activity.lastNanoseconds = try reader.signed()
        activity.fileIndex = try reader.fileIndex()
        activity.line = try reader.int()
        activity.offset = try reader.signed()
        activity.text = try reader.text()
        return activity
    }

    static func readActivities(_ reader: inout Reader) throws(PartialFormatError) -> [Activity] {
        let count = try reader.count()
        var activities: [Activity] = []
        activities.reserveCapacity(reader.capacity(count, bytesEach: 27))
        for _ in 0..<count { activities.append(try readActivity(&reader)) }
        try reader.end()
        return activities
    }

    // ExposureAnalysis gives these no public initialiser, only Codable: one empty value of each, made once.
    static let emptySource: SourceFailures = {
        let empty = #"{"failedLogins":0,"usersTried":{},"hosts":[],"lastNanoseconds":0}"#
        guard let source = try? JSONDecoder().decode(SourceFailures.self, from: Data(empty.utf8)) else { preconditionFailure("SourceFailures' coding changed") }
        return source
    }()
    static let emptyAccount: AccountFailures = {
        let empty = #"{"count":0,"firstNanoseconds":0,"lastNanoseconds":0,"sources":[]}"#
        guard let account = try? JSONDecoder().decode(AccountFailures.self, from: Data(empty.utf8)) else { preconditionFailure("AccountFailures' coding changed") }
        return account
    }()

    static let emptyKey: FailureSummary.AccountKey = {
        guard let key = try? JSONDecoder().decode(FailureSummary.AccountKey.self, from: Data(#"{"host":"","user":""}"#.utf8)) else { preconditionFailure("AccountKey's coding changed") }
        return key
    }()

    static func readFailures(_ reader: inout Reader) throws(PartialFormatError) -> FailureSummary {
        var failures = FailureSummary()
        let sourceCount = try reader.count()
        failures.sources.reserveCapacity(reader.capacity(sourceCount, bytesEach: 6))
        for _ in 0..<sourceCount {
            let address = try reader.string()
            var source = emptySource
            source.failedLogins = try reader.int()
            let userCount = try reader.count()
            for _ in 0..<userCount {
                let user = try reader.string()
                source.usersTried[user] = try reader.int()
            }
            let hostCount = try reader.count()
            for _ in 0..<hostCount { source.hosts.insert(try reader.string()) }
            if try reader.presence() { source.first = try readActivity(&reader) }
            source.lastNanoseconds = try reader.signed()
            failures.sources[address] = source
        }
        let accountCount = try reader.count()
        failures.accounts.reserveCapacity(reader.capacity(accountCount, bytesEach: 6))
        for _ in 0..<accountCount {
            var key = emptyKey
            key.host = try reader.string()
            key.user = try reader.string()
            var account = emptyAccount
            account.count = try reader.int()
            account.firstNanoseconds = try reader.signed()
            account.lastNanoseconds = try reader.signed()
            let addressCount = try reader.count()
            for _ in 0..<addressCount { account.sources.insert(try reader.string()) }
            failures.accounts[key] = account
        }
        guard failures.sources.count == sourceCount, failures.accounts.count == accountCount else { throw reader.failure("a source or account given twice") }
        try reader.end()
        return failures
    }

    static func readCoverage(_ reader: inout Reader) throws(PartialFormatError) -> [CoverageAccumulator] {
        let count = try reader.count()
        var coverage: [CoverageAccumulator] = []
        coverage.reserveCapacity(reader.capacity(count, bytesEach: 5))
        for _ in 0..<count {
            var series = CoverageAccumulator(host: try reader.string(), source: try reader.string())
            series.lines = try reader.int()
            let fileCount = try reader.count()
            series.files.reserveCapacity(reader.capacity(fileCount, bytesEach: 1))
            for _ in 0..<fileCount { series.files.insert(try reader.fileIndex()) }
            let minuteCount = try reader.count()
            series.minutes.reserveCapacity(reader.capacity(minuteCount, bytesEach: 1))
            var minute: Int64 = 0
            for position in 0..<minuteCount {
                if position == 0 {
                    minute = try reader.signed()
                } else {
                    let gap = try reader.unsigned()
                    guard gap > 0, gap <= UInt64(Int64.max), case (let next, false) = minute.addingReportingOverflow(Int64(gap)) else {
                        throw reader.failure("coverage minutes not ascending")
                    }
                    minute = next
                }
                series.minutes.insert(minute)
            }
            coverage.append(series)
        }
        try reader.end()
        return coverage
    }

    static func readNulLines(_ reader: inout Reader) throws(PartialFormatError) -> [Int: NulLineCount] {
        let count = try reader.count()
        var nulLines: [Int: NulLineCount] = [:]
        nulLines.reserveCapacity(reader.capacity(count, bytesEach: 4))
        for _ in 0..<count {
            let file = try reader.fileIndex()
            nulLines[file] = NulLineCount(count: try reader.int(), firstLine: try reader.int(), firstOffset: try reader.signed())
        }
        guard nulLines.count == count else { throw reader.failure("a file's NUL lines given twice") }
        try reader.end()
        return nulLines
    }

    static func readSecrets(_ reader: inout Reader) throws(PartialFormatError) -> [[UInt8]: [UInt8]] {
        let count = try reader.count()
        var secrets: [[UInt8]: [UInt8]] = [:]
        secrets.reserveCapacity(reader.capacity(count, bytesEach: 2))
        for _ in 0..<count {
            let value = try reader.data()
            secrets[value] = try reader.data()
        }
        guard secrets.count == count else { throw reader.failure("a secret given twice") }
        try reader.end()
        return secrets
    }

    /// A 64-bit checksum of `bytes` (per 8-byte little-endian word, the last padded with zeros:
    /// `h = rotl((h ^ word) &* 0x9E3779B97F4A7C15, 29)`, from `h = 0x5370_6F6F_7232_0000 ^ count`), as 16 hex
    /// digits. Each step is a bijection of `h`, so any change within one word always shows.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> String {
        var hash: UInt64 = 0x5370_6F6F_7232_0000 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for word in 0..<words {
            let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
            hash = ((hash ^ value) &* 0x9E37_79B9_7F4A_7C15).rotateLeft(29)
        }
        if bytes.count % 8 != 0 {
            var value: UInt64 = 0
            for index in (words * 8)..<bytes.count { value |= UInt64(bytes[index]) << (UInt64(index - words * 8) * 8) }
            hash = ((hash ^ value) &* 0x9E37_79B9_7F4A_7C15).rotateLeft(29)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension UInt64 {
    fileprivate func rotateLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

/// A partial report that cannot be read: which part, where, and what is wrong.
public struct PartialFormatError: Error, Sendable, CustomStringConvertible {
    /// `header`, or a binary section's name.
    public var section: String
    /// Byte offset in the file.
    public var offset: Int
    public var message: String

    public var description: String { "section \(section), byte \(offset): \(message)" }
}
