import ExposureReport
import Foundation
import ReportExport
import Testing

/// No secret from the samples appears in clear in any output, unless `--no-redact`.
@Suite("Secrets are redacted in every output format")
struct RedactionEverywhereTests {
    /// The samples' secrets (samples/README.md): svc-backup's password typed as a user name, and
    /// AWS's documentation key pair.
    static let secrets = ["Winter2024!", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI\\/K7MDENG"]

    /// The report in every format `spoor scan --format` offers.
    static func outputs(_ report: ScanReport) throws -> [String: String] {
        var outputs: [String: String] = [:]
        for exporter in ReportExporters.all {
            outputs[exporter.formatName] = String(decoding: try exporter.export(report), as: UTF8.self)
        }
        return outputs
    }

    @Test("every format of the samples' report is free of the secrets")
    func redacted() throws {
        let outputs = try Self.outputs(ExposureFixtures.samplesReport)
        #expect(Set(outputs.keys) == ["markdown", "text", "json", "jsonl", "sarif", "csv", "timesketch", "html"])
        for (format, text) in outputs {
            for secret in Self.secrets {
                #expect(!text.contains(secret), "\(format) shows \(secret)")
            }
        }
    }

    @Test("--no-redact shows them (so the test above can fail)")
    func clear() throws {
        let report = ExposureFixtures.report([ExposureFixtures.samples]) { $0.isRedacting = false }
        let json = try Self.outputs(report)["json"]!
        #expect(json.contains("Winter2024!"))
        #expect(json.contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
