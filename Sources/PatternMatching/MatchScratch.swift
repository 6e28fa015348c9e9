import CPCRE2

/// Per-thread PCRE2 state: match data, a match context with limits, and a JIT stack.
///
/// Never share one between threads; create one per worker and reuse it for every match.
/// Offsets of the last successful match stay valid until the next match through this scratch.
public final class MatchScratch {
    private(set) var matchData: OpaquePointer
    let matchContext: OpaquePointer
    private let jitStack: OpaquePointer?
    private var pairCapacity: Int
    /// Pairs set by the last successful match (PCRE2's return code); later groups are unset.
    var lastMatchPairs = 0
    /// The limits this scratch applies.
    public let limits: MatchLimits

    public init(limits: MatchLimits = MatchLimits()) {
        self.limits = limits
        pairCapacity = 64
        matchData = pcre2_match_data_create_8(UInt32(pairCapacity), nil)!
        matchContext = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(matchContext, limits.matchLimit)
        pcre2_set_depth_limit_8(matchContext, limits.depthLimit)
        pcre2_set_heap_limit_8(matchContext, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, limits.jitStackBytes, nil)
        if let jitStack { pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(matchContext)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    func prepare(forCaptures captures: Int) {
        guard captures + 1 > pairCapacity else { return }
        pcre2_match_data_free_8(matchData)
        pairCapacity = captures + 1
        matchData = pcre2_match_data_create_8(UInt32(pairCapacity), nil)!
    }

    /// The byte range of group `number` (0 is the whole match) in the last matched subject, or nil when
    /// the group did not take part in the match (absent, which is not the same as empty).
    public func range(ofGroup number: Int) -> Range<Int>? {
        guard number < lastMatchPairs, number < pairCapacity else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let start = ovector[2 * number]
        let end = ovector[2 * number + 1]
        if start == spoor_pcre2_unset() || end < start { return nil }
        return start..<end
    }
}

/// Resource limits for one match, so one hostile line cannot pin a core.
public struct MatchLimits: Sendable, Equatable {
    /// PCRE2 match limit (main loop iterations per start position).
    public var matchLimit: UInt32 = 1_000_000
    /// Backtracking depth limit (interpreter only; JIT ignores it).
    public var depthLimit: UInt32 = 100_000
    /// Heap limit in KiB (interpreter only).
    public var heapLimitKiB: UInt32 = 20 * 1024
    /// Largest JIT stack; the 32 KiB default fails on long lines.
    public var jitStackBytes: Int = 4 * 1024 * 1024

    public init() {}
}
