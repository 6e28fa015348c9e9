import DetectionRules
import Testing

@Suite("ConditionParser")
struct ConditionParserTests {
    private func parse(_ text: String, _ names: [String]) throws -> Condition {
        var parser = ConditionParser(text, selectionNames: names)
        return try parser.parse()
    }

    private func parseError(_ text: String, _ names: [String]) -> String? {
        var parser = ConditionParser(text, selectionNames: names)
        do {
            _ = try parser.parse()
            return nil
        } catch {
            return error.message
        }
    }

    @Test("and, or, not and parentheses build the expected tree")
    func basicTree() throws {
        // Names are resolved to selection indexes once, at load time.
        let names = ["selection", "filter", "other"]
        #expect(try parse("selection", names) == .selection(0))
        #expect(try parse("selection and not filter", names) == .and([.selection(0), .not(.selection(1))]))
        #expect(try parse("(selection or other) and not filter", names) == .and([.or([.selection(0), .selection(2)]), .not(.selection(1))]))
        #expect(try parse("not not filter", names) == .not(.not(.selection(1))))
        #expect(try parse("selection AND NOT filter", names) == .and([.selection(0), .not(.selection(1))]))
    }

    @Test("precedence: `a or b and not c` is `a or (b and (not c))`")
    func precedence() throws {
        // Sigma's precedence, loosest first: or, and, not.
        #expect(try parse("a or b and not c", ["a", "b", "c"]) == .or([.selection(0), .and([.selection(1), .not(.selection(2))])]))
        #expect(try parse("not a and b", ["a", "b"]) == .and([.not(.selection(0)), .selection(1)]))
    }

    @Test("`1 of sel*`, `any of`, `all of` match names by wildcard")
    func quantifiers() throws {
        // `sel*` picks sel_a and sel_b, not filter.
        let names = ["sel_a", "filter", "sel_b"]
        #expect(try parse("1 of sel*", names) == .quantified(isAll: false, [0, 2]))
        #expect(try parse("any of sel*", names) == .quantified(isAll: false, [0, 2]))
        #expect(try parse("all of sel_*", names) == .quantified(isAll: true, [0, 2]))
        #expect(try parse("1 of sel* and not filter", names) == .and([.quantified(isAll: false, [0, 2]), .not(.selection(1))]))
    }

    @Test("`them` skips names that start with an underscore")
    func themSkipsUnderscore() throws {
        // Sigma: `_`-prefixed identifiers are helpers, excluded from `all of them`.
        #expect(try parse("all of them", ["a", "_helper", "b"]) == .quantified(isAll: true, [0, 2]))
        #expect(try parse("1 of them", ["_x", "y"]) == .quantified(isAll: false, [1]))
    }

    @Test("malformed conditions are errors with a reason", arguments: [
        ("", "empty"),
        ("selection and", "ends too early"),
        ("(selection", "missing ')'"),
        ("selection)", "unexpected ')'"),
        ("missing", "not a selection of this rule"),
        ("1 of nothing*", "names no selection"),
        ("all them", "expected 'of'"),
        ("selection filter", "unexpected 'filter'"),
        ("selection|count() > 5", "obsolete"),
    ])
    func malformed(text: String, reason: String) {
        // Each rejected shape says what is wrong, so a rule author can fix it from the message.
        let message = parseError(text, ["selection", "filter"])
        #expect(message?.contains(reason) == true, "\(String(describing: message))")
    }

    @Test("a condition naming a missing selection lists the selections that exist")
    func missingSelectionMessage() {
        // The loader quotes this message; it should help find the typo.
        let message = parseError("selection and not fliter", ["selection", "filter"])
        #expect(message == "the condition names 'fliter', which is not a selection of this rule (selections: selection, filter)")
    }

    @Test("legacy aggregation `| count() by x > 5` is reported as obsolete Sigma")
    func legacyAggregationWithSpaces() {
        // Sigma 1's spelling has spaces around `|`; the reason must still say aggregation is obsolete.
        let message = parseError("selection | count() by src_ip > 5", ["selection"])
        #expect(message != nil)
        #expect(message?.contains("obsolete") == true)
    }
}
