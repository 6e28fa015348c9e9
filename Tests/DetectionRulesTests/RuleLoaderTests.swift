import Crypto
import Foundation
import DetectionRules
import Testing

@Suite("RuleLoader")
struct RuleLoaderTests {
    /// A valid rule whose line 7 is `selectionLine` and line 8 the condition; `extra` follows at line 10.
    private func ruleText(id: String = "rule-under-test", selectionLine: String = "        program: sshd", condition: String = "selection", logsource: String = "{product: linux, service: sshd}", extra: String = "") -> String {
        """
        title: Line-numbered test rule
        id: \(id)
        status: test
        logsource: \(logsource)
        detection:
            selection:
        \(selectionLine)
            condition: \(condition)
        level: high
        \(extra)
        """
    }

    private func expectError(_ yaml: String, line: Int?, rule: String? = "rule-under-test", containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = RuleFixtures.loadError(yaml, path: "rules/t.yml") else {
            Issue.record("the rule loaded; expected an error containing \(fragments)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.path == "rules/t.yml", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.rule == rule, sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
        #expect(error.description.hasPrefix("rules/t.yml" + (line.map { ":\($0)" } ?? "")), sourceLocation: sourceLocation)
    }

    @Test("a valid rule loads with its metadata")
    func validRule() throws {
        // The fields the report copies from a rule.
        let yaml = ruleText(extra: "tags:\n    - attack.credential-access\n    - attack.t1110.001\nentities:\n    user: {type: user}\n    typed: {type: secret}\nexposure: {category: credentials, disclosure: potential, asset: account}\nfalsepositives:\n    - admins mistyping")
        let rules = try RuleLoader().loadDocuments(yaml, path: "rules/t.yml")
        let rule = try #require(rules.first)
        #expect(rules.count == 1)
        #expect(rule.id == "rule-under-test")
        #expect(rule.title == "Line-numbered test rule")
        #expect(rule.level == .high)
        #expect(rule.sourcePath == "rules/t.yml")
        #expect(rule.documentIndex == 0)
        #expect(rule.logSource.product == "linux" && rule.logSource.service == "sshd" && rule.logSource.category == nil)
        #expect(rule.tags == ["attack.credential-access", "attack.t1110.001"])
        #expect(rule.entities["user"]?.type == "user" && rule.entities["user"]?.redact == false)
        // A secret is redacted unless the rule says otherwise.
        #expect(rule.entities["typed"]?.type == "secret" && rule.entities["typed"]?.redact == true)
        #expect(rule.exposure?.category == "credentials" && rule.exposure?.disclosure == "potential" && rule.exposure?.asset == "account")
        #expect(rule.falsePositives == ["admins mistyping"])
        #expect(rule.selections.map(\.name) == ["selection"])
        #expect(rule.condition == .selection(0))
    }

    @Test("several documents load in order; a rule without id is named after name, then path")
    func multipleDocuments() throws {
        // Document order is rule order, and so finding order.
        let yaml = """
            title: First
            name: first_rule
            logsource: {product: linux}
            detection: {k: 'Failed password', condition: k}
            ---
            title: Second
            logsource: {product: linux}
            detection: {k: 'Accepted', condition: k}
            """
        let rules = try RuleLoader().loadDocuments(yaml, path: "auth.yml")
        #expect(rules.map(\.id) == ["first_rule", "auth.yml#1"])
        #expect(rules.map(\.documentIndex) == [0, 1])
        #expect(rules.map(\.level) == [.medium, .medium])
    }

    @Test("an unknown top-level key is an error naming file, line and rule")
    func unknownKey() {
        // `severity` is not Sigma (it is `level`): silently ignoring it would hide a typo.
        expectError(ruleText(extra: "severity: high"), line: 10, containing: ["unknown key 'severity'"])
    }

    @Test("an unknown modifier is an error")
    func unknownModifier() {
        // `contians` would otherwise make a whole-field match that never fires.
        expectError(ruleText(selectionLine: "        message|contians: 'Failed password'"), line: 7, containing: ["unknown modifier 'contians'", "selection 'selection'"])
    }

    @Test("a misspelt modifier gets the nearest known one as a suggestion")
    func misspeltModifier() {
        // `startwith` (missing s) is one edit from `startswith`.
        expectError(ruleText(selectionLine: "        message|startwith: 'x'"), line: 7, containing: ["unknown modifier 'startwith'", "did you mean 'startswith'"])
    }

    @Test("an unknown field is an error that suggests the field meant")
    func unknownField() {
        // `User` (Windows-style) does not exist in syslog records; `user` does.
        expectError(ruleText(selectionLine: "        User: root"), line: 7, containing: ["unknown field 'User'", "did you mean 'user'", "Documentation/Fields.md"])
    }

    @Test("a PCRE2 compile error carries PCRE2's text and offset")
    func pcre2CompileError() {
        // `a(b`: missing parenthesis at offset 3, quoted so the author can find it.
        expectError(ruleText(selectionLine: "        message|re: 'a(b'"), line: 7, containing: ["missing closing parenthesis", "at offset 3", "'a(b'"])
    }

    @Test("a pattern that switches itself to UTF is refused at load time")
    func utfVerbRefused() {
        // `(*UTF)` would make 0xff bytes errors or evasions (rule-format §4.8).
        expectError(ruleText(selectionLine: "        message|re: '(*UTF)^Failed'"), line: 7, containing: ["PCRE2 cannot compile"])
    }

    @Test("a condition naming a missing selection is an error")
    func missingSelection() {
        // A typo in the condition would otherwise drop the filter.
        expectError(ruleText(condition: "selection and not filter"), line: 8, containing: ["condition 'selection and not filter'", "'filter'", "not a selection"])
    }

    @Test("a correlation document naming a rule that is not loaded is refused, naming the reference")
    func correlationDocument() {
        // A correlation over a misspelt rule name would silently never fire.
        let yaml = """
            title: Burst
            id: burst-rule
            correlation:
                type: event_count
                rules: [sshd_auth_failure]
                group-by: [src_ip]
                timespan: 10m
                condition: {gte: 5}
            """
        #expect(throws: RuleLoadError.self) { try RuleLoader().loadDocumentsAndCorrelations(yaml, path: "t.yml") }
        do {
            _ = try RuleLoader().loadDocumentsAndCorrelations(yaml, path: "t.yml")
        } catch {
            #expect(error.rule == "burst-rule")
            #expect(error.line == 1)
            #expect(error.message.contains("'sshd_auth_failure' names no loaded rule or correlation"), "\(error.message)")
        }
    }

    @Test("a Sigma filter document is refused with a clear reason")
    func filterDocument() {
        // Sigma filters (meta-rules) are not rules of their own.
        let yaml = "title: Lab filter\nid: f1\nlogsource: {product: linux}\nfilter:\n    rules: [x]\n    selection: {host: lab01}\n    condition: selection"
        expectError(yaml, line: 4, rule: "f1", containing: ["filter documents are not supported"])
    }

    @Test("an obsolete `| count()` aggregation condition is an error that says so")
    func obsoleteAggregation() {
        // Sigma 1 aggregations must become correlation rules; the message should say that.
        guard let error = RuleFixtures.loadError(ruleText(condition: "selection | count() by src_ip > 5"), path: "rules/t.yml") else {
            Issue.record("the rule loaded")
            return
        }
        #expect(error.line == 8)
        #expect(error.rule == "rule-under-test")
        #expect(error.message.contains("condition 'selection | count() by src_ip > 5'"))
        #expect(error.message.contains("obsolete"))
        expectError(ruleText(condition: "selection|count() > 5"), line: 8, containing: ["obsolete", "correlation"])
    }

    @Test("`timeframe` in detection is an error pointing at correlations")
    func timeframe() {
        // The other half of Sigma 1 aggregation.
        expectError(ruleText(selectionLine: "        program: sshd\n    timeframe: 10m"), line: 8, containing: ["timeframe", "correlation"])
    }

    @Test("an unmapped logsource category is an error")
    func unmappedCategory() {
        // `process_creation` is Windows/EDR; running it on syslog would silently match nothing.
        expectError(ruleText(logsource: "{product: linux, category: process_creation}"), line: 4, containing: ["logsource {product: linux, category: process_creation} is not mapped"])
    }

    @Test("an unknown service or product is an error", arguments: ["{product: linux, service: nginx}", "{product: windows, service: security}"])
    func unmappedService(logsource: String) {
        // Only the built-in map of rule-format §3.4 is known.
        expectError(ruleText(logsource: logsource), line: 4, containing: ["is not mapped to a parser"])
    }

    @Test("structural errors name the rule", arguments: [
        ("title: T\nid: no-detection\nlogsource: {product: linux}\n", "no detection"),
        ("title: T\nid: no-logsource\ndetection: {k: x, condition: k}\n", "no logsource"),
        ("id: no-title\nlogsource: {product: linux}\ndetection: {k: x, condition: k}\n", "no title"),
        ("title: T\nid: no-condition\nlogsource: {product: linux}\ndetection: {k: xyz}\n", "no condition"),
        ("title: T\nid: bad-level\nlogsource: {product: linux}\ndetection: {k: xyz, condition: k}\nlevel: severe\n", "level must be one of"),
        ("title: T\nid: bad-exists\nlogsource: {product: linux}\ndetection: {s: {pid|exists: maybe}, condition: s}\n", "exists takes true or false"),
        ("title: T\nid: null-list\nlogsource: {product: linux}\ndetection: {s: {pid: [null, '1']}, condition: s}\n", "null may not appear in a list"),
        ("title: T\nid: mixed\nlogsource: {product: linux}\ndetection: {s: [x, {pid: '1'}], condition: s}\n", "mixes keywords and maps"),
        ("title: T\nid: flag-without-re\nlogsource: {product: linux}\ndetection: {s: {message|i: x}, condition: s}\n", "need the 're' modifier"),
        ("title: T\nid: two-kinds\nlogsource: {product: linux}\ndetection: {s: {message|contains|startswith: x}, condition: s}\n", "exclude one another"),
        ("title: T\nid: empty-list\nlogsource: {product: linux}\ndetection: {s: {message: []}, condition: s}\n", "empty value list"),
        ("title: T\nid: bad-entity\nlogsource: {product: linux}\ndetection: {k: xyz, condition: k}\nentities: {user: {type: person}}\n", "type must be one of"),
        ("title: T\nid: bad-exposure\nlogsource: {product: linux}\ndetection: {k: xyz, condition: k}\nexposure: {category: credentials, disclosure: maybe}\n", "disclosure must be one of"),
    ])
    func structuralErrors(yaml: String, fragment: String) {
        // Fail closed: each of these would otherwise load a rule that means something else.
        let error = RuleFixtures.loadError(yaml)
        #expect(error != nil)
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.path == "t.yml")
        #expect(error?.rule != nil)
    }

    @Test("a YAML syntax error names the file and line")
    func yamlSyntaxError() {
        // An unclosed quote on line 3.
        let error = RuleFixtures.loadError("title: T\nlogsource: {product: linux}\ndetection: {k: 'Failed, condition: k}\nlevel: low\n", path: "broken.yml")
        #expect(error?.path == "broken.yml")
        #expect(error?.message.hasPrefix("YAML") == true)
        #expect(error?.line != nil)
    }

    @Test("load(paths:) reads a folder in byte-wise order and skips .lfs.yml sidecars")
    func loadFolder() throws {
        // `B.yml` < `a.yml` < `a/z.yaml` byte-wise; the sidecar is provenance, not a rule.
        let folder = try RuleFolder()
        defer { folder.remove() }
        try folder.write("a.yml", RuleFixtures.document(id: "rule-a", detection: "k: xyz\ncondition: k"))
        try folder.write("B.yml", RuleFixtures.document(id: "rule-B", detection: "k: xyz\ncondition: k"))
        let imported = RuleFixtures.document(id: "rule-az", detection: "k: xyz\ncondition: k")
        try folder.write("a/z.yaml", imported)
        let sha = SHA256.hash(data: Data(imported.utf8)).map { String(format: "%02x", $0) }.joined()
        try folder.write("a/z.lfs.yml", "provenance: {source: SigmaHQ/sigma, path: rules/z.yml, sha256: '\(sha)', authors: [Jane Doe]}\n")
        try folder.write("README.md", "not a rule\n")
        let set = try RuleLoader().load(paths: [folder.path])
        #expect(set.rules.map(\.id) == ["rule-B", "rule-a", "rule-az"])
        #expect(set.files == ["B.yml", "a.yml", "a/z.yaml"].map { folder.path + "/" + $0 })
        #expect(set.rules.map(\.sourcePath) == set.files)
        #expect(set.sha256.count == 64)
        // The sidecar is read as the provenance of the rule beside it.
        #expect(set.rules[2].provenance?.source == "SigmaHQ/sigma")
        #expect(set.rules[0].provenance == nil)
        #expect(set.rules[2].author == "Jane Doe")
        // An imported file edited in place no longer matches its sidecar: a load error, not a silent drift.
        try folder.write("a/z.yaml", imported + "# local edit\n")
        #expect(throws: RuleLoadError.self) { try RuleLoader().load(paths: [folder.path]) }
    }

    @Test("duplicate ids across two files are an error naming both")
    func duplicateIds() throws {
        // Two files defining the same id would make findings ambiguous.
        let folder = try RuleFolder()
        defer { folder.remove() }
        let first = try folder.write("auth.yml", RuleFixtures.document(id: "5f0f7a57-0000-4000-8000-00000000dupe", detection: "k: xyz\ncondition: k"))
        let second = try folder.write("sshd.yml", RuleFixtures.document(id: "5f0f7a57-0000-4000-8000-00000000dupe", detection: "k: abc\ncondition: k"))
        #expect {
            _ = try RuleLoader().load(paths: [folder.path])
        } throws: { error in
            guard let error = error as? RuleLoadError else { return false }
            return error.path == second && error.rule == "5f0f7a57-0000-4000-8000-00000000dupe" && error.message.contains("duplicate rule id") && error.message.contains(first)
        }
    }

