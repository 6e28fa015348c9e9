/// Finds which lines of a chunk contain each of a set of literals, so that rules run only on lines
/// that can match them (a required literal per rule, after ripgrep and Hyperscan).
///
/// Contract: for every literal, the reported line indexes are exactly the lines holding at least one
/// occurrence (no false negatives); a literal never spans a newline. Shared read-only across threads;
/// each call uses the caller's ``MatchScratch``.
public final class LiteralPrefilter: Sendable {
    /// A literal to find: its bytes, and whether ASCII case is ignored.
    public struct Literal: Hashable, Sendable {
        public var bytes: [UInt8]
        public var isCaseless: Bool

        public init(bytes: [UInt8], isCaseless: Bool) {
            self.bytes = bytes
            self.isCaseless = isCaseless
        }
    }

    /// The literals, in the order their hits are reported.
    public let literals: [Literal]
    private let patterns: [CompiledPattern]

    public init(literals: [Literal]) throws(PatternError) {
        self.literals = literals
        var patterns: [CompiledPattern] = []
        for literal in literals {
            patterns.append(try CompiledPattern(bytes: LiteralEscaping.pattern(matching: literal.bytes), options: literal.isCaseless ? [.caseless] : []))
        }
        self.patterns = patterns
    }

    /// Fills `hits[k]` with the sorted indexes of the lines that contain literal `k`.
    ///
    /// `lineStarts[i]` is where line `i` starts in `chunk`; lines end where the next begins.
    /// Returns the number of engine errors (which cannot happen for literals, but are never hidden).
    public func scan(_ chunk: UnsafeBufferPointer<UInt8>, lineStarts: UnsafeBufferPointer<Int32>, scratch: MatchScratch, into hits: inout [[Int32]]) -> Int {
        if hits.count != patterns.count { hits = Array(repeating: [], count: patterns.count) }
        var errors = 0
        let lineCount = lineStarts.count
        for (index, pattern) in patterns.enumerated() {
            hits[index].removeAll(keepingCapacity: true)
            var offset = 0
            while offset < chunk.count {
                let outcome = pattern.firstMatch(in: chunk, from: offset, scratch: scratch)
                guard outcome == .matched, let found = scratch.range(ofGroup: 0) else {
                    if outcome != .noMatch { errors += 1 }
                    break
                }
                // The line holding the match: the last start at or before it.
                var low = 0
                var high = lineCount - 1
                while low < high {
                    let middle = (low + high + 1) >> 1
                    if Int(lineStarts[middle]) <= found.lowerBound { low = middle } else { high = middle - 1 }
                }
                hits[index].append(Int32(low))
                offset = low + 1 < lineCount ? Int(lineStarts[low + 1]) : chunk.count
            }
        }
        return errors
    }
}
