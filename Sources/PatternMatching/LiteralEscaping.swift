/// Builds PCRE2 source that matches a byte string literally.
///
/// Letters, digits and `_` stay as they are; every other byte becomes `\xHH`, so no byte can be read
/// as a metacharacter and non-UTF-8 bytes survive unchanged.
public enum LiteralEscaping {
    public static func pattern(matching literal: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for byte in literal {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x5f {
                out.append(byte)
            } else {
                out.append(contentsOf: Array("\\x".utf8))
                let hex = Array("0123456789abcdef".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xf)])
            }
        }
        return out
    }
}
