import DetectionRules
import ExposureAnalysis
import ExposureReport
import Foundation
@testable import Scanning
import Testing

/// The `spoor.partial/v2` format: a state read back equals the state written (every field, compared by
/// reflection so a field the codec forgets shows), the same state gives the same bytes, and a cut or
/// damaged partial throws an error naming the section and offset instead of trapping.
@Suite("Partial format v2")
struct PartialFormatTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The samples scanned with the bundled rules, plus one of each item with every optional field set
    /// (the samples leave some empty: NUL lines, secrets, a firing's evidence).
    static func sampleState() throws -> (state: ScanState, rules: RuleSet, configuration: ScanConfiguration) {
        let rules = try RuleLoader().load(paths: [packageRoot.appendingPathComponent("rules").path])
        var configuration = ScanConfiguration(evidencePaths: [packageRoot.appendingPathComponent("samples/var/log").path], jobs: 2,
                                              redactionKey: Array("partial-tests".utf8))
        configuration.shard = ShardSpec(index: 1, count: 1, source: "test")
        var state = ScanPipeline(configuration: configuration, rules: rules).runState()
        let location = EvidenceLocation(path: state.paths[0], line: 7, offset: -1, text: "text ✓", bytes: "AAEC", isTruncated: true, isRedacted: false)
        let time = FindingTime(text: "Mar  7 10:00:00", utc: "2025-03-07T10:00:00Z", yearSource: "in-line", zoneSource: "--timezone", isAmbiguous: true, confidence: "low")
        var finding = Finding(rule: FindingRule(id: "x", name: "n", title: "t", level: "high", tags: ["a", "b"], author: "au", license: "DRL", source: "s"),
                              fields: ["k": "v", "k2": ""], time: time, evidence: [location, location], isFromDamagedData: false)
        finding.id = "finding-id"
        state.findings.append(finding)
        state.findingFiles.append(state.paths.count - 1)
        var event = CorrelationEvent(input: .correlation(2), nanoseconds: -5, fileIndex: 0, line: 3, offset: 99, fields: [("b", "1"), ("a", "2"), ("b", "3")],
                                     text: [0xff, 0x00, 0x41], isTruncated: true, isRedacted: true, time: time)
        event.isFromDamagedData = true
        event.evidence = [location]
        event.orderTime = 12
        state.correlationEvents.append(event)
        var activity = Activity(kind: .auditCommand, host: "h", program: "p")
        (activity.pid, activity.user, activity.source, activity.sourcePort, activity.authMethod, activity.keyFingerprint) = ("1", "u", "s", "22", "pk", "SHA256:x")
        (activity.path, activity.newPath, activity.flags, activity.command, activity.target, activity.sessionNumber) = ("/a", "/b", "r", "ls", "root", "7")
        (activity.bytesRead, activity.bytesWritten, activity.isDenied, activity.count) = (1 << 40, -1, true, 3)
        (activity.nanoseconds, activity.lastNanoseconds, activity.fileIndex, activity.line, activity.offset, activity.text) = (.min, .max, 1, 2, 3, "line")
        state.activities.append(activity)
        var failed = activity
        failed.kind = .loginFailed
        state.failures.add(failed)
        state.coverage.append(CoverageAccumulator(host: "h", source: "s", files: [0, 1], lines: 5, minutes: [.min, -1, 0, 5, .max]))
        state.nulLines[1] = NulLineCount(count: 2, firstLine: 4, firstOffset: 40)
        state.secrets[[1, 2, 3]] = Array("[redacted x]".utf8)
        state.secrets[[]] = []
        state.eventsWithoutTime = 4
        state.eventsOverLimit = 5
        state.activitiesWithoutTime = 6
        state.warnings.append("w")
        state.problems.append("p")
        state.zoneWarning = "z"
        return (state, rules, configuration)
    }

    static func partial(_ state: ScanState, rules: RuleSet, configuration: ScanConfiguration) -> PartialReport {
        PartialReport(state: state, rules: rules, configuration: configuration, run: RunInfo(argv: ["spoor"], start: "fixed", durationSeconds: 0, jobs: 2))
    }

    /// Every stored property, recursively; dictionaries and sets in sorted order.
    static func dump(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { "some(\(dump($0.value)))" } ?? "nil"
        case .collection:
            return "[" + mirror.children.map { dump($0.value) }.joined(separator: ",") + "]"
        case .dictionary, .set:
            return "{" + mirror.children.map { dump($0.value) }.sorted().joined(separator: ",") + "}"
        case .struct, .class, .tuple, .enum:
            guard !mirror.children.isEmpty else { return String(reflecting: value) }
            return "(" + mirror.children.map { "\($0.label ?? "_"):\(dump($0.value))" }.joined(separator: ",") + ")"
        default:
            return String(reflecting: value)
        }
    }

    @Test("a scanned state read back equals the state written, field by field")
    func roundTrip() throws {
        let (state, rules, configuration) = try Self.sampleState()
        #expect(state.findings.count > 10)
        #expect(state.correlationEvents.count > 10)
        #expect(state.activities.count > 10)
        let partial = Self.partial(state, rules: rules, configuration: configuration)
        let decoded = try PartialReport.decode(try partial.encoded())
        #expect(Self.dump(decoded.state) == Self.dump(partial.state))
        #expect(Self.dump(decoded.units) == Self.dump(partial.units))
        #expect(decoded.settings == partial.settings)
        #expect(decoded.shard == partial.shard)
        #expect(decoded.rulesSHA256 == rules.sha256)
        #expect(Self.dump(decoded.run) == Self.dump(partial.run))
        #expect(Self.dump(decoded.tool) == Self.dump(partial.tool))
        #expect(decoded.schema == "spoor.partial/v2")
        // Reflection sees the fields: a changed one shows.
        var changed = decoded.state
        changed.activities[0].sessionNumber = "other"
        #expect(Self.dump(changed) != Self.dump(partial.state))
    }

    @Test("a field added to a type the binary sections hold trips this test: encode it in PartialCodec, then count it here")
    func fieldCounts() throws {
        let (state, _, _) = try Self.sampleState()
        func fields(_ value: Any) -> Int { Mirror(reflecting: value).children.count }
        let finding = try #require(state.findings.last)
        let event = try #require(state.correlationEvents.last)
        let source = try #require(state.failures.sources.values.first)
        let account = try #require(state.failures.accounts.values.first)
        let counts: [(String, Int, Int)] = [
            ("ScanState", fields(state), 19), ("Finding", fields(finding), 6), ("FindingRule", fields(finding.rule), 8),
            ("FindingTime", fields(try #require(finding.time)), 6), ("EvidenceLocation", fields(try #require(finding.evidence.first)), 7),
            ("CorrelationEvent", fields(event), 9), ("Activity", fields(try #require(state.activities.last)), 25),
            ("FailureSummary", fields(state.failures), 2), ("SourceFailures", fields(source), 5), ("AccountFailures", fields(account), 4),
            ("CoverageAccumulator", fields(try #require(state.coverage.last)), 5), ("NulLineCount", fields(try #require(state.nulLines.values.first)), 3),
        ]
        for (name, found, known) in counts { #expect(found == known, "\(name) has \(found) stored properties; PartialCodec knows \(known)") }
    }

    @Test("the same evidence gives byte-identical partials; the header is readable JSON")
    func deterministic() throws {
        let (first, rules, configuration) = try Self.sampleState()
        let (second, _, _) = try Self.sampleState()
        let bytes = try Self.partial(first, rules: rules, configuration: configuration).encoded()
        #expect(bytes == (try Self.partial(second, rules: rules, configuration: configuration).encoded()))
        let lines = bytes.split(separator: 0x0a, maxSplits: 2, omittingEmptySubsequences: false)
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix("spoor.partial/v2 header-checksum="))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any])
        #expect(header["schema"] as? String == "spoor.partial/v2")
        #expect((header["evidence"] as? [Any])?.count == first.evidence.count)
        #expect((header["sections"] as? [[String: Any]])?.map { $0["name"] as? String } == PartialCodec.sectionNames)
    }

    @Test("every cut of a partial throws a format error naming a section, never traps")
    func truncated() throws {
        let (state, rules, configuration) = try Self.sampleState()
        let bytes = try Self.partial(state, rules: rules, configuration: configuration).encoded()
        var cuts = Set(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 400)))
        cuts.formUnion([0, 1, 16, bytes.count - 1, bytes.count - 2])
        for cut in cuts.sorted() {
            do throws(PartialFormatError) {
                _ = try PartialReport.decode(bytes.prefix(cut))
                Issue.record("a partial cut to \(cut) of \(bytes.count) bytes was read")
            } catch {
                #expect(!error.section.isEmpty && error.offset <= cut)
            }
        }
        #expect(throws: PartialFormatError.self) { try PartialReport.decode(bytes + Data([0])) }
    }

    @Test("a bit flipped anywhere is detected (checksums), and damaged sections throw, never trap")
    func bitFlips() throws {
        let (state, rules, configuration) = try Self.sampleState()
        let bytes = try Self.partial(state, rules: rules, configuration: configuration).encoded()
        for position in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 500)) {
            var damaged = bytes
            damaged[position] ^= UInt8(1 << (position % 8))
            #expect(throws: PartialFormatError.self, "a bit flipped at \(position)") { try PartialReport.decode(damaged) }
        }
        // Behind the checksums, each section's reader checks its own bytes: random and cut sections.
        let sections = try PartialCodec.encode(state)
        let strings = try sections[0].bytes.withUnsafeBytes { buffer in
            var reader = PartialCodec.Reader(buffer, section: "strings", fileOffset: 0, strings: [], fileCount: state.paths.count)
            return try PartialCodec.readStrings(&reader)
        }
        var generator = SystemRandomNumberGenerator()
        for (index, section) in sections.enumerated().dropFirst() {
            var samples: [[UInt8]] = (0..<300).map { _ in
                var mutated = section.bytes
                for _ in 0..<3 where !mutated.isEmpty { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                return mutated
            }
            samples += stride(from: 0, to: section.bytes.count, by: max(1, section.bytes.count / 100)).map { Array(section.bytes.prefix($0)) }
            for sample in samples {
                sample.withUnsafeBytes { buffer in
                    var reader = PartialCodec.Reader(buffer, section: PartialCodec.sectionNames[index], fileOffset: 0, strings: strings, fileCount: state.paths.count)
                    do throws(PartialFormatError) {
                        switch index {
                        case 1: _ = try PartialCodec.readFindings(&reader)
                        case 2: _ = try PartialCodec.readEvents(&reader)
                        case 3: _ = try PartialCodec.readActivities(&reader)
                        case 4: _ = try PartialCodec.readFailures(&reader)
                        case 5: _ = try PartialCodec.readCoverage(&reader)
                        case 6: _ = try PartialCodec.readNulLines(&reader)
                        default: _ = try PartialCodec.readSecrets(&reader)
                        }
                    } catch {
                        #expect(error.section == PartialCodec.sectionNames[index])
                    }
                }
            }
        }
    }

    @Test("a v1 (JSON) partial and a file of another kind are named as such")
    func otherFiles() throws {
        do throws(PartialFormatError) {
            _ = try PartialReport.decode(Data("{\"schema\":\"spoor.partial/v1\"}".utf8))
            Issue.record("a JSON partial was read")
        } catch {
            #expect(error.description.contains("spoor.partial/v1"), "\(error)")
        }
        #expect(throws: PartialFormatError.self) { try PartialReport.decode(Data("hello\nworld\n".utf8)) }
        #expect(throws: PartialFormatError.self) { try PartialReport.decode(Data()) }
    }
}
