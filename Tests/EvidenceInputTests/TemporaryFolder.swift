import Foundation

/// A private folder under the system temporary directory, removed by ``remove()``.
struct TemporaryFolder {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` at `relativePath`, creating folders on the way; returns the full path.
    @discardableResult
    func write(_ relativePath: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    func makeFolder(_ relativePath: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(relativePath), withIntermediateDirectories: true)
    }

    /// Creates a symbolic link at `relativePath` whose target text is `destination` (not resolved).
    func link(_ relativePath: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url.appendingPathComponent(relativePath).path, withDestinationPath: destination)
    }
}

/// SHA-256 of a file as `sha256sum` prints it: an independent implementation of the digest.
func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}

/// Real-shaped auth.log text of `lines` lines.
func authLog(lines: Int, host: String = "web01") -> [UInt8] {
    var text = ""
    for index in 0..<lines {
        let second = index % 60
        let stamp = "Mar  7 10:01:\(second < 10 ? "0" : "")\(second)"
        if index % 4 == 1 {
            text += "\(stamp) \(host) sshd[\(2100 + index)]: Invalid user oracle\(index) from 198.51.100.\(index % 250) port \(50000 + index)\n"
        } else {
            text += "\(stamp) \(host) systemd-logind[612]: New session \(index) of user deploy.\n"
        }
    }
    return Array(text.utf8)
}

/// Bytes that deflate cannot shrink (a fixed xorshift sequence), to make gzip files of a known size.
func incompressibleBytes(_ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> [UInt8] {
    var state = seed
    var out: [UInt8] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        out.append(UInt8(truncatingIfNeeded: state))
    }
    return out
}
