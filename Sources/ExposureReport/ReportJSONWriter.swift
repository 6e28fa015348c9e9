/// Writes the report's two large sections, findings and sessions, as JSON without Foundation's
/// `JSONEncoder`, byte for byte as ``ScanReport/makeJSONEncoder()`` writes them: pretty-printed with
/// two-space indents and `"key" : value`, keys in UTF-8 byte order, absent optionals left out, slashes
/// not escaped, `"`, `\` and control characters escaped as swift-foundation does (`\b \f \n \r \t`,
/// else `\u00xx` in lower-case hex), every other byte (UTF-8 included) as it is.
///
/// The encoder builds a tree of boxed values and sorts every object's keys; this writes each type's
/// keys in their sorted order straight into one buffer, about ten times faster on a report of tens
/// of thousands of findings. `ReportJSONWriterTests` hold the two equal on real findings and sessions
/// and on values with every optional set and every escape, and count each type's stored properties,
/// so a property added to one of these types without its line here fails a test.
public struct ReportJSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var depth = 0
    private var isFirst = true

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// `values` as a top-level JSON array, exactly as the report's encoder gives it (no final newline).
    public static func encode<Value: ReportJSONWritable>(_ values: [Value], capacity: Int = 0) -> [UInt8] {
        var writer = ReportJSONWriter(capacity: capacity)
        writer.array(values)
        return writer.bytes
    }

    /// The state of the container around an opened one, restored when it closes.
    public struct Container {
        fileprivate let outerIsFirst: Bool
    }

    public mutating func openObject() -> Container {
        open(UInt8(ascii: "{"))
    }

    public mutating func closeObject(_ container: Container) {
        close(UInt8(ascii: "}"), container)
    }

    public mutating func openArray() -> Container {
        open(UInt8(ascii: "["))
    }

    public mutating func closeArray(_ container: Container) {
        close(UInt8(ascii: "]"), container)
    }

    /// Starts an object member: `key` must need no escape, and keys must come in UTF-8 byte order.
    public mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), 0x20, UInt8(ascii: ":"), 0x20])
    }

    /// Starts an object member whose key is any text (a dictionary's key).
    public mutating func key(text key: String) {
        separate()
        string(key)
        bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
    }

    /// Starts an array element.
    public mutating func element() {
        separate()
    }

    public mutating func string(_ value: String) {
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer<Value: BinaryInteger>(_ value: Value) {
        bytes.append(contentsOf: value.description.utf8)
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    // Members as the synthesized `Encodable` conformance writes them: optionals only when present.

    public mutating func member(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        member(name, value)
    }

    public mutating func member<Value: BinaryInteger>(_ name: StaticString, _ value: Value) {
        key(name)
        integer(value)
    }

    public mutating func member<Value: BinaryInteger>(_ name: StaticString, _ value: Value?) {
        guard let value else { return }
        member(name, value)
    }

    public mutating func member(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func member(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        member(name, value)
    }

    public mutating func member<Value: ReportJSONWritable>(_ name: StaticString, _ value: Value) {
        key(name)
        value.write(to: &self)
    }

    public mutating func member<Value: ReportJSONWritable>(_ name: StaticString, _ value: Value?) {
        guard let value else { return }
        member(name, value)
    }

    public mutating func member<Value: ReportJSONWritable>(_ name: StaticString, _ values: [Value]) {
        key(name)
        array(values)
    }

    public mutating func member(_ name: StaticString, _ values: [String]) {
        key(name)
        let container = openArray()
        for value in values {
            element()
            string(value)
        }
        closeArray(container)
    }

    /// A dictionary of strings: an object, its keys sorted by their UTF-8 bytes as the encoder sorts them.
    public mutating func member(_ name: StaticString, _ values: [String: String]) {
        key(name)
        let container = openObject()
        for (key, value) in values.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            self.key(text: key)
            string(value)
        }
        closeObject(container)
    }

    public mutating func array<Value: ReportJSONWritable>(_ values: [Value]) {
        let container = openArray()
        for value in values {
            element()
            value.write(to: &self)
        }
        closeArray(container)
    }

    private mutating func open(_ bracket: UInt8) -> Container {
        bytes.append(bracket)
        bytes.append(0x0a)
        depth += 1
        defer { isFirst = true }
        return Container(outerIsFirst: isFirst)
    }

    private mutating func close(_ bracket: UInt8, _ container: Container) {
        bytes.append(0x0a)
        depth -= 1
        indent()
        bytes.append(bracket)
        isFirst = container.outerIsFirst
    }

    private mutating func separate() {
        if isFirst {
            isFirst = false
        } else {
            bytes.append(UInt8(ascii: ","))
            bytes.append(0x0a)
        }
        indent()
    }

    private mutating func indent() {
        for _ in 0..<depth {
            bytes.append(0x20)
            bytes.append(0x20)
        }
    }

    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0c: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0a: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            default:
                let digits = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          digits[Int(byte >> 4)], digits[Int(byte & 15)]])
            }
            start = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<text.count]))
    }
}

