import ArgumentParser
import Foundation

/// Lodestar's settings: environment first, command-line flags override (see README "Configuration").
struct Configuration: Sendable {
    var mongoURI: String
    var database: String
    var storageEmulatorHost: String?
    var pubsubSubscription: String?
    var pubsubEmulatorHost: String?
    var credentialsFile: String?
    var port: Int

    static let defaultMongoURI = "mongodb://127.0.0.1:27017/"

    init(environment env: [String: String] = ProcessInfo.processInfo.environment, overrides: ConnectionOptions? = nil) {
        mongoURI = overrides?.mongodbURI ?? env["MONGODB_URI"] ?? Configuration.defaultMongoURI
        database = overrides?.db ?? env["LODESTAR_DB"] ?? "lodestar"
        storageEmulatorHost = env["STORAGE_EMULATOR_HOST"]
        pubsubSubscription = env["PUBSUB_SUBSCRIPTION"]
        pubsubEmulatorHost = env["PUBSUB_EMULATOR_HOST"]
        credentialsFile = env["GOOGLE_APPLICATION_CREDENTIALS"]
        port = env["PORT"].flatMap(Int.init) ?? 8080
    }

    /// Name/value pairs for display, secrets redacted.
    func describe(redactingURI redacted: String) -> [(String, String)] {
        [
            ("MONGODB_URI", redacted),
            ("LODESTAR_DB", database),
            ("STORAGE_EMULATOR_HOST", storageEmulatorHost ?? "(unset: Google Cloud Storage)"),
            ("PUBSUB_SUBSCRIPTION", pubsubSubscription ?? "(unset)"),
            ("PUBSUB_EMULATOR_HOST", pubsubEmulatorHost ?? "(unset)"),
            ("GOOGLE_APPLICATION_CREDENTIALS", credentialsFile ?? "(unset)"),
            ("PORT", String(port)),
        ]
    }
}

/// Flags that override the MongoDB settings of the environment.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("mongodb-uri"), help: "MongoDB connection string (overrides MONGODB_URI).")
    var mongodbURI: String?

    @Option(help: "Database name (overrides LODESTAR_DB).")
    var db: String?
}
