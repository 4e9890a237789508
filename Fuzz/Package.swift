// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzz targets (libFuzzer), one per parser. A package of its own, depending on Lodestar by path, so
// that nothing here enters the normal build. Build and run with `scripts/fuzz [TARGET] [SECONDS]`, which passes
// `-sanitize=fuzzer,address`; `fuzz-seeds` (a plain executable) rewrites the artifact seeds.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "LodestarFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Lodestar", path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzer",
                .product(name: "EventSources", package: "Lodestar"),
                .product(name: "LearningEvents", package: "Lodestar"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "fuzz-avro", dependencies: ["FuzzSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "fuzz-ndjson", dependencies: ["FuzzSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "fuzz-courses", dependencies: ["FuzzSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "fuzz-gzip", dependencies: ["FuzzSupport"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "fuzz-artifact", dependencies: ["FuzzSupport", .product(name: "Models", package: "Lodestar")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "fuzz-bson", dependencies: ["FuzzSupport", .product(name: "MongoStore", package: "Lodestar")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "fuzz-seeds",
            dependencies: [.product(name: "Models", package: "Lodestar"), .product(name: "LinearAlgebra", package: "Lodestar")],
            swiftSettings: swiftSettings),
    ]
)
