import DetectionRules
import Foundation
import Scanning
import ZlibCodec

/// Evidence trees and rules built by the tests, in a private temporary folder.
struct ScanFixtures {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("spoor-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func write(_ relativePath: String, _ bytes: [UInt8]) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }

    static func gzip(_ text: String, mtime: UInt32 = 1_741_305_600) throws -> [UInt8] {
        try GzipEncoder().member(of: Array(text.utf8), modificationTime: mtime)
    }

    /// An auth.log-shaped text of `count` lines: mostly noise, every 7th line a failed password,
    /// every 50th a sudo to a root shell.
    static func authLog(lines count: Int, host: String = "web01", seed: Int = 0) -> String {
        var out = ""
        for index in 0..<count {
            let second = (index + seed) % 60
            let minute = ((index + seed) / 60) % 60
            let stamp = "Mar  7 10:\(minute < 10 ? "0" : "")\(minute):\(second < 10 ? "0" : "")\(second)"
            if index % 50 == 49 {
                out += "\(stamp) \(host) sudo:  svc-backup : TTY=pts/0 ; PWD=/home/svc-backup ; USER=root ; COMMAND=/bin/bash\n"
            } else if index % 7 == 3 {
                out += "\(stamp) \(host) sshd[\(2000 + index)]: Failed password for invalid user user\(index % 13) from 203.0.113.\(index % 200) port \(40000 + index) ssh2\n"
            } else {
                out += "\(stamp) \(host) CRON[\(3000 + index)]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"
            }
        }
        return out
    }

    static let rulesYAML = """
    title: SSH password failure
    id: 5f0f7a57-8a0b-4c1e-9d35-000000000001
    name: sshd_password_failure
    logsource: {product: linux, service: sshd}
    detection:
        selection:
            message|re: '^Failed (?<auth_method>password|keyboard-interactive(?:/pam)?) for (?:invalid user )?(?<user>.{0,100}?) from (?<src_ip>[0-9A-Fa-f:.]{2,45}) port (?<src_port>\\d{1,5})'
        condition: selection
    level: low
    ---
    title: Root shell through sudo
    id: 5f0f7a57-8a0b-4c1e-9d35-000000000002
    logsource: {product: linux, service: sudo}
    detection:
        selection:
            message|contains|all: ['USER=root', 'COMMAND=']
        shell:
            message|endswith: ['/bin/bash', '/bin/sh']
        condition: selection and shell
    level: high
    """

    static func rules() throws -> RuleSet {
        let loaded = try RuleLoader().loadDocuments(rulesYAML, path: "test-rules.yml")
        return try RuleSet(rules: loaded, files: ["test-rules.yml"], sha256: "test")
    }
}
