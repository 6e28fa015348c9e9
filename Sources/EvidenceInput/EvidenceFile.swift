/// One piece of evidence to read: a file found under the paths the investigator gave, or standard input.
public struct EvidenceFile: Sendable, Hashable {
    /// The path as it will appear in the report (as given, or joined under the directory given).
    public var displayPath: String
    /// Where to open it; nil for standard input.
    public var filesystemPath: String?

    public init(displayPath: String, filesystemPath: String?) {
        self.displayPath = displayPath
        self.filesystemPath = filesystemPath
    }

    /// Standard input, shown as `-`.
    public static let standardInput = EvidenceFile(displayPath: "-", filesystemPath: nil)
}

/// Something found while expanding the evidence paths that is not a readable regular file.
public struct DiscoveryProblem: Sendable, Hashable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
