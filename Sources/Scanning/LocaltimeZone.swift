import Foundation

/// Names the zone of an `etc/localtime` found in the evidence: from its symbolic link target
/// (`…/zoneinfo/Europe/London`), or, for a copied TZif file, by finding the identical file in this
/// machine's tz database. Nil when neither works (the scan then says the zone was assumed).
enum LocaltimeZone {
    static let zoneinfo = "/usr/share/zoneinfo"

    static func identifier(ofLocaltimeAt path: String) -> String? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path),
           let range = target.range(of: "zoneinfo/") {
            return String(target[range.upperBound...])
        }
        guard let data = FileManager.default.contents(atPath: path), data.starts(with: Array("TZif".utf8)) else { return nil }
        return matchingZone(data)
    }

    /// The tz database name whose file has exactly these bytes (the shortest name when several do).
    static func matchingZone(_ data: Data) -> String? {
        guard let enumerator = FileManager.default.enumerator(atPath: zoneinfo) else { return nil }
        var matches: [String] = []
        for case let relative as String in enumerator {
            if relative.hasPrefix("posix/") || relative.hasPrefix("right/") { continue }
            let path = zoneinfo + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  (attributes[.size] as? NSNumber)?.intValue == data.count,
                  FileManager.default.contents(atPath: path) == data else { continue }
            matches.append(relative)
        }
        return matches.sorted { ($0.count, $0) < ($1.count, $1) }.first { $0.contains("/") } ?? matches.first
    }
}
