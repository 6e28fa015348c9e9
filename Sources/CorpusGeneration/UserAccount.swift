/// A local account on a simulated host, with what its log lines need pre-rendered as bytes.
struct UserAccount: Sendable {
    /// Login name.
    let name: String
    /// Numeric user id.
    let uid: Int
    /// Home folder.
    let home: String
    /// Where the person behind the account usually connects from.
    let sourceAddress: IPv4Address
    /// `ED25519 SHA256:<43 base64 characters>`, the key sshd logs on a publickey login.
    let keyFingerprint: [UInt8]

    let nameBytes: [UInt8]
    let homeBytes: [UInt8]
    /// The name right-aligned in eight columns, as sudo's `%8s : ` log format prints it.
    let sudoColumnBytes: [UInt8]

    init(name: String, uid: Int, sourceAddress: IPv4Address, random: inout SeededRandom) {
        self.name = name
        self.uid = uid
        home = "/home/" + name
        self.sourceAddress = sourceAddress
        nameBytes = Array(name.utf8)
        homeBytes = Array(home.utf8)
        let padding = max(0, 8 - nameBytes.count)
        sudoColumnBytes = [UInt8](repeating: UInt8(ascii: " "), count: padding) + nameBytes
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var fingerprint = Array("ED25519 SHA256:".utf8)
        for _ in 0..<43 { fingerprint.append(alphabet[random.below(alphabet.count)]) }
        keyFingerprint = fingerprint
    }
}
