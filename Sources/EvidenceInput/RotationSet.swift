/// Groups evidence files into logrotate sets and orders each set from newest to oldest.
///
/// Recognised names: `auth.log`, `auth.log.1`, `auth.log.2.gz` (numeric, `delaycompress`) and
/// `secure-20240114[.gz]` (`dateext`). The live file (no suffix) is the newest, then `.1`, `.2`, …;
/// dated members are ordered by date, newest first. Files of other names are sets of one.
public struct RotationSet: Sendable, Equatable {
    /// The folder and base name shared by the members (`var/log/auth.log`).
    public var key: String
    /// Indexes into the evidence list, newest first.
    public var members: [Int]

    public static func group(_ paths: [String]) -> [RotationSet] {
        var sets: [String: [(index: Int, age: Int)]] = [:]
        var order: [String] = []
        for (index, path) in paths.enumerated() {
            let (key, age) = rotationKey(path)
            if sets[key] == nil { order.append(key) }
            sets[key, default: []].append((index, age))
        }
        return order.map { key in
            RotationSet(key: key, members: sets[key]!.sorted { ($0.age, $0.index) < ($1.age, $1.index) }.map(\.index))
        }
    }

    /// The set key and an age rank (0 is the live file; 1… the numbered generations; 100,000 and more
    /// for date-suffixed files, older as it grows).
    public static func rotationKey(_ path: String) -> (key: String, age: Int) {
        var name = Substring(path)
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        // Numeric suffix: auth.log.3
        if let dot = name.lastIndex(of: "."), let number = Int(name[name.index(after: dot)...]), number >= 0, number < 100_000 {
            return (String(name[..<dot]), number)
        }
        // Date suffix: secure-20240114 (newest first: age grows as the date falls).
        if let dash = name.lastIndex(of: "-") {
            let suffix = name[name.index(after: dash)...]
            if suffix.count == 8, let date = Int(suffix), date > 19_700_101 {
                return (String(name[..<dash]), 100_000_000 - date)
            }
        }
        return (String(name), 0)
    }
}
