/// The part of SARIF 2.1.0 that ``SARIFExporter`` writes, as Encodable values named after the
/// specification's objects (§3 of the OASIS standard). Absent optionals are left out of the JSON.
enum SARIFLog {
    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var originalUriBaseIds: [String: ArtifactLocation]
        var artifacts: [Artifact]
        var results: [Result]
        var properties: [String: PropertyValue]
    }

    struct Tool: Encodable {
        var driver: ToolComponent
    }

    struct ToolComponent: Encodable {
        var name: String
        var version: String
        var informationUri: String?
        var rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        var id: String
        var name: String?
        var shortDescription: Message
        var defaultConfiguration: ReportingConfiguration
        var properties: [String: PropertyValue]
    }

    struct ReportingConfiguration: Encodable {
        var level: String
    }

    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var toolExecutionNotifications: [Notification]
    }

    struct Notification: Encodable {
        var level: String
        var message: Message
    }

    struct Message: Encodable {
        var text: String
    }

    struct Artifact: Encodable {
        var location: ArtifactLocation
        var length: Int64?
        var hashes: [String: String]?
        var roles: [String]
        var properties: [String: PropertyValue]
    }

    struct ArtifactLocation: Encodable {
        var uri: String?
        var uriBaseId: String?
        var index: Int?
        var description: Message?
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]?
        var partialFingerprints: [String: String]
        var properties: [String: PropertyValue]
    }

    struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation
        var message: Message?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }

    struct Region: Encodable {
        var startLine: Int?
        var snippet: ArtifactContent?
    }

    /// Text when the line is valid UTF-8, else `binary` (base64 of the raw bytes).
    struct ArtifactContent: Encodable {
        var text: String?
        var binary: String?
    }

    /// A value in a SARIF property bag.
    enum PropertyValue: Encodable, Equatable {
        case string(String)
        case integer(Int64)
        case boolean(Bool)
        case strings([String])
        case dictionary([String: String])
        case counts([String: Int])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .boolean(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            case .dictionary(let value): try container.encode(value)
            case .counts(let value): try container.encode(value)
            }
        }
    }
}
