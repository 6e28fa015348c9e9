import Foundation
import ParallelWork
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
public struct RuleLoader: Sendable {
    /// Keys a rule document may have (Sigma's, plus Sigma-LF's extensions).
    static let ruleKeys: Set<String> = [
        "title", "id", "name", "related", "taxonomy", "status", "description", "license", "references", "author",
        "date", "modified", "logsource", "detection", "fields", "falsepositives", "level", "tags", "scope",
        "entities", "exposure", "output", "emit", "tests", "pcre2",
        // SigmaHQ's own custom attributes (its CI uses them; they carry no detection meaning).
        "simulation", "regression_tests_path",
    ]
    static let logSourceKeys: Set<String> = ["product", "service", "category", "definition"]
    static let entityKeys: Set<String> = ["type", "redact", "check"]
    static let pcre2Keys: Set<String> = ["utf", "match_limit"]
    static let entityTypes: Set<String> = ["user", "ip", "host", "port", "file_path", "bytes", "command", "url", "email", "hash", "secret"]

    /// Compile with the JIT (the default) or force the interpreter (to check that both agree).
    public var allowJIT = true
    /// Values of `%Name%` placeholders for `|expand` (from a scan profile).
    public var placeholders: [String: [String]] = [:]
    /// Let each rule's `tests.context.placeholders` supply its placeholders (what `spoor test` does:
    /// a rule's tests run with the values they pin).
    public var usesTestPlaceholders = false
    /// Which parsers and programs each Sigma `logsource` means.
    public var logSources: LogSourceMap = .builtIn

    public init(allowJIT: Bool = true, placeholders: [String: [String]] = [:], usesTestPlaceholders: Bool = false, logSources: LogSourceMap = .builtIn) {
        self.allowJIT = allowJIT
        self.placeholders = placeholders
        self.usesTestPlaceholders = usesTestPlaceholders
        self.logSources = logSources
    }

    /// Loads every `.yml`/`.yaml` file under `paths` (files or folders, recursively).
    public func load(paths: [String]) throws(RuleLoadError) -> RuleSet {
        let listing = Self.ruleFiles(in: paths)
        if let problem = listing.problems.first { throw problem }
        let files = listing.files
        var rules: [DetectionRule] = []
        var skipped: [SkippedRule] = []
        var correlations: [CorrelationRule] = []
        var digest = SHA256()
        // Reading and hashing in order; parsing and compiling each file (YAML, PCRE2) side by side, the
        // results taken in file order, so the rule set and the first error are those of a sequential load.
        var read: [(file: String, text: String, sidecar: Sidecar?)] = []
        var readError: RuleLoadError?
        for file in files {
            do throws(RuleLoadError) { read.append(try readFile(file, digest: &digest)) } catch {
                // Thrown after the files before it, as a sequential load would.
                readError = error
                break
            }
        }
        let sources = read
        let loader = self
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let loaded = ParallelWork.map(count: sources.count, threads: threads) { index in
            Result { () throws(RuleLoadError) in
                try loader.loadDocumentsAndSkips(sources[index].text, path: sources[index].file, sidecar: sources[index].sidecar)
            }
        }
        for result in loaded {
            let file = try result.get()
            rules += file.rules
            skipped += file.skipped
            correlations += file.correlations
        }
        if let readError { throw readError }
        var seen: [String: String] = [:]
        var seenNames: [String: String] = [:]
        let identities = rules.map { ($0.id, $0.name, $0.sourcePath, $0.sourceLine) } + correlations.map { ($0.id, $0.name, $0.sourcePath, $0.sourceLine) }
        for (id, name, path, line) in identities {
            if let other = seen[id] {
                throw RuleLoadError(path: path, line: line, rule: id, message: "duplicate rule id (also in \(other))")
            }
            seen[id] = path
            if let name {
                if let other = seenNames[name] {
                    throw RuleLoadError(path: path, line: line, rule: id, message: "duplicate rule name '\(name)' (also in \(other))")
                }
                seenNames[name] = path
            }
        }
        let hash = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return try RuleSet(rules: rules, files: files, sha256: hash, skipped: skipped, correlations: correlations)
    }

