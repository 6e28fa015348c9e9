import DetectionRules
import FuzzSupport

/// The rule loader over the input as YAML text (`RuleLoader().loadDocuments`): Sigma-LF documents,
/// their detection values, modifiers, conditions and patterns (PCRE2 compile included). A load error
/// is a fine outcome; a trap, a memory error or a hang is not. Invalid UTF-8 is repaired the way
/// `String(decoding:as:)` does, as a file read would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: size == 0 ? nil : data, count: size), as: UTF8.self)
    do {
        _ = try RuleLoader().loadDocuments(text, path: "fuzz.yml")
    } catch {
        _ = error.description
    }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzRuleLoader_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
