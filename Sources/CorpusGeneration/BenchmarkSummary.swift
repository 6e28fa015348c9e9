/// What ``BenchmarkCorpus/write(to:options:)`` wrote.
public struct BenchmarkSummary: Sendable {
    /// One planted attack story, for whoever checks detections against the corpus.
    public struct PlantedStory: Sendable, CustomStringConvertible {
        /// Host name the story's lines carry.
        public var host: String
        /// Folder the host's files are in, relative to the root.
        public var location: String
        /// The attacker's address (empty for a password leak alone).
        public var attackerAddress: String
        /// The account involved.
        public var account: String
        /// Acts and their start times, `YYYY-MM-DD hh:mm:ss` UTC.
        public var acts: [String]

        /// One line: host, folder, account, attacker and the acts with their times.
        public var description: String {
            "\(host) (\(location)): account \(account)\(attackerAddress.isEmpty ? "" : ", attacker \(attackerAddress)"); "
                + acts.joined(separator: "; ")
        }
    }

    /// Every file written, relative to the corpus root, in a fixed order (archive first, then hosts by number).
    public var files: [String]
    /// Uncompressed bytes of log text written.
    public var uncompressedBytes: Int
    /// Uncompressed bytes in `big/syslog-archive.gz`.
    public var archiveBytes: Int
    /// Hosts with their own folder.
    public var hostCount: Int
    /// The stories planted, in a fixed order.
    public var stories: [PlantedStory]
}
