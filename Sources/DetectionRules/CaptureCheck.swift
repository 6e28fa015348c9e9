/// A check a captured value must pass for its rule to match (`entities: {x: {check: luhn}}`): a regex
/// finds the shape, the check removes the look-alikes (a 16-digit order number is not a card number).
public enum CaptureCheck: String, Sendable, Codable, CaseIterable {
    /// Payment card number: 13–19 digits (spaces and dashes between them ignored) with a valid Luhn
    /// check digit.
    case luhn
    /// UK National Insurance number: two prefix letters from the allowed set, six digits, a suffix
    /// A–D (HMRC's published format; spaces ignored).
    case ukNino = "uk-nino"

    public func accepts(_ bytes: some Sequence<UInt8>) -> Bool {
        switch self {
        case .luhn: return Self.passesLuhn(bytes)
        case .ukNino: return Self.isNationalInsuranceNumber(bytes)
        }
    }

    static func passesLuhn(_ bytes: some Sequence<UInt8>) -> Bool {
        var digits: [Int] = []
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x39 { digits.append(Int(byte - 0x30)) }
            else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") { return false }
        }
        guard (13...19).contains(digits.count), Set(digits).count > 1 else { return false }
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            if position % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func isNationalInsuranceNumber(_ bytes: some Sequence<UInt8>) -> Bool {
        let characters = bytes.filter { $0 != UInt8(ascii: " ") }.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        guard characters.count == 9 else { return false }
        let first = characters[0], second = characters[1]
        func isLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        guard isLetter(first), isLetter(second) else { return false }
        // D, F, I, Q, U and V are never used; O is not a second letter; BG, GB, KN, NK, NT, TN and ZZ are not issued.
        let neverUsed: Set<UInt8> = Set("DFIQUV".utf8)
        if neverUsed.contains(first) || neverUsed.contains(second) || second == UInt8(ascii: "O") { return false }
        let prefix = String(decoding: [first, second], as: UTF8.self)
        if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(prefix) { return false }
        guard characters[2..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return (0x41...0x44).contains(characters[8])
    }
}
