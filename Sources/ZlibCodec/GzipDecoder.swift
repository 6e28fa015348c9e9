import CZlib

/// Streaming gzip decompression over zlib, the only owner of zlib's inflate state.
///
/// Feed stored bytes with ``decode(_:into:)`` and call ``finish()`` at end of input.
/// Contract:
/// - Concatenated members (as `cat a.gz b.gz` makes) decode as one stream; ``membersCompleted`` counts them.
/// - Bytes after a complete member that do not start another gzip member are *trailing garbage*: they are
///   not decoded, ``trailingGarbageBytes`` counts them, and decoding reports ``GzipDecodeStep/isFinished``.
/// - Damage is reported as ``GzipError`` once zlib sees it. A corrupted byte inside a member is often only
///   detected by the member's CRC check at its end, after its bytes were handed out: callers that keep
///   results from before an error must flag them as coming from damaged data.
/// - End of input inside a member is ``GzipError/truncated`` from ``finish()``.
public final class GzipDecoder {
    private var stream = z_stream()
    private var isInitialised = false
    /// The library that inflates: ISA-L where available (``InflateBackend/preferred``), else zlib. Both
    /// keep this type's contract: the same bytes, members, trailing garbage and kinds of error.
    public let backend: InflateBackend
    private let isal: IsalInflater?
    /// Members whose trailer (CRC and length) checked out.
    public private(set) var membersCompleted = 0
    /// True between the end of a member and the first byte of the next.
    private var isBetweenMembers = false
    /// Set once trailing bytes that are not a gzip member were seen; input after that is only counted.
    public private(set) var trailingGarbageBytes = 0
    /// Stored (compressed) bytes consumed so far, trailing garbage included.
    public private(set) var consumedBytes = 0
    /// Decompressed bytes produced so far.
    public private(set) var producedBytes = 0
    /// An error zlib reported in a call that also produced bytes: those bytes are returned first and
    /// the error is thrown by the next call, so nothing decoded before damage is lost.
    private var deferredError: GzipError?
    /// Pending header bytes when a member boundary falls between two input blocks (we need two bytes to sniff).
    private var pendingMagic: [UInt8] = []

    public init(backend: InflateBackend = .preferred) throws(GzipError) {
        if backend == .isal, let isal = IsalInflater() {
            self.isal = isal
            self.backend = .isal
            return
        }
        isal = nil
        self.backend = .zlib
        let status = spoor_inflate_init_gzip(&stream)
        guard status == Z_OK else { throw .initialisation(code: status) }
        isInitialised = true
    }

    deinit {
        if isInitialised { inflateEnd(&stream) }
    }