/// A report type ``ReportJSONWriter`` writes: its members in the order of their JSON keys' bytes.
public protocol ReportJSONWritable {
    func write(to writer: inout ReportJSONWriter)
}

extension Finding: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("damaged_data", isFromDamagedData)
        writer.member("evidence", evidence)
        writer.member("fields", fields)
        writer.member("id", id)
        writer.member("rule", rule)
        writer.member("time", time)
        writer.closeObject(container)
    }
}

extension FindingRule: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("author", author)
        writer.member("id", id)
        writer.member("level", level)
        writer.member("license", license)
        writer.member("name", name)
        writer.member("source", source)
        writer.member("tags", tags)
        writer.member("title", title)
        writer.closeObject(container)
    }
}

extension FindingTime: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("ambiguous", isAmbiguous)
        writer.member("confidence", confidence)
        writer.member("text", text)
        writer.member("utc", utc)
        writer.member("year_source", yearSource)
        writer.member("zone_source", zoneSource)
        writer.closeObject(container)
    }
}

extension EvidenceLocation: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("bytes", bytes)
        writer.member("line", line)
        writer.member("offset", offset)
        writer.member("path", path)
        writer.member("redacted", isRedacted)
        writer.member("text", text)
        writer.member("truncated", isTruncated)
        writer.closeObject(container)
    }
}

extension LoginSession: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("auth_method", authMethod)
        writer.member("bytes_read", bytesRead)
        writer.member("bytes_written", bytesWritten)
        writer.member("commands", commands)
        writer.member("commands_total", commandsTotal)
        writer.member("duration_seconds", durationSeconds)
        writer.member("end", end)
        writer.member("evidence", evidence)
        writer.member("files", files)
        writer.member("files_total", filesTotal)
        writer.member("host", host)
        writer.member("id", id)
        writer.member("key_fingerprint", keyFingerprint)
        writer.member("logind_session", logindSession)
        writer.member("malicious", isMalicious)
        writer.member("source", source)
        writer.member("source_port", sourcePort)
        writer.member("start", start)
        writer.member("user", user)
        writer.closeObject(container)
    }
}

extension SessionCommand: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("command", command)
        writer.member("denied", isDenied)
        writer.member("evidence", evidence)
        writer.member("run_as", runAs)
        writer.member("time", time)
        writer.member("via", via)
        writer.closeObject(container)
    }
}

extension SessionFile: ReportJSONWritable {
    public func write(to writer: inout ReportJSONWriter) {
        let container = writer.openObject()
        writer.member("bytes_read", bytesRead)
        writer.member("bytes_written", bytesWritten)
        writer.member("evidence", evidence)
        writer.member("new_path", newPath)
        writer.member("operation", operation)
        writer.member("path", path)
        writer.member("time", time)
        writer.closeObject(container)
    }
}
