import RecordParsing
import Testing

@Suite("RecordField")
struct RecordFieldTests {
    @Test("names round-trip and unknown names are nil")
    func names() {
        // Rules name fields by text; the loader resolves them once through init(name:).
        for field in RecordField.allCases { #expect(RecordField(name: field.name) == field) }
        #expect(RecordField.allCases.map(\.name) == ["raw", "timestamp", "host", "program", "pid", "message"])
        #expect(RecordField(name: "Message") == nil)
        #expect(RecordField(name: "user") == nil)
    }
}
