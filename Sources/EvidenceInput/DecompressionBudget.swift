import Foundation

/// Limits on what one piece of evidence given to the scan (a file, standard input, or an archive with
/// everything inside it) may decompress to: the defence against compression bombs.
///
/// A scan never writes what it decompresses, so a bomb cannot fill a disk; what it can do is make the
/// scan run for ever (42.zip holds 4.5 PB in 42 KB). Real logs compress 5–30 ×, rarely 100 × even with
/// xz; a single deflate stream cannot pass about 1,032 ×, while bzip2 of zeros and nested archives go far
/// beyond. So the default allows 500 × the stored size once 256 MiB have been produced (small files that
/// compress very well never trip it), and 256 GiB in all.
public struct DecompressionLimits: Sendable, Equatable {
    /// Bytes produced per stored byte, checked once ``ratioFloorBytes`` have been produced; 0: no limit.
    public var maximumRatio: Int
    /// The ratio is only checked past this many produced bytes.
    public var ratioFloorBytes: Int64
    /// Bytes one piece of evidence may produce in all (an archive: all its members, nested ones
    /// included); 0: no limit.
    public var maximumBytes: Int64

    public init(maximumRatio: Int = 500, ratioFloorBytes: Int64 = 256 << 20, maximumBytes: Int64 = 256 << 30) {
        self.maximumRatio = maximumRatio
        self.ratioFloorBytes = ratioFloorBytes
        self.maximumBytes = maximumBytes
    }

    /// No limit at all.
    public static let none = DecompressionLimits(maximumRatio: 0, ratioFloorBytes: 0, maximumBytes: 0)
}

/// What one piece of evidence given to the scan has decompressed so far, against its
/// ``DecompressionLimits``; shared by the readers of an archive's members, which run one after the other
/// on the thread that claimed the archive (not thread-safe).
///
/// Contract: ``exceeded`` becomes non-nil once produced bytes pass a limit, and stays so; readers check it
/// before each read, so what was read before the limit is kept and at most one read buffer passes it.
public final class DecompressionBudget {
    public let limits: DecompressionLimits
    /// The stored size of the evidence (its file's size); for standard input, what has been read so far.
    public var storedBytes: Int64
    /// Bytes produced so far by every reader sharing the budget.
    public private(set) var producedBytes: Int64 = 0
    /// Why the limit was reached, once it was.
    public private(set) var exceeded: String?

    public init(limits: DecompressionLimits, storedBytes: Int64) {
        self.limits = limits
        self.storedBytes = storedBytes
    }

    /// A budget for the evidence at `path` (its size from the file system), or standard input.
    public convenience init(limits: DecompressionLimits, path: String?) {
        var size: Int64 = 0
        if let path, let attributes = try? FileManager.default.attributesOfItem(atPath: path), let value = attributes[.size] as? NSNumber {
            size = value.int64Value
        }
        self.init(limits: limits, storedBytes: size)
    }

    /// Counts `count` produced bytes.
    public func add(_ count: Int) {
        producedBytes += Int64(count)
        guard exceeded == nil else { return }
        if limits.maximumBytes > 0 && producedBytes > limits.maximumBytes {
            exceeded = "decompression limit reached: more than \(limits.maximumBytes) bytes from this evidence (--max-decompressed); the rest was not read"
        } else if limits.maximumRatio > 0 && producedBytes > limits.ratioFloorBytes && storedBytes > 0
                    && producedBytes / storedBytes >= Int64(limits.maximumRatio) {
            exceeded = "decompression limit reached: \(producedBytes) bytes from \(storedBytes) stored bytes, more than \(limits.maximumRatio) times the stored size (a compression bomb? --max-ratio); the rest was not read"
        }
    }
}
