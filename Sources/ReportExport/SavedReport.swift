import ExposureReport
import Foundation

/// Reads a saved `spoor.report/v1` JSON report back into a ``ScanReport`` (for `spoor render`), with
/// errors that name the file and the place in it.
public enum SavedReport {
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The report in `data`, read from `path` (used in messages only).
    public static func decode(_ data: Data, path: String) throws(ReadError) -> ScanReport {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ReadError(description: "\(path): not JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription)")
        }
        guard let top = object as? [String: Any] else { throw ReadError(description: "\(path): not a spoor report: the JSON is not an object") }
        guard let schema = top["schema"] as? String else { throw ReadError(description: "\(path): not a spoor report: no \"schema\" key") }
        guard schema == ScanReport.schemaIdentifier else {
            throw ReadError(description: "\(path): schema \"\(schema)\" is not \(ScanReport.schemaIdentifier), the one this spoor reads")
        }
        do {
            return try JSONDecoder().decode(ScanReport.self, from: data)
        } catch let error as DecodingError {
            throw ReadError(description: "\(path): \(describe(error))")
        } catch {
            throw ReadError(description: "\(path): \(error.localizedDescription)")
        }
    }

    /// The report in the file at `path`.
    public static func read(path: String) throws(ReadError) -> ScanReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReadError(description: "cannot read \(path): \((error as NSError).localizedDescription)")
        }
        return try decode(data, path: path)
    }

    /// `at findings[3].rule.level: expected a string` from a decoding error.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = context.codingPath.isEmpty ? "the top level" : place(context.codingPath)
            return "at \(at): the key \"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let context):
            return "at \(place(context.codingPath)): expected \(name(of: type))"
        case .valueNotFound(let type, let context):
            return "at \(place(context.codingPath)): expected \(name(of: type)), found null"
        case .dataCorrupted(let context):
            return "at \(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let described = String(describing: type)
            if described.hasPrefix("Array") { return "an array" }
            if described.hasPrefix("Dictionary") { return "an object" }
            return "an object (\(described))"
        }
    }
}
