import Foundation
import Yams

/// Reads a `tests:` block (rule-format §3.9), strictly: unknown keys are errors, so a misspelt
/// `expect` cannot turn a positive case into a silently negative one.
enum TestBlockParser {
    static let blockKeys: Set<String> = ["context", "cases"]
    static let contextKeys: Set<String> = ["year", "timezone", "logsource", "placeholders"]
    static let caseKeys: Set<String> = ["name", "input", "input_file", "expect", "scope", "status"]
    static let expectKeys: Set<String> = ["rule", "line", "fields", "collect", "redacted"]

    static func parse(_ node: Node, ruleFile: String, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> RuleTests {
        guard let map = node.mapping else { throw fail("tests must be a mapping with 'context' and 'cases'", node) }
        try checkKeys(map, allowed: blockKeys, where: "tests", fail: fail)
        var year: Int?
        var timezone: String?
        var placeholders: [String: [String]]?
        if let contextNode = map["context"] {
            guard let context = contextNode.mapping else { throw fail("tests.context must be a mapping", contextNode) }
            try checkKeys(context, allowed: contextKeys, where: "tests.context", fail: fail)
            if let node = context["year"] {
                guard let value = node.int, (1970...2200).contains(value) else { throw fail("tests.context.year must be a year", node) }
                year = value
            }
            timezone = context["timezone"]?.string
            if let node = context["placeholders"] {
                guard let entries = node.mapping else { throw fail("tests.context.placeholders maps a name to a list of values", node) }
                var values: [String: [String]] = [:]
                for (key, value) in entries {
                    guard let name = key.string else { throw fail("tests.context.placeholders: names are strings", key) }
                    values[name] = value.sequence?.compactMap(\.string) ?? value.string.map { [$0] } ?? []
                }
                placeholders = values
            }
        }
        var cases: [RuleTestCase] = []
        guard let caseNodes = map["cases"]?.sequence else { throw fail("tests needs a list of cases", node) }
        for caseNode in caseNodes {
            guard let caseMap = caseNode.mapping else { throw fail("tests.cases: each case is a mapping", caseNode) }
            try checkKeys(caseMap, allowed: caseKeys, where: "tests.cases", fail: fail)
            let input = caseMap["input"]?.string
            var inputFile: String?
            if let file = caseMap["input_file"]?.string {
                inputFile = file.hasPrefix("/") ? file : ((ruleFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
            }
            guard (input == nil) != (inputFile == nil) else { throw fail("tests.cases: a case needs exactly one of input and input_file", caseNode) }
            guard let expectNode = caseMap["expect"], let expectList = expectNode.sequence else {
                throw fail("tests.cases: a case needs 'expect' (a list; [] for a negative case)", caseNode)
            }
            var expectations: [RuleTestExpectation] = []
            for expected in expectList {
                guard let expectedMap = expected.mapping, let rule = expectedMap["rule"]?.string else {
                    throw fail("tests.cases.expect: each expectation needs a rule", expected)
                }
                try checkKeys(expectedMap, allowed: expectKeys, where: "tests.cases.expect", fail: fail)
                if expectedMap["collect"] != nil { throw fail("tests.cases.expect.collect needs correlation rules, which this version of spoor does not run yet", expected) }
                var fields: [String: String] = [:]
                for (key, value) in expectedMap["fields"]?.mapping ?? [:] {
                    guard let name = key.string, let text = value.string else { throw fail("tests.cases.expect.fields: values are scalars", key) }
                    fields[name] = text
                }
                var line: Int?
                if let lineNode = expectedMap["line"] {
                    guard let value = lineNode.int, value >= 1 else { throw fail("tests.cases.expect.line is a 1-based line number", lineNode) }
                    line = value
                }
                expectations.append(RuleTestExpectation(rule: rule, line: line, fields: fields,
                                                        redacted: expectedMap["redacted"]?.sequence?.compactMap(\.string) ?? []))
            }
            cases.append(RuleTestCase(name: caseMap["name"]?.string ?? "case \(cases.count + 1)", input: input ?? "", inputFile: inputFile,
                                      expectations: expectations, sourceLine: caseNode.mark?.line, status: caseMap["status"]?.string))
        }
        return RuleTests(year: year, timezone: timezone, placeholders: placeholders, cases: cases)
    }

    static func checkKeys(_ map: Node.Mapping, allowed: Set<String>, where place: String, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) {
        for (key, _) in map where !allowed.contains(key.string ?? "") {
            let name = key.string ?? "?"
            let suggestion = allowed.map { ($0, EditDistance.between($0, name)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }.map { "; did you mean '\($0.0)'?" } ?? ""
            throw fail("\(place): unknown key '\(name)'\(suggestion)", key)
        }
    }
}
