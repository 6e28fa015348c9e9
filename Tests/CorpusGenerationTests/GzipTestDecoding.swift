import ZlibCodec

/// Test helper: the whole decoded content of a gzip file, and how many members it had.
enum GzipTestDecoding {
    struct Decoded {
        var bytes: [UInt8]
        var members: Int
    }

    static func decode(_ stored: [UInt8]) throws -> Decoded {
        let decoder = try GzipDecoder()
        var output = [UInt8](repeating: 0, count: 1 << 20)
        var decoded: [UInt8] = []
        var offset = 0
        while offset < stored.count {
            let step = try stored.withUnsafeBytes { input in
                try output.withUnsafeMutableBytes { out in
                    try decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset...]), into: out)
                }
            }
            decoded.append(contentsOf: output[0..<step.produced])
            offset += step.consumed
            if step.isFinished || (step.consumed == 0 && step.produced == 0) { break }
        }
        try decoder.finish(unconsumedBytes: stored.count - offset)
        return Decoded(bytes: decoded, members: decoder.membersCompleted)
    }
}
