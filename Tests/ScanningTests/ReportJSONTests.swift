import ExposureReport
import Foundation
@testable import Scanning
import Testing

/// The report's JSON made in parts (``ReportJSON``) must be byte for byte what encoding it whole gives.
@Suite("Report JSON in parts")
struct ReportJSONTests {
    struct Item: Encodable {
        var name: String
        var values: [Int]
        var nested: [String: [String]]
    }

    struct Document: Encodable {
        var alpha: [String]
        var findings: [Item]
        var sessions: [Item]
        var zulu: [String: Int]
    }

    static func items(_ count: Int, seed: Int) -> [Item] {
        (0..<count).map { index in
            // Empty arrays and objects (the encoder writes a blank line inside them), slashes, quotes.
            Item(name: "item \(seed)-\(index) /path \"quoted\"", values: index % 3 == 0 ? [] : Array(0..<(index % 5)),
                 nested: index % 4 == 0 ? [:] : ["k\(index)": index % 2 == 0 ? [] : ["v/\(index)"]])
        }
    }

    @Test("splicing arrays, whole or joined from parts, into the rest gives the whole encoding")
    func spliceAndJoin() throws {
        let document = Document(alpha: ["a", "b"], findings: Self.items(150, seed: 1), sessions: Self.items(301, seed: 2), zulu: ["x": 1])
        let whole = try ReportJSON.encode(document)
        var rest = document
        rest.findings = []
        rest.sessions = []
        var json = try ReportJSON.encode(rest)
        let parts = ReportJSON.parts(document.sessions.count, threads: 4)
        #expect(parts.count == 4)
        let sessions = ReportJSON.join(try parts.map { try ReportJSON.encode(Array(document.sessions[$0])) })
        #expect(sessions == (try ReportJSON.encode(document.sessions)))
        json = ReportJSON.splice(array: sessions, key: "sessions", into: json)
        json = ReportJSON.splice(array: try ReportJSON.encode(document.findings), key: "findings", into: json)
        #expect(json == whole)
    }
}
