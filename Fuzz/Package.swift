// swift-tools-version: 6.0
// libFuzzer targets for Spoor's parsers of untrusted input. A separate package (like a benchmarks
// package) so the main build and CI's `swift build` never see it: run them through `scripts/fuzz`.
import PackageDescription

let package = Package(
    name: "spoor-fuzz",
    dependencies: [
        // `name:` keeps the dependency independent of the clone's folder name.
        .package(name: "spoor", path: ".."),
    ],
    targets: [
        // Invariant checks shared by the targets (a failed check aborts: libFuzzer records the input).
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver", .product(name: "RecordParsing", package: "spoor")]),
        // Declares libFuzzer's LLVMFuzzerRunDriver, which each target's `<Module>_main` calls.
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzChunker", dependencies: [
            "FuzzSupport",
            .product(name: "LineChunking", package: "spoor"),
            .product(name: "EvidenceInput", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzSyslogRecord", dependencies: [
            "FuzzSupport", .product(name: "RecordParsing", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzAuditRecord", dependencies: [
            "FuzzSupport", .product(name: "RecordParsing", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzJournalJSON", dependencies: [
            "FuzzSupport", .product(name: "RecordParsing", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzRuleLoader", dependencies: [
            "FuzzSupport", .product(name: "DetectionRules", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzGzip", dependencies: [
            "FuzzSupport", .product(name: "ZlibCodec", package: "spoor"),
        ]),
        .executableTarget(name: "FuzzArchive", dependencies: [
            "FuzzSupport", .product(name: "EvidenceInput", package: "spoor"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
