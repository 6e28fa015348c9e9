import DetectionRules
import Foundation

/// Rule test results as JUnit XML (one test suite per rule file, one test case per rule case or gate),
/// the format CI systems (GitLab, Jenkins, GitHub annotations) read.
public enum JUnitReport {
    public static func render(results: [RuleTestRunner.Result], skipped: [SkippedRule], seconds: Double) -> String {
        var byFile: [String: [RuleTestRunner.Result]] = [:]
        for result in results { byFile[result.sourcePath, default: []].append(result) }
        let failures = results.filter { !$0.isPassed }.count + skipped.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"spoor rule tests\" tests=\"\(results.count + skipped.count)\" failures=\"\(failures)\" time=\"\(String(format: "%.3f", seconds))\">\n"
        for file in byFile.keys.sorted() {
            let cases = byFile[file]!
            xml += "  <testsuite name=\"\(escape(file))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.isPassed }.count)\">\n"
            for result in cases {
                xml += "    <testcase classname=\"\(escape(result.rule))\" name=\"\(escape(result.caseName))\""
                if result.isPassed { xml += "/>\n"; continue }
                xml += ">\n      <failure message=\"\(escape(result.failures.first ?? "failed"))\">\(escape(result.failures.joined(separator: "\n")))</failure>\n    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        if !skipped.isEmpty {
            xml += "  <testsuite name=\"rules not run\" tests=\"\(skipped.count)\" failures=\"\(skipped.count)\">\n"
            for rule in skipped {
                xml += "    <testcase classname=\"\(escape(rule.id))\" name=\"load\">\n      <failure message=\"\(escape(rule.reason))\">\(escape(rule.path))</failure>\n    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// XML text and attribute escaping; control bytes XML 1.0 forbids become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar.value < 0x20 ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }
}
