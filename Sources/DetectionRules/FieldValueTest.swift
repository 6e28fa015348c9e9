import PatternMatching
import RecordParsing

extension FieldTest {
    /// Whether the test holds for a field given as text (nil: absent), with `value(of:)` for the other
    /// fields `|fieldref` reads: the same semantics as ``RuleEvaluator`` on a line, for the fields a
    /// correlation event keeps (`first_seen`'s `exclude`).
    ///
    /// A PCRE2 engine error (match limit) on a value counts as no match: an exclusion never hides an
    /// event because the engine gave up.
    public func holds(_ value: String?, scratch: MatchScratch, value other: (String) -> String?) -> Bool {
        guard let value else {
            // Only `null` and `exists: false` hold for an absent field; `neq` needs a value to differ.
            if negated { return false }
            let check = { (expected: ValueTest) -> Bool in
                switch expected {
                case .isAbsent: return true
                case .exists(let flag): return !flag
                default: return false
                }
            }
            return requiresAll ? values.allSatisfy(check) : values.contains(where: check)
        }
        var text = value
        return text.withUTF8 { buffer in
            let check = { (expected: ValueTest) -> Bool in
                switch expected {
                case .isAbsent: return false
                case .exists(let flag): return flag
                case .pattern(let pattern):
                    if case .matched = pattern.firstMatch(in: buffer, scratch: scratch) { return true }
                    return false
                case .fieldReference(let reference):
                    guard let otherValue = other(reference.field.text) else { return false }
                    return RuleEvaluator.compare(Array(buffer), Array(otherValue.utf8), reference.match)
                case .number, .network, .timePart:
                    return RuleEvaluator.typedCheck(expected, value: buffer)
                }
            }
            if negated { return !values.contains(where: check) }
            return requiresAll ? values.allSatisfy(check) : values.contains(where: check)
        }
    }
}