    @Test("an error in one file of a folder names that file")
    func errorInFolderNamesFile() throws {
        // With many rule files the path is the first thing an author needs.
        let folder = try RuleFolder()
        defer { folder.remove() }
        try folder.write("good.yml", RuleFixtures.document(id: "good", detection: "k: xyz\ncondition: k"))
        let bad = try folder.write("nested/bad.yml", RuleFixtures.document(id: "bad", detection: "s:\n    message|contians: x\ncondition: s"))
        #expect {
            _ = try RuleLoader().load(paths: [folder.path])
        } throws: { error in
            guard let error = error as? RuleLoadError else { return false }
            return error.path == bad && error.rule == "bad" && error.line != nil
        }
    }

    @Test("a missing rule path is an error")
    func missingPath() {
        // A typo in `--rules` must not give an empty, silent rule set.
        #expect(throws: RuleLoadError(path: "/nonexistent/rules", message: "no such rule file or folder")) {
            _ = try RuleLoader().load(paths: ["/nonexistent/rules"])
        }
    }

    @Test("the interpreter-only loader gives rules that behave the same")
    func allowJITFalse() throws {
        // CI runs the rules with and without JIT (rule-format §3.9 gate 2).
        let yaml = RuleFixtures.document(detection: "selection:\n    message|re: '^Failed password for (?:invalid user )?(?<user>\\S+)'\ncondition: selection")
        let jit = try #require(try RuleLoader().loadDocuments(yaml, path: "t.yml").first)
        let interpreter = try #require(try RuleLoader(allowJIT: false).loadDocuments(yaml, path: "t.yml").first)
        for line in [RuleFixtures.failedPassword, RuleFixtures.failedRoot, RuleFixtures.accepted] {
            let a = RuleFixtures.evaluate(jit, line)
            let b = RuleFixtures.evaluate(interpreter, line)
            #expect(a.outcome == b.outcome)
            #expect(a.captures == b.captures)
        }
    }
}