    /// The rule files under `paths` (folders walked recursively), in byte-wise order, and the paths that
    /// could not be read. Sidecars of imported rules and the logsource map are not rules.
    static func ruleFiles(in paths: [String]) -> (files: [String], problems: [RuleLoadError]) {
        var files: [String] = []
        var problems: [RuleLoadError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(RuleLoadError(path: path, message: "no such rule file or folder"))
                continue
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else {
                problems.append(RuleLoadError(path: path, message: "cannot list the folder"))
                continue
            }
            for case let relative as String in enumerator where relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                if relative.hasSuffix(Sidecar.suffix) || (relative as NSString).lastPathComponent == LogSourceMap.fileName { continue }
                files.append((path as NSString).appendingPathComponent(relative))
            }
        }
        return (Array(Set(files)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, problems)
    }

    /// Loads one YAML text as a complete rule set (event rules and correlations resolved), for tests and
    /// tools that hold rules in memory.
    public func loadDocumentsAndCorrelations(_ text: String, path: String = "rules.yml") throws(RuleLoadError) -> RuleSet {
        let loaded = try loadDocumentsAndSkips(text, path: path, sidecar: nil)
        return try RuleSet(rules: loaded.rules, files: [path], sha256: "", skipped: loaded.skipped, correlations: loaded.correlations)
    }

    /// Loads one rule file and its sidecar (adding both to `digest`), without resolving correlations.
    func loadFile(_ file: String, digest: inout SHA256) throws(RuleLoadError) -> (rules: [DetectionRule], skipped: [SkippedRule], correlations: [CorrelationRule]) {
        let source = try readFile(file, digest: &digest)
        return try loadDocumentsAndSkips(source.text, path: file, sidecar: source.sidecar)
    }

