/// Finds which lines of a chunk contain each of a set of literals, so that rules run only on lines
/// that can match them (a required literal per rule, after ripgrep and Hyperscan).
///
/// Contract: for every literal, the reported line indexes are exactly the lines holding at least one
/// occurrence (no false negatives, no false positives). Shared read-only across threads.
///
/// All literals are found in one pass over the chunk by an Aho-Corasick automaton built once at load
/// into a dense DFA: every input byte costs one table load, whatever the number of literals. The
/// automaton runs on ASCII-case-folded bytes (a caseless literal matches there as such); a
/// case-sensitive literal's hit is confirmed against the chunk's own bytes. Bytes that occur in no
/// literal share one input class, so the table has a column per distinct literal byte, not 256.
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
    private let automaton: Automaton

    public init(literals: [Literal]) throws(PatternError) {
        self.literals = literals
        automaton = Automaton(literals)
    }

    /// States of the automaton (for the cost report and tests).
    public var stateCount: Int { automaton.stateCount }

    /// Fills `hits[k]` with the sorted indexes of the lines that contain literal `k`.
    ///
    /// `lineStarts[i]` is where line `i` starts in `chunk`; lines end where the next begins (a byte
    /// before `lineStarts[0]` counts as line 0). Returns the number of engine errors: always 0 (kept
    /// so that callers never hide one should another engine come back). `scratch` is not used.
    public func scan(_ chunk: UnsafeBufferPointer<UInt8>, lineStarts: UnsafeBufferPointer<Int32>, scratch: MatchScratch, into hits: inout [[Int32]]) -> Int {
        scan(chunk, lineStarts: lineStarts, into: &hits)
    }

    /// The same without PCRE2 scratch.
    public func scan(_ chunk: UnsafeBufferPointer<UInt8>, lineStarts: UnsafeBufferPointer<Int32>, into hits: inout [[Int32]]) -> Int {
        let literalCount = literals.count
        if hits.count != literalCount { hits = Array(repeating: [], count: literalCount) }
        for index in 0..<literalCount { hits[index].removeAll(keepingCapacity: true) }
        guard literalCount > 0, !lineStarts.isEmpty else { return 0 }
        let automaton = self.automaton
        // An empty literal is in every line.
        for index in automaton.emptyLiterals { hits[index] = (0..<Int32(lineStarts.count)).map { $0 } }
        guard let bytes = chunk.baseAddress, chunk.count > 0 else { return 0 }
        let count = chunk.count
        let lineCount = lineStarts.count
        var line = 0
        var nextLineStart = lineCount > 1 ? Int(lineStarts[1]) : Int.max
        automaton.table.withUnsafeBufferPointer { table in
        automaton.classes.withUnsafeBufferPointer { classes in
        automaton.outputStarts.withUnsafeBufferPointer { outputStarts in
        automaton.outputs.withUnsafeBufferPointer { outputs in
            let table = table.baseAddress!
            let classes = classes.baseAddress!
            var state: UInt32 = 0
            var position = 0
            while position < count {
                // The hot loop: one class lookup and one table load per byte.
                state = table[Int(state) &+ Int(classes[Int(bytes[position])])]
                if state & Automaton.outputFlag != 0 {
                    state &= ~Automaton.outputFlag
                    while position >= nextLineStart {
                        line += 1
                        nextLineStart = line + 1 < lineCount ? Int(lineStarts[line + 1]) : Int.max
                    }
                    let stateIndex = Int(state) / automaton.stride
                    for slot in Int(outputStarts[stateIndex])..<Int(outputStarts[stateIndex + 1]) {
                        let literal = Int(outputs[slot])
                        let entry = automaton.literalInfo[literal]
                        let start = position + 1 - entry.length
                        if entry.isCased {
                            // Confirm the exact bytes (the automaton saw them case folded).
                            let expected = literals[literal].bytes
                            var isExact = true
                            for offset in 0..<entry.length where bytes[start + offset] != expected[offset] { isExact = false; break }
                            if !isExact { continue }
                        }
                        var hitLine = line
                        if entry.hasNewline && start < Int(lineStarts[line]) {
                            // A literal that spans lines belongs to the line where it starts.
                            hitLine = Self.line(holding: start, lineStarts: lineStarts)
                        }
                        if let last = hits[literal].last, Int(last) >= hitLine { continue }
                        hits[literal].append(Int32(hitLine))
                    }
                }
                position += 1
            }
        }}}}
        return 0
    }

    /// The last line starting at or before `position`.
    private static func line(holding position: Int, lineStarts: UnsafeBufferPointer<Int32>) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) >> 1
            if Int(lineStarts[middle]) <= position { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

/// ASCII case folding: `A`–`Z` to `a`–`z`, every other byte unchanged (PCRE2's caseless rule in
/// non-UTF byte mode).
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte &- 0x41 < 26 ? byte | 0x20 : byte
}

