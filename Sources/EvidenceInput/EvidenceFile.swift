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
    /// True when something that may hold evidence could not be read (a missing path, no permission):
    /// the scan is then incomplete. False for what holds none (a symbolic link loop, a dangling
    /// link, a FIFO or device), which is reported but loses nothing.
    public var isEvidenceMissed: Bool

    public init(path: String, reason: String, isEvidenceMissed: Bool = true) {
        self.path = path
        self.reason = reason
        self.isEvidenceMissed = isEvidenceMissed
    }
}
