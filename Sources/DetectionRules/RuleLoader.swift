import Foundation
import Crypto
import PatternMatching
import RecordParsing
import Yams

/// Loads Sigma-LF rule files (YAML, several documents per file allowed) into compiled rules.
///
/// Contract: files are read in byte-wise path order and documents in file order, so rule order (and so
/// finding order) is deterministic. Unknown keys, unknown modifiers, unknown fields, unmapped log
/// sources and PCRE2 compile errors are load errors that name the file, the line and the rule: the loader
/// fails closed rather than run a rule that silently never matches.
public struct RuleLoader {
    /// Keys a rule document may have (Sigma's, plus Sigma-LF's extensions).
    static let ruleKeys: Set<String> = [
        "title", "id", "name", "related", "taxonomy", "status", "description", "license", "references", "author",
        "date", "modified", "logsource", "detection", "fields", "falsepositives", "level", "tags", "scope",
        "entities", "exposure", "output", "emit", "tests", "pcre2",
    ]
    static let logSourceKeys: Set<String> = ["product", "service", "category", "definition"]
    static let exposureKeys: Set<String> = ["category", "disclosure", "asset"]
    static let disclosures: Set<String> = ["confirmed", "potential", "none", "unknown"]
    static let entityKeys: Set<String> = ["type", "redact"]
    static let entityTypes: Set<String> = ["user", "ip", "host", "port", "file_path", "bytes", "command", "url", "email", "hash", "secret"]

    /// Compile with the JIT (the default) or force the interpreter (to check that both agree).
    public var allowJIT = true

    public init(allowJIT: Bool = true) {
        self.allowJIT = allowJIT
    }