    /// Decodes as much of `input` as fits into `output`.
    ///
    /// Returns how many input bytes were consumed and output bytes produced. Call again with the
    /// unconsumed rest when `consumed < input.count`. Throws on corrupt data; what was produced before
    /// the damage has already been returned by earlier calls.
    public func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(GzipError) -> GzipDecodeStep {
        if let deferredError {
            throw deferredError
        }
        if trailingGarbageBytes > 0 {
            trailingGarbageBytes += input.count
            consumedBytes += input.count
            return GzipDecodeStep(consumed: input.count, produced: 0, isFinished: true)
        }
        guard input.count > 0, output.count > 0 else { return GzipDecodeStep(consumed: 0, produced: 0, isFinished: false) }
        if isBetweenMembers {
            // Decide whether the next bytes start another member: 1f 8b, or else trailing garbage.
            let first = input[0]
            if first != 0x1f || (input.count > 1 && input[1] != 0x8b) {
                trailingGarbageBytes = input.count
                consumedBytes += input.count
                return GzipDecodeStep(consumed: input.count, produced: 0, isFinished: true)
            }
            if input.count == 1 {
                // Cannot decide on one byte; ask for more by consuming nothing. The caller supplies more.
                return GzipDecodeStep(consumed: 0, produced: 0, isFinished: false)
            }
            isBetweenMembers = false
            if let isal {
                isal.reset()
            } else {
                let status = inflateReset(&stream)
                guard status == Z_OK else { throw .initialisation(code: status) }
            }
        }
        if let isal { return try decodeWithISAL(isal, input, into: output) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.avail_in)
        let produced = output.count - Int(stream.avail_out)
        consumedBytes += consumed
        producedBytes += produced
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        case Z_STREAM_END:
            membersCompleted += 1
            isBetweenMembers = true
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        default:
            let error: GzipError
            if status == Z_DATA_ERROR {
                let message = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                if message.contains("incorrect data check") || message.contains("incorrect length check") {
                    error = .checksumMismatch(member: membersCompleted + 1, message: message)
                } else {
                    error = .corruptData(member: membersCompleted + 1, message: message)
                }
            } else if status == Z_MEM_ERROR {
                error = .outOfMemory
            } else {
                error = .corruptData(member: membersCompleted + 1, message: "zlib status \(status)")
            }
            guard produced > 0 else { throw error }
            deferredError = error
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        }
    }

    private func decodeWithISAL(_ isal: IsalInflater, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(GzipError) -> GzipDecodeStep {
        let (status, consumed, produced) = isal.inflate(input, into: output)
        consumedBytes += consumed
        producedBytes += produced
        switch status {
        case .progress:
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        case .memberEnded:
            membersCompleted += 1
            isBetweenMembers = true
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        case .failed(let code):
            let message = IsalInflater.message(code)
            // -6: the CRC-32 or the length in the trailer does not match what was decoded.
            let error: GzipError = code == -6 ? .checksumMismatch(member: membersCompleted + 1, message: message)
                                              : .corruptData(member: membersCompleted + 1, message: message)
            guard produced > 0 else { throw error }
            deferredError = error
            return GzipDecodeStep(consumed: consumed, produced: produced, isFinished: false)
        }
    }

    /// Declares the end of input. Throws ``GzipError/truncated(member:)`` when it falls inside a member,
    /// and ``GzipError/empty`` when no member was ever started.
    ///
    /// `unconsumedBytes` is what the caller still holds that ``decode(_:into:)`` did not take (a lone
    /// byte it could not yet judge): after a complete member it is trailing garbage.
    public func finish(unconsumedBytes: Int = 0) throws(GzipError) {
        if let deferredError { throw deferredError }
        if isBetweenMembers && unconsumedBytes > 0 {
            trailingGarbageBytes += unconsumedBytes
            consumedBytes += unconsumedBytes
            return
        }
        if trailingGarbageBytes > 0 || isBetweenMembers { return }
        if membersCompleted == 0 && consumedBytes == 0 { throw .empty }
        throw .truncated(member: membersCompleted + 1)
    }
}

/// The outcome of one ``GzipDecoder/decode(_:into:)`` call.
public struct GzipDecodeStep: Sendable, Equatable {
    /// Input bytes consumed.
    public var consumed: Int
    /// Output bytes written.
    public var produced: Int
    /// True once the stream ended in trailing garbage: later input is counted, never decoded.
    public var isFinished: Bool
}

/// Why gzip decoding stopped. Each case says where, in terms a report can quote.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    case initialisation(code: Int32)
    case corruptData(member: Int, message: String)
    case checksumMismatch(member: Int, message: String)
    case truncated(member: Int)
    case empty
    case outOfMemory

    public var description: String {
        switch self {
        case .initialisation(let code): return "zlib could not be initialised (status \(code))"
        case .corruptData(let member, let message): return "corrupt deflate data in gzip member \(member): \(message)"
        case .checksumMismatch(let member, let message): return "gzip member \(member) failed its integrity check (\(message)); its data was decoded but is damaged"
        case .truncated(let member): return "unexpected end of file inside gzip member \(member) (truncated)"
        case .empty: return "empty gzip stream"
        case .outOfMemory: return "zlib ran out of memory"
        }
    }
}

extension GzipDecoder {
    /// The whole decoded content of an in-memory gzip file (every member) and its member count: for
    /// small inputs held in memory (tests, fixtures); evidence is streamed through ``decode(_:into:)``.
    public static func decodeAll(_ stored: [UInt8]) throws -> (bytes: [UInt8], members: Int) {
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
        return (decoded, decoder.membersCompleted)
    }
}
