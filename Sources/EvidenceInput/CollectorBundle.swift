import Foundation
import RecordParsing

/// A triage collection found among the evidence — today UAC's (Unix-like Artifacts Collector) layout:
/// `uac.log` at the top, the host's files under `[root]/` (`[root]/var/log/auth.log`), command output
/// under `live_response/` (`live_response/system/timedatectl.txt`) — in a folder or an archive.
///
/// What it gives the scan: when the collection was made (the latest stamp of `uac.log`, whose lines
/// read `2024-03-08 10:50:12 +0000 INFO …`), an upper bound for the year of the year-less syslog lines
/// of its files; and the host's zone, from `timedatectl` (`Time zone: Europe/London (GMT, +0000)`) or
/// `[root]/etc/timezone`.
public struct CollectorBundle: Sendable, Equatable {
    /// What collected it (`uac`).
    public var collector: String
    /// The display-path prefix of every file of the collection (`uac-web01.tar.gz!`, `cases/uac-web01/`).
    public var root: String
    /// When the collection was made, seconds since 1970 UTC, and the file that says so.
    public var acquisitionTime: Int64?
    public var acquisitionSource: String?
    /// The host's zone (a tz name) and the file that says so.
    public var zone: String?
    public var zoneSource: String?

    /// Members whose content the archive listing keeps (small text files that describe the collection).
    public static func isMetadataName(_ name: String) -> Bool {
        name == "uac.log" || name.hasSuffix("/uac.log") || name.hasSuffix("timedatectl.txt") || name.hasSuffix("etc/timezone")
    }

    /// The largest metadata file read.
    public static let metadataLimit = 256 << 10

    /// The collections among `files`, in evidence order.
    public static func find(in files: [EvidenceFile]) -> [CollectorBundle] {
        var bundles: [CollectorBundle] = []
        for file in files where file.displayPath.hasSuffix("uac.log") {
            let root = String(file.displayPath.dropLast("uac.log".count))
            guard root.isEmpty || root.hasSuffix("/") || root.hasSuffix("!") else { continue }
            // UAC's layout: the host's files under `[root]/`.
            guard files.contains(where: { $0.displayPath.hasPrefix(root + "[root]/") }) else { continue }
            var bundle = CollectorBundle(collector: "uac", root: root)
            if let log = content(of: file), let time = latestStamp(uacLog: log) {
                bundle.acquisitionTime = time
                bundle.acquisitionSource = file.displayPath
            }
            for candidate in files where candidate.displayPath.hasPrefix(root) {
                let path = candidate.displayPath
                if path.hasSuffix("timedatectl.txt"), let text = content(of: candidate), let zone = zone(timedatectl: text) {
                    bundle.zone = zone
                    bundle.zoneSource = path
                    break
                }
            }
            if bundle.zone == nil, let timezone = files.first(where: { $0.displayPath == root + "[root]/etc/timezone" }),
               let text = content(of: timezone) {
                let name = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if !name.isEmpty && !name.contains(" ") {
                    bundle.zone = name
                    bundle.zoneSource = timezone.displayPath
                }
            }
            bundles.append(bundle)
        }
        return bundles
    }

    /// The collection `path` belongs to (the longest root that prefixes it).
    public static func bundle(of path: String, in bundles: [CollectorBundle]) -> CollectorBundle? {
        bundles.filter { path.hasPrefix($0.root) }.max { $0.root.count < $1.root.count }
    }

    /// A small file's bytes: an archive member's as the listing kept them, or a file's read (read-only).
    public static func content(of file: EvidenceFile) -> [UInt8]? {
        if let member = file.member { return member.content }
        guard let path = file.filesystemPath, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: metadataLimit)).map { Array($0) }
    }

    /// The latest `YYYY-MM-DD HH:MM:SS ±HHMM` stamp that begins a line of `uac.log`, UTC.
    static func latestStamp(uacLog bytes: [UInt8]) -> Int64? {
        var latest: Int64?
        for line in bytes.split(separator: 0x0A) {
            let text = Array(line.prefix(25))
            guard text.count >= 19 else { continue }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    guard (0x30...0x39).contains(text[index]) else { return nil }
                    value = value * 10 + Int(text[index] - 0x30)
                }
                return value
            }
            guard text[4] == 0x2D, text[7] == 0x2D, text[10] == 0x20, text[13] == 0x3A, text[16] == 0x3A,
                  let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
                  let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { continue }
            var offset = 0
            if text.count >= 25, text[19] == 0x20, text[20] == 0x2B || text[20] == 0x2D, let hours = number(21..<23), let minutes = number(23..<25) {
                offset = (hours * 3600 + minutes * 60) * (text[20] == 0x2D ? -1 : 1)
            }
            let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
            let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
            latest = max(latest ?? seconds, seconds)
        }
        return latest
    }

    /// The zone name of `timedatectl` output: `Time zone: Europe/London (GMT, +0000)`.
    static func zone(timedatectl bytes: [UInt8]) -> String? {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Time zone:") else { continue }
            let name = trimmed.dropFirst("Time zone:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
            if let name, !name.isEmpty, name != "n/a" { return name }
        }
        return nil
    }
}