    /// Loads every `.yml`/`.yaml` file under `paths` (files or folders, recursively).
    public func load(paths: [String]) throws(RuleLoadError) -> RuleSet {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RuleLoadError(path: path, message: "no such rule file or folder")
            }
            if isDirectory.boolValue {
                guard let enumerator = FileManager.default.enumerator(atPath: path) else {
                    throw RuleLoadError(path: path, message: "cannot list the folder")
                }
                for case let relative as String in enumerator where relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                    if relative.hasSuffix(".lfs.yml") { continue } // sidecars of imported rules, not rules
                    files.append((path as NSString).appendingPathComponent(relative))
                }
            } else {
                files.append(path)
            }
        }
        files = Array(Set(files)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var rules: [DetectionRule] = []
        var digest = SHA256()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RuleLoadError(path: file, message: "cannot read the rule file")
            }
            digest.update(data: Data(file.utf8))
            digest.update(data: Data([0]))
            digest.update(data: data)
            guard let text = String(data: data, encoding: .utf8) else {
                throw RuleLoadError(path: file, message: "the rule file is not valid UTF-8")
            }
            rules += try loadDocuments(text, path: file)
        }
        var seen: [String: String] = [:]
        for rule in rules {
            if let other = seen[rule.id] {
                throw RuleLoadError(path: rule.sourcePath, rule: rule.id, message: "duplicate rule id (also in \(other))")
            }
            seen[rule.id] = rule.sourcePath
        }
        let hash = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return try RuleSet(rules: rules, files: files, sha256: hash)
    }

    /// Loads the documents of one YAML text (`path` is only used in errors and provenance).
    public func loadDocuments(_ text: String, path: String) throws(RuleLoadError) -> [DetectionRule] {
        var rules: [DetectionRule] = []
        do {
            var documents = try Yams.compose_all(yaml: text)
            var index = 0
            while let document = documents.next() {
                if let rule = try compileDocument(document, path: path, index: index) { rules.append(rule) }
                index += 1
            }
            if let error = documents.error { throw error }
        } catch let error as RuleLoadError {
            throw error
        } catch {
            throw RuleLoadError(path: path, line: Self.yamlErrorLine(error), message: "YAML: \(error)")
        }
        return rules
    }

    private static func yamlErrorLine(_ error: Error) -> Int? {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
            default: return nil
            }
        }
        return nil
    }

    private func compileDocument(_ document: Node, path: String, index: Int) throws(RuleLoadError) -> DetectionRule? {
        guard let mapping = document.mapping else {
            throw RuleLoadError(path: path, line: document.mark?.line, message: "a rule document must be a mapping")
        }
        let identity = mapping["id"]?.string ?? mapping["name"]?.string ?? mapping["title"]?.string
        func fail(_ message: String, at node: Node? = nil) -> RuleLoadError {
            RuleLoadError(path: path, line: (node ?? document).mark?.line, rule: identity, message: message)
        }
        for (key, value) in mapping {
            guard let name = key.string, Self.ruleKeys.contains(name) else {
                if key.string == "correlation" {
                    throw fail("correlation rules are not supported by this version of spoor yet", at: key)
                }
                if key.string == "filter" {
                    throw fail("Sigma filter documents are not supported by this version of spoor yet", at: key)
                }
                throw fail("unknown key '\(key.string ?? "?")'", at: key)
            }
            _ = value
        }
        guard let title = mapping["title"]?.string, !title.isEmpty else { throw fail("the rule has no title") }
        guard let detectionNode = mapping["detection"], let detection = detectionNode.mapping else {
            throw fail("the rule has no detection mapping")
        }
        let ruleName = mapping["name"]?.string
        let id = mapping["id"]?.string ?? ruleName ?? "\(path)#\(index)"

        // Log source and its scope.
        var logSource = LogSource()
        if let node = mapping["logsource"] {
            guard let logMapping = node.mapping else { throw fail("logsource must be a mapping", at: node) }
            for (key, _) in logMapping where !Self.logSourceKeys.contains(key.string ?? "") {
                throw fail("unknown logsource key '\(key.string ?? "?")'", at: key)
            }
            logSource = LogSource(product: logMapping["product"]?.string, service: logMapping["service"]?.string, category: logMapping["category"]?.string)
        } else {
            throw fail("the rule has no logsource")
        }
        guard let scope = LogSourceScope.builtIn(for: logSource) else {
            let described = [logSource.product.map { "product: \($0)" }, logSource.category.map { "category: \($0)" }, logSource.service.map { "service: \($0)" }].compactMap { $0 }.joined(separator: ", ")
            throw fail("logsource {\(described)} is not mapped to a parser in this version of spoor", at: mapping["logsource"])
        }

        // Level.
        var level = RuleLevel.medium
        if let node = mapping["level"] {
            guard let text = node.string, let parsed = RuleLevel(rawValue: text) else {
                throw fail("level must be one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
            }
            level = parsed
        }

        // Selections, then the condition.
        var selections: [Selection] = []
        var conditionNode: Node?
        for (key, value) in detection {
            guard let name = key.string else { throw fail("a detection key must be a string", at: key) }
            if name == "condition" { conditionNode = value; continue }
            if name == "timeframe" { throw fail("'timeframe' is obsolete Sigma aggregation; use a correlation rule", at: key) }
            do {
                selections.append(try compileSelection(name: name, value, scope: scope))
            } catch let error as SelectionError {
                throw RuleLoadError(path: path, line: error.line ?? value.mark?.line, rule: identity, message: "selection '\(name)': \(error.message)")
            } catch {
                throw fail("selection '\(name)': \(error)", at: value)
            }
        }
        guard let conditionNode else { throw fail("detection has no condition", at: detectionNode) }
        var conditionTexts: [String] = []
        if let text = conditionNode.string { conditionTexts = [text] }
        else if let list = conditionNode.sequence { conditionTexts = list.compactMap(\.string) }
        guard !conditionTexts.isEmpty else { throw fail("condition must be a string or a list of strings", at: conditionNode) }
        var conditions: [Condition] = []
        for text in conditionTexts {
            var parser = ConditionParser(text, selectionNames: selections.map(\.name))
            do { conditions.append(try parser.parse()) } catch { throw fail("condition '\(text)': \(error.message)", at: conditionNode) }
        }
        let condition = conditions.count == 1 ? conditions[0] : .or(conditions)
        var positive = Set<Int>()
        condition.positiveSelections(into: &positive)

        // Metadata and extensions.
        let entities = try parseEntities(mapping["entities"], fail: fail)
        let exposure = try parseExposure(mapping["exposure"], fail: fail)
        let tags = mapping["tags"]?.sequence?.compactMap(\.string) ?? []
        let counts = try countTestCases(mapping["tests"], fail: fail)
        let tests = try parseTests(mapping["tests"], fail: fail)

        return DetectionRule(
            sourcePath: path, documentIndex: index, id: id, name: ruleName, title: title,
            description: mapping["description"]?.string, status: mapping["status"]?.string,
            author: mapping["author"]?.string, level: level, tags: tags,
            falsePositives: mapping["falsepositives"]?.sequence?.compactMap(\.string) ?? [],
            references: mapping["references"]?.sequence?.compactMap(\.string) ?? [],
            logSource: logSource, entities: entities, exposure: exposure, testCaseCounts: counts, tests: tests,
            selections: selections, condition: condition, positiveSelections: positive.sorted(),
            scope: scope, gate: LiteralGate.gate(of: condition, selections: selections, scope: scope))
    }

    private struct SelectionError: Error {
        var message: String
        var line: Int?

        init(message: String, node: Node?) {
            self.message = message
            line = node?.mark?.line
        }
    }

    private func compileSelection(name: String, _ node: Node, scope: LogSourceScope) throws -> Selection {
        if let list = node.sequence {
            // A list of keywords, or a list of maps (ORed).
            if list.allSatisfy({ $0.mapping != nil }) {
                return Selection(name: name, body: .maps(try list.map { try compileMap($0.mapping!, scope: scope) }))
            }
            if list.contains(where: { $0.mapping != nil || $0.sequence != nil }) {
                throw SelectionError(message: "a list mixes keywords and maps", node: node)
            }
            let patterns = try list.map { try compileKeyword($0) }
            return Selection(name: name, body: .keywords(patterns, requiresAll: false))
        }
        if let map = node.mapping {
            // `'|all': [keywords]` is an AND of keywords.
            if map.count == 1, let key = map.first?.key.string, key.hasPrefix("|") {
                let modifiers = key.dropFirst().split(separator: "|").map(String.init)
                guard modifiers == ["all"] else { throw SelectionError(message: "keywords take only '|all'", node: map.first?.key) }
                let values = map.first!.value.sequence ?? [map.first!.value]
                return Selection(name: name, body: .keywords(try values.map { try compileKeyword($0) }, requiresAll: true))
            }
            return Selection(name: name, body: .maps([try compileMap(map, scope: scope)]))
        }
        if node.scalar != nil {
            return Selection(name: name, body: .keywords([try compileKeyword(node)], requiresAll: false))
        }
        throw SelectionError(message: "a selection must be a map or a list", node: node)
    }

    private func compileKeyword(_ node: Node) throws -> CompiledPattern {
        guard let value = scalarText(node) else { throw SelectionError(message: "a keyword must be a string", node: node) }
        var modifiers = SigmaValueCompiler.Modifiers()
        modifiers.contains = true
        do {
            return try SigmaValueCompiler.compile(value, modifiers: modifiers, allowJIT: allowJIT)
        } catch let error as SigmaValueError {
            throw SelectionError(message: error.message, node: node)
        }
    }

    private func compileMap(_ map: Node.Mapping, scope: LogSourceScope) throws -> [FieldTest] {
        var tests: [FieldTest] = []
        for (keyNode, valueNode) in map {
            guard let key = keyNode.string else { throw SelectionError(message: "a field name must be a string", node: keyNode) }
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let fieldName = parts[0]
            guard FieldCatalog.isKnown(fieldName, allowsOpenKeys: scope.allowsOpenKeys) else {
                let known = FieldCatalog.namedFields.union(RecordField.allCases.map(\.name))
                let candidates = known.sorted().filter { $0.lowercased() == fieldName.lowercased() }
                let best = candidates.first { $0 == fieldName.lowercased() } ?? candidates.first
                let suggestion = best.map { "; did you mean '\($0)'?" } ?? ""
                throw SelectionError(message: "unknown field '\(fieldName)' for this logsource\(suggestion) (fields: Documentation/Fields.md)", node: keyNode)
            }
            let field = FieldName(fieldName)
            let modifiers: SigmaValueCompiler.Modifiers
            do { modifiers = try SigmaValueCompiler.parseModifiers(Array(parts.dropFirst())) } catch let error as SigmaValueError {
                throw SelectionError(message: "\(key): \(error.message)", node: keyNode)
            }
            let valueNodes = valueNode.sequence.map { Array($0) } ?? [valueNode]
            if valueNodes.isEmpty { throw SelectionError(message: "\(key): an empty value list matches nothing", node: valueNode) }
            var values: [ValueTest] = []
            for node in valueNodes {
                if modifiers.exists {
                    guard let flag = node.bool else { throw SelectionError(message: "\(key): exists takes true or false", node: node) }
                    values.append(.exists(flag))
                    continue
                }
                if node.null != nil && node.scalar?.style == .plain {
                    if valueNodes.count > 1 { throw SelectionError(message: "\(key): null may not appear in a list", node: node) }
                    values.append(.isAbsent)
                    continue
                }
                guard let text = scalarText(node) else { throw SelectionError(message: "\(key): values must be scalars", node: node) }
                do {
                    values.append(.pattern(try SigmaValueCompiler.compile(text, modifiers: modifiers, allowJIT: allowJIT)))
                } catch let error as SigmaValueError {
                    throw SelectionError(message: "\(key): \(error.message)", node: node)
                }
            }
            tests.append(FieldTest(field: field, values: values, requiresAll: modifiers.all, key: key))
        }
        return tests
    }

    private func scalarText(_ node: Node) -> String? {
        guard let scalar = node.scalar else { return nil }
        return scalar.string
    }

    private func parseEntities(_ node: Node?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> [String: EntitySpec] {
        guard let node else { return [:] }
        guard let map = node.mapping else { throw fail("entities must be a mapping", node) }
        var entities: [String: EntitySpec] = [:]
        for (key, value) in map {
            guard let name = key.string, let spec = value.mapping else { throw fail("entities: each entry maps a capture to {type, redact}", key) }
            for (specKey, _) in spec where !Self.entityKeys.contains(specKey.string ?? "") {
                throw fail("entities.\(name): unknown key '\(specKey.string ?? "?")'", specKey)
            }
            guard let type = spec["type"]?.string, Self.entityTypes.contains(type) else {
                throw fail("entities.\(name): type must be one of \(Self.entityTypes.sorted().joined(separator: ", "))", value)
            }
            entities[name] = EntitySpec(type: type, redact: spec["redact"]?.bool ?? (type == "secret"))
        }
        return entities
    }

    private func parseExposure(_ node: Node?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> ExposureSpec? {
        guard let node else { return nil }
        guard let map = node.mapping else { throw fail("exposure must be a mapping", node) }
        for (key, _) in map where !Self.exposureKeys.contains(key.string ?? "") {
            throw fail("exposure: unknown key '\(key.string ?? "?")'", key)
        }
        guard let category = map["category"]?.string else { throw fail("exposure needs a category", node) }
        let disclosure = map["disclosure"]?.string ?? "unknown"
        guard Self.disclosures.contains(disclosure) else { throw fail("exposure.disclosure must be one of \(Self.disclosures.sorted().joined(separator: ", "))", node) }
        return ExposureSpec(category: category, disclosure: disclosure, asset: map["asset"]?.string)
    }

    private func parseTests(_ node: Node?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> RuleTests? {
        guard let node, let map = node.mapping else { return nil }
        let context = map["context"]?.mapping
        var cases: [RuleTestCase] = []
        for caseNode in map["cases"]?.sequence ?? [] {
            guard let caseMap = caseNode.mapping else { throw fail("tests.cases: each case is a mapping", caseNode) }
            guard let input = caseMap["input"]?.string else { throw fail("tests.cases: a case needs an input", caseNode) }
            var expectations: [RuleTestExpectation] = []
            for expected in caseMap["expect"]?.sequence ?? [] {
                guard let expectedMap = expected.mapping, let rule = expectedMap["rule"]?.string else {
                    throw fail("tests.cases.expect: each expectation needs a rule", expected)
                }
                var fields: [String: String] = [:]
                for (key, value) in expectedMap["fields"]?.mapping ?? [:] {
                    if let name = key.string, let text = value.string { fields[name] = text }
                }
                expectations.append(RuleTestExpectation(rule: rule, line: expectedMap["line"]?.int, fields: fields,
                                                        redacted: expectedMap["redacted"]?.sequence?.compactMap(\.string) ?? []))
            }
            cases.append(RuleTestCase(name: caseMap["name"]?.string ?? "case \(cases.count + 1)", input: input,
                                      expectations: expectations, sourceLine: caseNode.mark?.line))
        }
        return RuleTests(year: context?["year"]?.int, timezone: context?["timezone"]?.string, cases: cases)
    }

    private func countTestCases(_ node: Node?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> (positive: Int, negative: Int) {
        guard let node else { return (0, 0) }
        guard let map = node.mapping else { throw fail("tests must be a mapping with 'cases'", node) }
        guard let cases = map["cases"]?.sequence else { return (0, 0) }
        var positive = 0, negative = 0
        for testCase in cases {
            if let expect = testCase.mapping?["expect"]?.sequence, !expect.isEmpty { positive += 1 } else { negative += 1 }
        }
        return (positive, negative)
    }
}
