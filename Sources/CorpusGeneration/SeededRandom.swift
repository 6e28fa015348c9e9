/// A small, fast, seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// The corpus must be byte-identical for the same seed on every machine and toolchain, so this type
/// never defers to the standard library's distribution algorithms (`Int.random(in:using:)`,
/// `shuffle(using:)`), whose exact draws are not promised to stay the same across Swift releases.
/// Every helper here is written out, uses integer arithmetic only, and consumes a fixed number of
/// draws per call except ``below(_:)``, whose rejection loop is itself deterministic.
struct SeededRandom: Sendable {
    private var state0: UInt64
    private var state1: UInt64
    private var state2: UInt64
    private var state3: UInt64

    /// Creates a generator whose whole sequence is fixed by `seed`.
    init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var value = splitMix
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
        state0 = nextSplitMix()
        state1 = nextSplitMix()
        state2 = nextSplitMix()
        state3 = nextSplitMix()
    }

    /// A generator for an independent sub-stream, keyed by `label` (a host index, a job number).
    ///
    /// Deriving rather than sharing keeps each host's output independent of how many draws other
    /// hosts made, which is what lets hosts be generated in parallel and still be reproducible.
    func derived(_ label: UInt64) -> SeededRandom {
        var copy = self
        let mixed = copy.next() ^ (label &* 0xD6E8_FEB8_6659_FD93)
        return SeededRandom(seed: mixed)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = rotateLeft(state1 &* 5, 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = rotateLeft(state3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method); `bound` must be positive.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniform integer in `lower...upper` (inclusive).
    mutating func between(_ lower: Int, _ upper: Int) -> Int {
        lower + below(upper - lower + 1)
    }

    /// True with probability `perMille / 1000`.
    mutating func chance(perMille: Int) -> Bool {
        below(1000) < perMille
    }

    /// One element of a non-empty array, uniformly.
    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// A count whose mean is `mean` (in thousandths), spread uniformly over 50 %…150 % of it.
    ///
    /// Integer-only on purpose: no floating-point library calls, so no platform differences.
    mutating func count(meanThousandths: Int) -> Int {
        guard meanThousandths > 0 else { return 0 }
        let spread = meanThousandths / 2 + below(meanThousandths + 1)
        let whole = spread / 1000
        return whole + (below(1000) < spread % 1000 ? 1 : 0)
    }

    private func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
