import ZlibCodec

/// Test helper: the whole decoded content of a gzip file, and how many members it had.
enum GzipTestDecoding {
    struct Decoded {
        var bytes: [UInt8]
        var members: Int
    }

    static func decode(_ stored: [UInt8]) throws -> Decoded {
        let (bytes, members) = try GzipDecoder.decodeAll(stored)
        return Decoded(bytes: bytes, members: members)
    }
}
