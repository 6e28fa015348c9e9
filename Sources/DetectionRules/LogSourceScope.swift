import RecordParsing

/// Which lines a rule's `logsource` lets it see.
///
/// Rules never depend on file names: the scope is a set of syslog programs (so sshd rules never run
/// on web logs or cron lines). A nil program list means every line.
public struct LogSourceScope: Sendable, Equatable {
    public var programs: [[UInt8]]?
    /// Record formats the rule sees; nil for every format.
    public var formats: Set<RecordFormat>? {
        didSet { formatMask = Self.mask(of: formats) }
    }
    /// `formats` as one bit per ``RecordFormat`` case, for the per-line check.
    public private(set) var formatMask: UInt32
    /// Formats whose records belong to the service without naming a program (a daemon's own log
    /// format, such as vsftpd's), one bit per ``RecordFormat`` case.
    public var programlessFormatMask: UInt32 = 0
    /// Whether fields beyond the catalogue are allowed (auditd and journal keys are open sets).
    public var allowsOpenKeys: Bool

    public init(programs: [String]?, formats: Set<RecordFormat>? = nil, allowsOpenKeys: Bool = false) {
        self.programs = programs?.map { Array($0.utf8) }
        self.formats = formats
        self.allowsOpenKeys = allowsOpenKeys
        formatMask = Self.mask(of: formats)
    }

    static func mask(of formats: Set<RecordFormat>?) -> UInt32 {
        guard let formats else { return .max }
        return RecordFormat.allCases.enumerated().reduce(0) { mask, item in formats.contains(item.element) ? mask | 1 << UInt32(item.offset) : mask }
    }

    /// True when a record of `format` whose program is `program` is in scope.
    @inlinable
    public func admits(format: RecordFormat, program: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard formatMask & (1 << UInt32(format.index)) != 0 else { return false }
        guard let programs else { return true }
        guard let program else { return programlessFormatMask & (1 << UInt32(format.index)) != 0 }
        for candidate in programs where candidate.count == program.count {
            if candidate.withUnsafeBufferPointer({ $0.elementsEqual(program) }) { return true }
        }
        return false
    }
}
