// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every Swift target (Swift 6 language mode, strict concurrency).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Lodestar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lodestar", targets: ["lodestar"]),
        // Libraries for packages that build on Lodestar by path (the fuzz targets under Fuzz/).
        .library(name: "LearningEvents", targets: ["LearningEvents"]),
        .library(name: "EventSources", targets: ["EventSources"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "MongoStore", targets: ["MongoStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        // RS256 signing of service-account JWTs (GoogleCloud). 4.x is what jwt-kit 5.8 (the HTTP API issue) needs too.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // The HTTP API (InferenceAPI): Hummingbird 2 without its swift-configuration trait (configuration is read by
        // the executable), jwt-kit 5 for bearer tokens, swift-prometheus for /metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // `swift package generate-documentation` (scripts/docs builds the DocC catalogs with warnings as errors).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C doors: the only targets that see C. Pointers never leave the Swift module above each.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CMongoC", path: "Sources/CMongoC", pkgConfig: "libmongoc-1.0"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),

        // The one dedicated-thread pool (compute, libmongoc calls, export reading): no dependencies, any module may use it.
        .target(name: "DedicatedThreads", swiftSettings: swiftSettings),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "DedicatedThreads"], swiftSettings: swiftSettings),
        .target(name: "LearningEvents", swiftSettings: swiftSettings),
        // Google Cloud access: credentials, HTTP with retries, GCS JSON API and Pub/Sub REST. Imports nothing of ours.
        .target(
            name: "GoogleCloud",
            dependencies: [
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventSources",
            dependencies: [
                "LearningEvents", "GoogleCloud", "CZlib", "DedicatedThreads", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // Exclusivity is checked (no unsafe flag): the hot loops take one access per row (docs/reliability.md).
            swiftSettings: swiftSettings
        ),
        // Sample-data generator and export writers (`lodestar generate`), kept out of the readers.
        .target(name: "SampleData", dependencies: ["LearningEvents", "EventSources", "CZlib"], swiftSettings: swiftSettings),
        .target(name: "Models", dependencies: ["LinearAlgebra", "LearningEvents"], swiftSettings: swiftSettings),
        .target(
            name: "MongoStore",
            dependencies: ["CMongoC", "LearningEvents", "DedicatedThreads", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        // The data contract with the core API, shared by batch and serving: collections, documents, indexes,
        // the model registry under leases, active-version reads, the feature schema, quarantine records.
        .target(
            name: "LearningStore",
            dependencies: ["MongoStore", "Models", "LearningEvents", "LinearAlgebra", "GoogleCloud",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "Models", "EventSources", "LearningStore", "MongoStore", "LearningEvents", "LinearAlgebra",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Job files, cron with time zones, job runs under leases, retries, backfill, history; a `Service`.
        .target(
            name: "Scheduler",
            dependencies: [
                "Pipeline", "LearningStore", "MongoStore", "EventSources",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Pub/Sub consumer: at-least-once in, exactly-once effects on learner_features, fold-in refresh of
        // recommendations and risk. Never imports Pipeline (what it shares with the batch lives in LearningStore).
        .target(
            name: "Streaming",
            dependencies: [
                "EventSources", "GoogleCloud", "LearningStore", "MongoStore", "Models", "LearningEvents", "LinearAlgebra",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: routes (one file per resource), JWT auth and roles, the per-tenant model cache, metrics,
        // the OpenAPI contract, jobs over HTTP through the Scheduler's `JobService`. Never imports Pipeline itself
        // (it links it through Scheduler; serving code shares only LearningStore with the batch).
        // The contract, Resources/openapi.yaml, is its resource (read through Bundle.module; the bundle
        // `Lodestar_InferenceAPI.resources` lies beside the executable, and deploy/build.sh stages it there).
        .target(
            name: "InferenceAPI",
            dependencies: [
                "LearningStore", "Models", "MongoStore", "LearningEvents", "LinearAlgebra", "Scheduler", "GoogleCloud",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lodestar",
            dependencies: [
                "LinearAlgebra", "LearningEvents", "EventSources", "GoogleCloud", "Models", "MongoStore", "LearningStore", "Pipeline", "SampleData",
                "Scheduler", "Streaming", "InferenceAPI",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // Shared test helpers: locating the servers CI starts (SecantusDB, GCS emulator).
        .target(name: "LodestarTestSupport", path: "Tests/LodestarTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "DedicatedThreadsTests", dependencies: ["DedicatedThreads"], swiftSettings: swiftSettings),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "LearningEvents"], swiftSettings: swiftSettings),
        .testTarget(name: "LearningEventsTests", dependencies: ["LearningEvents"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GoogleCloudTests",
            dependencies: ["GoogleCloud", "LodestarTestSupport", .product(name: "CryptoExtras", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventSourcesTests",
            dependencies: [
                "EventSources", "GoogleCloud", "LearningEvents", "SampleData", "LodestarTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SampleDataTests",
            dependencies: ["SampleData", "EventSources", "LearningEvents", "LinearAlgebra"],
            swiftSettings: swiftSettings
        ),
        // The executable's commands, run as a process (the binary beside the test bundle).
        .testTarget(name: "lodestarTests", dependencies: ["lodestar", "MongoStore", "LodestarTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "LinearAlgebra", "LearningEvents"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["LinearAlgebra", "Pipeline", "LearningStore", "MongoStore", "LearningEvents", "EventSources", "Models", "SampleData", "LodestarTestSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "MetricsTestKit", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LearningStoreTests",
            dependencies: ["LearningStore", "MongoStore", "LearningEvents", "GoogleCloud", "LodestarTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InferenceAPITests",
            dependencies: [
                "InferenceAPI", "LinearAlgebra", "LearningStore", "MongoStore", "Models", "Pipeline", "Scheduler", "SampleData", "EventSources", "LearningEvents", "LodestarTestSupport",
                "Streaming",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: ["LinearAlgebra", "Scheduler", "Pipeline", "MongoStore", "LearningStore", "SampleData", "GoogleCloud", "EventSources",
                           "LodestarTestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["croniter_reference.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamingTests",
            dependencies: ["LinearAlgebra", "Streaming", "GoogleCloud", "LearningStore", "MongoStore", "LearningEvents", "EventSources", "Models",
                           "Pipeline", "SampleData", "LodestarTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MongoStoreTests",
            dependencies: ["MongoStore", "LodestarTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
