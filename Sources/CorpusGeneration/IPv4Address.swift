/// An IPv4 address as a 32-bit value, with the address blocks the corpus draws from.
///
/// External addresses come only from the RFC 5737 documentation blocks (192.0.2.0/24,
/// 198.51.100.0/24, 203.0.113.0/24); internal ones from 10.0.0.0/8.
struct IPv4Address: Sendable, Hashable, CustomStringConvertible {
    /// The address in host byte order (`10.0.1.10` is `0x0A00_010A`).
    var value: UInt32

    /// Creates an address from its four octets.
    init(_ first: UInt8, _ second: UInt8, _ third: UInt8, _ fourth: UInt8) {
        value = UInt32(first) << 24 | UInt32(second) << 16 | UInt32(third) << 8 | UInt32(fourth)
    }

    /// Dotted-quad text.
    var description: String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    /// A random host address (1…254) in one of the three RFC 5737 documentation blocks, never in
    /// 203.0.113.64/26, which only the planted attack stories use (so background noise never wears
    /// an attacker's address).
    static func randomDocumentationAddress(_ random: inout SeededRandom) -> IPv4Address {
        let block = random.below(3)
        let host = UInt8(truncatingIfNeeded: random.between(1, 254))
        switch block {
        case 0: return IPv4Address(192, 0, 2, host)
        case 1: return IPv4Address(198, 51, 100, host)
        default: return IPv4Address(203, 0, 113, (64...127).contains(host) ? host + 64 : host)
        }
    }
}
