// swift-tools-version: 6.0
// Spoor: a forensic log scanner. Library modules are named by what they do; `spoor` is a thin CLI over them.
import PackageDescription

let package = Package(
    name: "spoor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "spoor", targets: ["spoor"]),
        .executable(name: "spoor-corpus", targets: ["spoor-corpus"]),
        .library(name: "Scanning", targets: ["Scanning"]),
        // For the separate fuzzing package (Fuzz/), which reaches these modules through products.
        .library(name: "EvidenceInput", targets: ["EvidenceInput"]),
        .library(name: "LineChunking", targets: ["LineChunking"]),
        .library(name: "RecordParsing", targets: ["RecordParsing"]),
        .library(name: "DetectionRules", targets: ["DetectionRules"]),
        .library(name: "ZlibCodec", targets: ["ZlibCodec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // System-library shims: module map and header only. Each is imported by exactly one Swift type.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),

        // ISA-L's inflate, looked up at run time (dlopen) so that Spoor builds and runs without it.
        .target(name: "CIsal", linkerSettings: [.linkedLibrary("dl")]),
        // zlib and ISA-L, each wrapped once (inflate for evidence, deflate for the corpus generator).
        .target(name: "ZlibCodec", dependencies: ["CZlib", "CIsal"]),
        // libarchive, wrapped once: containers (tar, zip, 7z, cpio, …) and their filters, read from a byte
        // source so nested archives stream; its own module so that nothing else can reach CArchive.
        .target(name: "ArchiveCodec", dependencies: ["CArchive"]),
        // Evidence discovery, read-only opening, compression sniffing, decompression, SHA-256.
        .target(name: "EvidenceInput", dependencies: [
            "ZlibCodec", "ArchiveCodec", "RecordParsing",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Line-aligned chunks with line numbers and byte offsets; over-long line limits.
        .target(name: "LineChunking", dependencies: ["EvidenceInput"]),
        // Binary logs as lines: utmp/wtmp/btmp and lastlog records, systemd journal files (the one libsystemd wrapper).
        .target(name: "BinaryLogs", dependencies: ["CSystemd", "EvidenceInput", "LineChunking", "RecordParsing"]),
        // Independent pieces of work on a few threads, results in job order (rule files, correlations, report parts).
        .target(name: "ParallelWork", dependencies: []),
        // Records from lines: syslog header fields (more families later), time text.
        .target(name: "RecordParsing", dependencies: []),
        // The one PCRE2 wrapper: compile, JIT, match data, limits; literal gates.
        .target(name: "PatternMatching", dependencies: ["CPCRE2"]),
        // Sigma-LF loader, value compilation, conditions, captures.
        .target(name: "DetectionRules", dependencies: [
            "PatternMatching", "RecordParsing", "ParallelWork", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The report model (Codable): evidence, rules, findings.
        .target(name: "ExposureReport", dependencies: []),
        // Sessions, entities, exposure verdicts, coverage, sensitive data and the timeline, from the scan's
        // activities and findings.
        .target(name: "ExposureAnalysis", dependencies: ["ExposureReport", "RecordParsing"]),
        // Exporters behind one protocol: JSON report, JSON Lines, SARIF, human summary.
        .target(name: "ReportExport", dependencies: [
            "ExposureReport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The pipeline: the only place with threads.
        .target(name: "Scanning", dependencies: [
            "EvidenceInput", "LineChunking", "BinaryLogs", "RecordParsing", "PatternMatching", "DetectionRules", "ExposureReport", "ExposureAnalysis", "ParallelWork",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // Rules' own test cases, run through the scan pipeline (`spoor test`).
        .target(name: "RuleTesting", dependencies: ["DetectionRules", "Scanning", "ExposureReport", "PatternMatching", "RecordParsing"]),
        // Deterministic generator of realistic host log trees (samples/ and benchmark corpora).
        .target(name: "CorpusGeneration", dependencies: ["ZlibCodec", "RecordParsing"]),
        .executableTarget(name: "spoor-corpus", dependencies: [
            "CorpusGeneration",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "spoor", dependencies: [
            "Scanning", "ReportExport", "DetectionRules", "ExposureReport", "EvidenceInput", "RecordParsing", "RuleTesting", "ZlibCodec",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test support: keeps the reports tests produce for scripts/validate-reports (SPOOR_TEST_REPORT_DIR).
        .target(name: "ReportArchive", dependencies: ["ExposureReport", "ReportExport"], path: "Tests/ReportArchive"),

        .testTarget(name: "ZlibCodecTests", dependencies: ["ZlibCodec"]),
        .testTarget(name: "EvidenceInputTests", dependencies: ["EvidenceInput", "ZlibCodec", "ArchiveCodec"]),
        .testTarget(name: "LineChunkingTests", dependencies: ["LineChunking", "EvidenceInput"]),
        .testTarget(name: "BinaryLogsTests", dependencies: ["BinaryLogs", "EvidenceInput", "LineChunking", "RecordParsing", "Scanning", "DetectionRules", "ExposureReport", "ReportExport", "ReportArchive"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecordParsingTests", dependencies: ["RecordParsing"]),
        .testTarget(name: "PatternMatchingTests", dependencies: ["PatternMatching"]),
        .testTarget(name: "DetectionRulesTests", dependencies: ["DetectionRules", "PatternMatching", "RecordParsing", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ScanningTests", dependencies: ["Scanning", "ReportExport", "ExposureReport", "DetectionRules", "ZlibCodec", "ReportArchive"]),
        .testTarget(name: "CorpusGenerationTests", dependencies: ["CorpusGeneration", "ZlibCodec"]),
        .testTarget(name: "ExposureAnalysisTests", dependencies: ["ExposureAnalysis", "ExposureReport", "Scanning", "DetectionRules", "ReportExport", "ReportArchive"]),
        .testTarget(name: "RuleTestingTests", dependencies: ["RuleTesting", "DetectionRules", "Scanning", "ExposureReport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["spoor", "ExposureReport", "ZlibCodec", "ArchiveCodec", "ReportArchive"]),
        .testTarget(name: "ReportExportTests", dependencies: ["ReportExport", "ExposureReport", "ReportArchive", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v6]
)