    /// Reads a rule file and its sidecar, adds both to `digest`, and checks an imported rule against the
    /// hash its sidecar recorded.
    func readFile(_ file: String, digest: inout SHA256) throws(RuleLoadError) -> (file: String, text: String, sidecar: Sidecar?) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleLoadError(path: file, message: "cannot read the rule file")
        }
        digest.update(data: Data(file.utf8))
        digest.update(data: Data([0]))
        digest.update(data: data)
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuleLoadError(path: file, message: "the rule file is not valid UTF-8")
        }
        let sidecarPath = Sidecar.path(for: file)
        var sidecar: Sidecar?
        if let sidecarData = FileManager.default.contents(atPath: sidecarPath) {
            digest.update(data: Data(sidecarPath.utf8))
            digest.update(data: Data([0]))
            digest.update(data: sidecarData)
            sidecar = try Sidecar.parse(sidecarData, path: sidecarPath)
            // An imported rule stays byte-identical to upstream: local edits belong in the sidecar.
            let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            if let expected = sidecar?.provenance.sha256, expected != actual {
                throw RuleLoadError(path: file, message: "the imported rule changed since import (SHA-256 \(actual), sidecar says \(expected)); put local changes in \((sidecarPath as NSString).lastPathComponent)")
            }
        }
        return (file, text, sidecar)
    }

    /// Loads the documents of one YAML text (`path` is only used in errors and provenance). Rules whose
    /// placeholders have no values are left out; ``loadDocumentsAndSkips(_:path:sidecar:)`` says which.
    public func loadDocuments(_ text: String, path: String) throws(RuleLoadError) -> [DetectionRule] {
        try loadDocumentsAndSkips(text, path: path, sidecar: nil).rules
    }

    /// Loads the documents of one YAML text: event rules, the rules that could not run and why, and
    /// correlations (unresolved: ``RuleSet`` resolves their references across files).
    func loadDocumentsAndSkips(_ text: String, path: String, sidecar: Sidecar?) throws(RuleLoadError) -> (rules: [DetectionRule], skipped: [SkippedRule], correlations: [CorrelationRule]) {
        var rules: [DetectionRule] = []
        var skipped: [SkippedRule] = []
        var correlations: [CorrelationRule] = []
        do {
            var documents = try Yams.compose_all(yaml: text)
            var index = 0
            while let document = documents.next() {
                switch try compileDocument(document, path: path, index: index, sidecar: sidecar) {
                case .rule(let rule): rules.append(rule)
                case .skipped(let skip): skipped.append(skip)
                case .correlation(let correlation): correlations.append(correlation)
                }
                index += 1
            }
            if let error = documents.error { throw error }
        } catch let error as RuleLoadError {
            throw error
        } catch {
            throw RuleLoadError(path: path, line: Self.yamlErrorLine(error), message: "YAML: \(error)")
        }
        return (rules, skipped, correlations)
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

    enum DocumentOutcome {
        case rule(DetectionRule)
        case skipped(SkippedRule)
        case correlation(CorrelationRule)
    }

    /// What one document's values compile with.
    struct CompileContext {
        var scope: LogSourceScope
        var placeholders: [String: [String]]
        var utf: Bool
        var matchLimit: Int?
        /// Capture name → selections (indexes) whose `|re` named groups define it.
        var captureSources: [String: [Int]]
        /// The selection being compiled (it never reads its own captures).
        var currentSelection = 0
    }

    private func compileDocument(_ document: Node, path: String, index: Int, sidecar: Sidecar?) throws(RuleLoadError) -> DocumentOutcome {
        guard let mapping = document.mapping else {
            throw RuleLoadError(path: path, line: document.mark?.line, message: "a rule document must be a mapping")
        }
        let identity = mapping["id"]?.string ?? mapping["name"]?.string ?? mapping["title"]?.string
        func fail(_ message: String, at node: Node? = nil) -> RuleLoadError {
            RuleLoadError(path: path, line: (node ?? document).mark?.line, rule: identity, message: message)
        }
        if mapping["correlation"] != nil {
            var correlation = try CorrelationRule.parse(mapping, path: path, index: index, line: document.mark?.line) { message, node in fail(message, at: node) }
            if let excludeNode = mapping["correlation"]?.mapping?["exclude"] {
                // `exclude` is a selection over the kept fields of the correlation's events: the same
                // modifiers and placeholders as a rule's, any field name (events carry captures).
                var placeholders = self.placeholders
                if usesTestPlaceholders, let pinned = correlation.tests?.placeholders { placeholders.merge(pinned) { _, test in test } }
                let context = CompileContext(scope: LogSourceScope(programs: nil, allowsOpenKeys: true), placeholders: placeholders, utf: false,
                                             matchLimit: nil, captureSources: [:])
                do {
                    let maps = excludeNode.sequence.map { Array($0) } ?? [excludeNode]
                    correlation.exclude = try maps.map { node in
                        guard let map = node.mapping else { throw SelectionError(message: "exclude is a map of field tests, or a list of such maps", node: node) }
                        return try compileMap(map, context: context)
                    }
                } catch let error as PlaceholderError {
                    return .skipped(SkippedRule(path: path, line: excludeNode.mark?.line, id: correlation.id, title: correlation.title,
                                                reason: "placeholder %\(error.name)% has no values (give them in a --profile file)"))
                } catch let error as SelectionError {
                    throw RuleLoadError(path: path, line: error.line ?? excludeNode.mark?.line, rule: identity, message: "exclude: \(error.message)")
                } catch {
                    throw fail("exclude: \(error)", at: excludeNode)
                }
            }
            return .correlation(correlation)
        }
        for (key, _) in mapping {
            guard let name = key.string, Self.ruleKeys.contains(name) else {
                if key.string == "filter" {
                    throw fail("Sigma filter documents are not supported by this version of spoor yet", at: key)
                }
                let suggestion = Self.ruleKeys.map { ($0, EditDistance.between($0, key.string ?? "")) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }.map { "; did you mean '\($0.0)'?" } ?? ""
                throw fail("unknown key '\(key.string ?? "?")'\(suggestion)", at: key)
            }
        }
        guard let title = mapping["title"]?.string, !title.isEmpty else { throw fail("the rule has no title") }
        guard let detectionNode = mapping["detection"], let detection = detectionNode.mapping else {
            throw fail("the rule has no detection mapping")
        }
        let ruleName = mapping["name"]?.string
        let id = mapping["id"]?.string ?? ruleName ?? "\(path)#\(index)"
        let sidecarEntry = sidecar?.rules[id]

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
        guard let scope = logSources.scope(for: logSource) else {
            throw fail("logsource {\(logSource.described)} is not mapped to a parser (see \(LogSourceMap.fileName))", at: mapping["logsource"])
        }

        // Level.
        var level = RuleLevel.medium
        if let node = mapping["level"] {
            guard let text = node.string, let parsed = RuleLevel(rawValue: text) else {
                throw fail("level must be one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
            }
            level = parsed
        }

        // Tests come first: under `spoor test` their context pins the placeholders.
        let tests: RuleTests?
        if let node = mapping["tests"] {
            tests = try TestBlockParser.parse(node, ruleFile: path, fail: fail)
        } else {
            tests = sidecarEntry?.tests
        }
        var placeholders = self.placeholders
        if usesTestPlaceholders, let pinned = tests?.placeholders {
            placeholders.merge(pinned) { _, test in test }
        }

        // PCRE2 options of the rule.
        var utf = false
        var matchLimit: Int?
        if let node = mapping["pcre2"] {
            guard let map = node.mapping else { throw fail("pcre2 must be a mapping {utf, match_limit}", at: node) }
            for (key, value) in map {
                switch key.string {
                case "utf":
                    guard let flag = value.bool else { throw fail("pcre2.utf takes true or false", at: value) }
                    utf = flag
                case "match_limit":
                    guard let limit = value.int, limit > 0, limit <= Int(MatchLimits().matchLimit) else {
                        throw fail("pcre2.match_limit must be a positive number no larger than the engine's \(MatchLimits().matchLimit)", at: value)
                    }
                    matchLimit = limit
                default: throw fail("pcre2: unknown key '\(key.string ?? "?")' (known: \(Self.pcre2Keys.sorted().joined(separator: ", ")))", at: key)
                }
            }
        }

        // Selections, then the condition.
        var selectionEntries: [(name: String, node: Node, key: Node)] = []
        var conditionNode: Node?
        for (key, value) in detection {
            guard let name = key.string else { throw fail("a detection key must be a string", at: key) }
            if name == "condition" { conditionNode = value; continue }
            if name == "timeframe" { throw fail("'timeframe' is obsolete Sigma aggregation; use a correlation rule", at: key) }
            selectionEntries.append((name, value, key))
        }
        var context = CompileContext(scope: scope, placeholders: placeholders, utf: utf, matchLimit: matchLimit,
                                     captureSources: captureSources(of: selectionEntries.map(\.node), utf: utf))
        var selections: [Selection] = []
        for (position, entry) in selectionEntries.enumerated() {
            context.currentSelection = position
            do {
                selections.append(try compileSelection(name: entry.name, entry.node, context: &context))
            } catch let error as PlaceholderError {
                return .skipped(SkippedRule(path: path, line: entry.node.mark?.line, id: id, title: title,
                                            reason: "placeholder %\(error.name)% has no values (give them in a --profile file)"))
            } catch let error as SelectionError {
                throw RuleLoadError(path: path, line: error.line ?? entry.node.mark?.line, rule: identity, message: "selection '\(entry.name)': \(error.message)")
            } catch {
                throw fail("selection '\(entry.name)': \(error)", at: entry.node)
            }
        }
        if let cycle = Self.captureCycle(in: selections) {
            throw fail("selections capture fields from one another in a cycle: \(cycle.map { selections[$0].name }.joined(separator: " → "))", at: detectionNode)
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
        // A selection whose captures another selection reads must run whenever that one runs.
        for selection in selections { for case .maps(let maps) in [selection.body] { for test in maps.joined() { positive.formUnion(test.capturedBy) } } }

        // Metadata and extensions.
        let entities = try parseEntities(mapping["entities"], fail: fail)
        var exposure = try parseExposure(mapping["exposure"], fail: fail)
        if exposure == nil { exposure = sidecarEntry?.exposure }
        let tags = mapping["tags"]?.sequence?.compactMap(\.string) ?? []
        var author = mapping["author"]?.string
        if author == nil, let authors = sidecar?.provenance.authors, !authors.isEmpty { author = authors.joined(separator: ", ") }

        let gate = LiteralGate.gate(of: condition, selections: selections, scope: scope)
        return .rule(DetectionRule(
            sourcePath: path, documentIndex: index, sourceLine: document.mark?.line, id: id, name: ruleName, title: title,
            description: mapping["description"]?.string, status: mapping["status"]?.string,
            author: author, license: mapping["license"]?.string ?? sidecar?.provenance.license,
            level: level, tags: tags,
            falsePositives: mapping["falsepositives"]?.sequence?.compactMap(\.string) ?? [],
            references: mapping["references"]?.sequence?.compactMap(\.string) ?? [],
            logSource: logSource, entities: entities,
            captureChecks: entities.compactMapValues(\.check), exposure: exposure,
            testCaseCounts: tests?.caseCounts ?? (0, 0), tests: tests, provenance: sidecar?.provenance, emit: mapping["emit"]?.bool ?? false,
            selections: selections, condition: condition, positiveSelections: positive.sorted(),
            scope: scope, gate: gate,
            chunkGate: gate == nil ? ChunkGate.gate(of: condition, selections: selections, scope: scope, allowJIT: allowJIT) : nil))
    }

    /// Names defined by the `|re` named groups of each selection (compiled once here, only to read the
    /// name table; a pattern that does not compile is reported when its selection is compiled).
    private func captureSources(of nodes: [Node], utf: Bool) -> [String: [Int]] {
        var sources: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            var maps: [Node.Mapping] = []
            if let map = node.mapping { maps = [map] } else if let list = node.sequence { maps = list.compactMap(\.mapping) }
            for map in maps {
                for (key, value) in map {
                    guard let text = key.string, text.split(separator: "|").dropFirst().contains("re") else { continue }
                    for valueNode in value.sequence.map(Array.init) ?? [value] {
                        guard let pattern = valueNode.string, let compiled = try? CompiledPattern(pattern, options: utf ? [.utf] : [], allowJIT: false) else { continue }
                        for group in compiled.namedGroups where sources[group.name]?.contains(index) != true {
                            sources[group.name, default: []].append(index)
                        }
                    }
                }
            }
        }
        return sources
    }

    /// A cycle of selections that read each other's captures, if any.
    static func captureCycle(in selections: [Selection]) -> [Int]? {
        func dependencies(_ index: Int) -> [Int] {
            guard case .maps(let maps) = selections[index].body else { return [] }
            return maps.joined().flatMap(\.capturedBy)
        }
        var state = [UInt8](repeating: 0, count: selections.count) // 0 new, 1 on stack, 2 done
        var stack: [Int] = []
        func visit(_ index: Int) -> [Int]? {
            if state[index] == 2 { return nil }
            if state[index] == 1 { return Array(stack[(stack.firstIndex(of: index) ?? 0)...]) + [index] }
            state[index] = 1
            stack.append(index)
            for next in dependencies(index) { if let cycle = visit(next) { return cycle } }
            stack.removeLast()
            state[index] = 2
            return nil
        }
        for index in selections.indices { if let cycle = visit(index) { return cycle } }
        return nil
    }

    struct SelectionError: Error {
        var message: String
        var line: Int?

        init(message: String, node: Node?) {
            self.message = message
            line = node?.mark?.line
        }
    }

    private func compileSelection(name: String, _ node: Node, context: inout CompileContext) throws -> Selection {
        if let list = node.sequence {
            // A list of keywords, or a list of maps (ORed).
            if list.allSatisfy({ $0.mapping != nil }) {
                return Selection(name: name, body: .maps(try list.map { try compileMap($0.mapping!, context: context) }))
            }
            if list.contains(where: { $0.mapping != nil || $0.sequence != nil }) {
                throw SelectionError(message: "a list mixes keywords and maps", node: node)
            }
            let patterns = try list.flatMap { try compileKeyword($0, modifiers: [], context: context) }
            return Selection(name: name, body: .keywords(patterns, requiresAll: false))
        }
        if let map = node.mapping {
            // `'|modifiers': [keywords]` is a keyword list with modifiers (`|all` ANDs them).
            if map.count == 1, let key = map.first?.key.string, key.hasPrefix("|") {
                let modifiers = key.dropFirst().split(separator: "|").map(String.init)
                let allowed: Set<String> = ["all", "cased", "windash", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "expand"]
                if let bad = modifiers.first(where: { !allowed.contains($0) }) {
                    throw SelectionError(message: "keywords take only \(allowed.sorted().map { "|\($0)" }.joined(separator: ", ")), not '|\(bad)'", node: map.first?.key)
                }
                let values = map.first!.value.sequence.map(Array.init) ?? [map.first!.value]
                let patterns = try values.flatMap { try compileKeyword($0, modifiers: modifiers.filter { $0 != "all" }, context: context) }
                return Selection(name: name, body: .keywords(patterns, requiresAll: modifiers.contains("all")))
            }
            return Selection(name: name, body: .maps([try compileMap(map, context: context)]))
        }
        if node.scalar != nil {
            return Selection(name: name, body: .keywords(try compileKeyword(node, modifiers: [], context: context), requiresAll: false))
        }
        throw SelectionError(message: "a selection must be a map or a list", node: node)
    }

    /// A keyword (searched anywhere in `raw`); `|expand` may make it several.
    private func compileKeyword(_ node: Node, modifiers names: [String], context: CompileContext) throws -> [CompiledPattern] {
        guard let value = scalarText(node) else { throw SelectionError(message: "a keyword must be a string", node: node) }
        var modifiers: SigmaValueCompiler.Modifiers
        do { modifiers = try SigmaValueCompiler.parseModifiers(names) } catch let error as SigmaValueError {
            throw SelectionError(message: error.message, node: node)
        }
        modifiers.contains = true
        let values = modifiers.expand ? try SigmaValueCompiler.expand(value, placeholders: context.placeholders) : [value]
        do {
            return try values.map { try SigmaValueCompiler.compile($0, modifiers: modifiers, allowJIT: allowJIT, utf: context.utf) }
        } catch let error as SigmaValueError {
            throw SelectionError(message: error.message, node: node)
        }
    }

    private func compileMap(_ map: Node.Mapping, context: CompileContext) throws -> [FieldTest] {
        var tests: [FieldTest] = []
        for (keyNode, valueNode) in map {
            guard let key = keyNode.string else { throw SelectionError(message: "a field name must be a string", node: keyNode) }
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let fieldName = parts[0]
            let isParserField = FieldCatalog.isKnown(fieldName, allowsOpenKeys: context.scope.allowsOpenKeys)
            let isCatalogueName = RecordField(name: fieldName) != nil || FieldCatalog.namedFields.contains(fieldName)
            // A capture of this rule that no parser field shadows is read from the capturing selections.
            let capturedBy = isCatalogueName ? [] : (context.captureSources[fieldName] ?? []).filter { $0 != context.currentSelection }
            guard isParserField || !capturedBy.isEmpty else {
                let known = FieldCatalog.namedFields.union(RecordField.allCases.map(\.name)).union(context.captureSources.keys)
                // Nearest ignoring case, then nearest as written (`User` → `user`, not `USER`).
                let candidates = known.map { ($0, EditDistance.between($0.lowercased(), fieldName.lowercased()), EditDistance.between($0, fieldName)) }.filter { $0.1 <= 2 }
                let best = candidates.min { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }?.0
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
            if modifiers.all && valueNodes.count < 2 {
                throw SelectionError(message: "\(key): 'all' needs a list of two or more values (Sigma forbids it on one value)", node: valueNode)
            }
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
                let texts = modifiers.expand ? try SigmaValueCompiler.expand(text, placeholders: context.placeholders) : [text]
                for text in texts {
                    do {
                        if modifiers.isTyped {
                            values.append(try SigmaValueCompiler.typedTest(text, modifiers: modifiers) {
                                FieldCatalog.isKnown($0, allowsOpenKeys: context.scope.allowsOpenKeys)
                            })
                        } else if modifiers.neq, !modifiers.contains, !modifiers.startsWith, !modifiers.endsWith, !modifiers.regex,
                                  let number = text.utf8.withContiguousStorageIfAvailable({ DecimalValue.parse($0) }) ?? nil {
                            // `|neq: 0` compares decimal numbers (so `00` equals `0`); text otherwise.
                            values.append(.number(.eq, number))
                        } else {
                            var source = text
                            if modifiers.regex, let limit = context.matchLimit { source = "(*LIMIT_MATCH=\(limit))" + source }
                            values.append(.pattern(try SigmaValueCompiler.compile(source, modifiers: modifiers, allowJIT: allowJIT, utf: context.utf)))
                        }
                    } catch let error as SigmaValueError {
                        throw SelectionError(message: "\(key): \(error.message)", node: node)
                    }
                }
            }
            tests.append(FieldTest(field: field, values: values, requiresAll: modifiers.all, negated: modifiers.neq,
                                   capturedBy: capturedBy, key: key))
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
            var check: CaptureCheck?
            if let checkNode = spec["check"] {
                guard let text = checkNode.string, let parsed = CaptureCheck(rawValue: text) else {
                    throw fail("entities.\(name): check must be one of \(CaptureCheck.allCases.map(\.rawValue).joined(separator: ", "))", checkNode)
                }
                check = parsed
            }
            entities[name] = EntitySpec(type: type, redact: spec["redact"]?.bool ?? (type == "secret"), check: check)
        }
        return entities
    }

    private func parseExposure(_ node: Node?, fail: (String, Node?) -> RuleLoadError) throws(RuleLoadError) -> ExposureSpec? {
        guard let node else { return nil }
        return try ExposureSpec.parse(node) { message, at in fail(message, at ?? node) }
    }
}

/// A rule that loaded but cannot run in this scan, and why (an unresolved placeholder).
public struct SkippedRule: Sendable, Equatable {
    public var path: String
    public var line: Int?
    public var id: String
    public var title: String
    public var reason: String
}

extension LogSource {
    /// `product: linux, service: sshd`, for messages.
    public var described: String {
        [product.map { "product: \($0)" }, category.map { "category: \($0)" }, service.map { "service: \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}
