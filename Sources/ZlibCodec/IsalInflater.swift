import CIsal
import Foundation

/// Which library inflates gzip evidence.
public enum InflateBackend: String, Sendable, CaseIterable {
    case zlib
    case isal

    /// Whether ISA-L can be used here (its header was present at build time and `libisal.so.2` loads).
    public static var isISALAvailable: Bool { spoor_isal_available() != 0 }

    /// ISA-L where it is available, zlib otherwise; `SPOOR_INFLATE=zlib` (or `isal`) in the environment
    /// chooses (`isal` still falls back to zlib where ISA-L is missing).
    public static var preferred: InflateBackend {
        switch ProcessInfo.processInfo.environment["SPOOR_INFLATE"] {
        case "zlib": return .zlib
        default: return isISALAvailable ? .isal : .zlib
        }
    }
}

/// ISA-L's streaming gzip inflate (`isal_inflate` with the gzip wrapper: header parsed, CRC-32 and length
/// checked), the only owner of its state. ``GzipDecoder`` uses it behind its own contract.
final class IsalInflater {
    private let inflater: OpaquePointer

    /// Nil when ISA-L is not available.
    init?() {
        guard let inflater = spoor_isal_create() else { return nil }
        self.inflater = inflater
    }

    deinit {
        spoor_isal_destroy(inflater)
    }

    /// Ready for the next member.
    func reset() {
        spoor_isal_reset(inflater)
    }

    enum Status {
        case progress
        case memberEnded
        case failed(code: Int32)
    }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> (status: Status, consumed: Int, produced: Int) {
        var consumed = 0
        var produced = 0
        let code = spoor_isal_inflate(inflater, input.baseAddress!.assumingMemoryBound(to: UInt8.self), input.count, &consumed,
                                      output.baseAddress!.assumingMemoryBound(to: UInt8.self), output.count, &produced)
        switch code {
        case 0: return (.progress, consumed, produced)
        case 1: return (.memberEnded, consumed, produced)
        default: return (.failed(code: code), consumed, produced)
        }
    }

    /// ISA-L's error codes in words (its header's own descriptions).
    static func message(_ code: Int32) -> String {
        switch code {
        case -1: return "invalid deflate block"
        case -2: return "invalid deflate symbol"
        case -3: return "invalid lookback distance"
        case -4: return "invalid gzip header"
        case -5: return "unsupported compression method"
        case -6: return "incorrect checksum"
        default: return "ISA-L status \(code)"
        }
    }
}
