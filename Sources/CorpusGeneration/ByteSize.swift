/// A byte count read from text such as `200MB`, `1GB`, `4GB`, `512KiB` or `1048576`.
///
/// Decimal units are powers of 1000 (`1GB` = 1,000,000,000 bytes), binary units powers of 1024
/// (`1GiB` = 1,073,741,824). Case is ignored, a trailing `B` is optional after a unit (`200M`), and
/// a fraction is allowed (`1.5GB`).
public struct ByteSize: Sendable, Equatable, CustomStringConvertible {
    /// The number of bytes.
    public var bytes: Int

    /// Wraps a byte count.
    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// Reads `text`; throws ``CorpusError/invalidSize(text:)`` when it is not a size.
    public init(parsing text: String) throws(CorpusError) {
        let trimmed = text.trimmingWhitespace().lowercased()
        var numberEnd = trimmed.startIndex
        while numberEnd < trimmed.endIndex, trimmed[numberEnd].isNumber || trimmed[numberEnd] == "." {
            numberEnd = trimmed.index(after: numberEnd)
        }
        let numberText = trimmed[..<numberEnd]
        let unit = trimmed[numberEnd...].trimmingWhitespace()
        let multipliers: [String: Int] = [
            "": 1, "b": 1,
            "k": 1000, "kb": 1000, "m": 1_000_000, "mb": 1_000_000, "g": 1_000_000_000, "gb": 1_000_000_000,
            "t": 1_000_000_000_000, "tb": 1_000_000_000_000,
            "ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20, "gi": 1 << 30, "gib": 1 << 30, "tib": 1 << 40,
        ]
        guard !numberText.isEmpty, let multiplier = multipliers[unit] else { throw .invalidSize(text: text) }
        let parts = numberText.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : parts[0]) else { throw .invalidSize(text: text) }
        var value = whole * multiplier
        if parts.count == 2 {
            // Exact decimal fraction without floating point: "1.25" with a multiplier of 1000.
            let fractionDigits = parts[1]
            guard fractionDigits.count <= 9, let fraction = Int(fractionDigits.isEmpty ? "0" : fractionDigits) else {
                throw .invalidSize(text: text)
            }
            var scale = 1
            for _ in 0..<fractionDigits.count { scale *= 10 }
            value += fraction * multiplier / scale
        }
        bytes = value
    }

    /// `1.00 GB`, `200.00 MB`, `512 B`: decimal units, for messages.
    public var description: String {
        let units: [(Int, String)] = [(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1000, "kB")]
        for (size, name) in units where bytes >= size {
            let hundredths = bytes * 100 / size
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(name)"
        }
        return "\(bytes) B"
    }
}

private extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
