import CPCRE2

/// A PCRE2 pattern compiled once and shared read-only by every worker thread.
///
/// Patterns are bytes: by default 8-bit **non-UTF** mode, so any byte sequence is a valid subject and
/// `.` is one byte. Mode switches a pattern could smuggle in (`(*UTF)`, `(*UCP)`) are locked out, and `\C`
/// is refused. JIT compilation is tried and, when it fails, the interpreter is used (never a disabled rule).
///
/// Contract: matching never treats an engine error as "no match" — see ``MatchOutcome``.
/// This is the only type besides ``MatchScratch`` that touches the PCRE2 C API.
public final class CompiledPattern: @unchecked Sendable {
    /// The pattern as written (bytes, since a pattern may hold non-UTF-8 literals).
    public let source: [UInt8]
    /// The compile options requested.
    public let options: PatternOptions
    /// True when the JIT compiled this pattern; false means the interpreter runs it.
    public let isJITCompiled: Bool
    /// Named groups, in group-number order.
    public let namedGroups: [NamedGroup]
    /// Number of capturing groups (named or not).
    public let captureCount: Int
    let code: OpaquePointer

    /// Compiles `source` with `options`; `allowJIT: false` forces the interpreter (used to check that
    /// both engines agree).
    public init(bytes source: [UInt8], options: PatternOptions = [], allowJIT: Bool = true) throws(PatternError) {
        self.source = source
        self.options = options
        var flags: UInt32 = PCRE2_NEVER_BACKSLASH_C
        if options.contains(.caseless) { flags |= PCRE2_CASELESS }
        if options.contains(.multiline) { flags |= PCRE2_MULTILINE }
        if options.contains(.dotAll) { flags |= PCRE2_DOTALL }
        if options.contains(.utf) {
            flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP
        } else {
            flags |= PCRE2_NEVER_UTF | PCRE2_NEVER_UCP
        }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled = source.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count, flags, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw .compile(message: Self.errorMessage(errorCode), offset: errorOffset)
        }
        code = compiled
        isJITCompiled = allowJIT && pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0

        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        namedGroups = Self.readNameTable(compiled)
    }

    /// Compiles a pattern given as text.
    public convenience init(_ source: String, options: PatternOptions = [], allowJIT: Bool = true) throws(PatternError) {
        try self.init(bytes: Array(source.utf8), options: options, allowJIT: allowJIT)
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// Looks for the first match in `subject` at or after `startOffset`.
    ///
    /// On `.matched`, `scratch` holds the group offsets until its next use (``MatchScratch/range(ofGroup:)``).
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from startOffset: Int = 0, scratch: MatchScratch) -> MatchOutcome {
        scratch.prepare(forCaptures: captureCount)
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let status: Int32
        if isJITCompiled {
            status = pcre2_jit_match_8(code, base, subject.count, startOffset, 0, scratch.matchData, scratch.matchContext)
        } else {
            status = pcre2_match_8(code, base, subject.count, startOffset, 0, scratch.matchData, scratch.matchContext)
        }
        scratch.lastMatchPairs = status > 0 ? Int(status) : 0
        if status >= 0 { return .matched }
        if status == PCRE2_ERROR_NOMATCH { return .noMatch }
        return .failed(code: status)
    }

    /// The text PCRE2 gives for an error code.
    public static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }

    private static func readNameTable(_ code: OpaquePointer) -> [NamedGroup] {
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        guard nameCount > 0 else { return [] }
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table else { return [] }
        var groups: [NamedGroup] = []
        for index in 0..<Int(nameCount) {
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            var end = 2
            while end < Int(entrySize) && entry[end] != 0 { end += 1 }
            let name = String(decoding: UnsafeBufferPointer(start: entry + 2, count: end - 2), as: UTF8.self)
            groups.append(NamedGroup(name: name, number: number))
        }
        return groups.sorted { $0.number < $1.number }
    }
}

/// A named capturing group of a pattern.
public struct NamedGroup: Sendable, Equatable {
    public var name: String
    public var number: Int
}

/// Compile options, kept to the ones a rule can ask for.
public struct PatternOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// ASCII case folding (Sigma's default for plain values; `|re|i`).
    public static let caseless = PatternOptions(rawValue: 1)
    /// `^`/`$` at line breaks inside the subject (`|re|m`).
    public static let multiline = PatternOptions(rawValue: 2)
    /// `.` matches a newline (`|re|s`).
    public static let dotAll = PatternOptions(rawValue: 4)
    /// UTF-8 mode with `MATCH_INVALID_UTF` and Unicode properties; opt-in per rule only.
    public static let utf = PatternOptions(rawValue: 8)
}

/// The result of one match attempt. `.failed` is an engine error (match limit, JIT stack, …) and
/// must be counted and reported by the caller, never read as "no match".
public enum MatchOutcome: Sendable, Equatable {
    case matched
    case noMatch
    case failed(code: Int32)

    /// True for PCRE2's resource-limit errors (match, depth, heap, JIT stack).
    public var isLimitError: Bool {
        guard case .failed(let code) = self else { return false }
        return code == PCRE2_ERROR_MATCHLIMIT || code == PCRE2_ERROR_DEPTHLIMIT
            || code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_JIT_STACKLIMIT
    }
}

/// Why a pattern could not be compiled: PCRE2's message and the byte offset in the pattern.
public enum PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    case compile(message: String, offset: Int)

    public var description: String {
        switch self {
        case .compile(let message, let offset): return "\(message) at offset \(offset)"
        }
    }
}