/// The Aho-Corasick automaton as a dense DFA over byte classes.
///
/// `table[s + c]` is the next state (premultiplied by `stride`, so no multiplication in the loop),
/// with ``outputFlag`` set when that state ends at least one literal; `outputs[outputStarts[s] ..<
/// outputStarts[s + 1]]` are those literals (its own and its suffixes'), for state number `s`.
struct Automaton: Sendable {
    static let outputFlag: UInt32 = 1 << 31

    struct LiteralInfo: Sendable {
        var length: Int
        var isCased: Bool
        var hasNewline: Bool
    }

    let classes: [UInt8]
    let stride: Int
    let table: [UInt32]
    let outputStarts: [Int32]
    let outputs: [Int32]
    let literalInfo: [LiteralInfo]
    let emptyLiterals: [Int]
    let stateCount: Int

    init(_ literals: [LiteralPrefilter.Literal]) {
        literalInfo = literals.map { literal in
            LiteralInfo(length: literal.bytes.count,
                        // Folding changes only letters: a cased literal without one needs no confirmation.
                        isCased: !literal.isCaseless && literal.bytes.contains { ($0 | 0x20) &- 0x61 < 26 },
                        hasNewline: literal.bytes.contains(0x0a))
        }
        emptyLiterals = literals.indices.filter { literals[$0].bytes.isEmpty }
        // Byte classes over folded bytes: each byte of a literal its own class, all others class 0.
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        var seen = [Bool](repeating: false, count: 256)
        for literal in literals { for byte in literal.bytes { seen[Int(asciiLowercased(byte))] = true } }
        for byte in 0..<256 where seen[byte] && classCount < 256 {
            classOf[byte] = UInt8(classCount)
            classCount += 1
        }
        // Distinct folded bytes never exceed 256 - 26 = 230 classes, so every literal byte has one.
        for upper in 0x41...0x5a { classOf[upper] = classOf[upper | 0x20] }
        classes = classOf
        stride = classCount

        // The trie.
        var children: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var own: [[Int32]] = [[]]
        for (index, literal) in literals.enumerated() where !literal.bytes.isEmpty {
            var node = 0
            for byte in literal.bytes {
                let cls = Int(classOf[Int(byte)])
                if children[node][cls] < 0 {
                    children[node][cls] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    own.append([])
                }
                node = Int(children[node][cls])
            }
            own[node].append(Int32(index))
        }
        let nodeCount = children.count
        stateCount = nodeCount
        // Breadth first: failure links, full transitions, and outputs merged along failure links.
        var fail = [Int](repeating: 0, count: nodeCount)
        var delta = [Int32](repeating: 0, count: nodeCount * classCount)
        var outputsOf = own
        var queue: [Int] = []
        queue.reserveCapacity(nodeCount)
        for cls in 0..<classCount {
            let child = children[0][cls]
            if child >= 0 {
                fail[Int(child)] = 0
                delta[cls] = child
                queue.append(Int(child))
            } else {
                delta[cls] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            outputsOf[node].append(contentsOf: outputsOf[fail[node]])
            for cls in 0..<classCount {
                let child = children[node][cls]
                if child >= 0 {
                    fail[Int(child)] = Int(delta[fail[node] * classCount + cls])
                    delta[node * classCount + cls] = child
                    queue.append(Int(child))
                } else {
                    delta[node * classCount + cls] = delta[fail[node] * classCount + cls]
                }
            }
        }
        var outputStarts: [Int32] = [0]
        var outputs: [Int32] = []
        for node in 0..<nodeCount {
            // Ascending literal index, each once: hits are then appended in a fixed order.
            outputs.append(contentsOf: Set(outputsOf[node]).sorted())
            outputStarts.append(Int32(outputs.count))
        }
        var table = [UInt32](repeating: 0, count: nodeCount * classCount)
        for index in 0..<table.count {
            let target = Int(delta[index])
            var value = UInt32(target * classCount)
            if outputStarts[target + 1] > outputStarts[target] { value |= Self.outputFlag }
            table[index] = value
        }
        self.table = table
        self.outputStarts = outputStarts
        self.outputs = outputs
    }
}
