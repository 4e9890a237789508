import ArgumentParser
import EventSources
import Foundation
import GoogleCloud

/// Lodestar's settings: environment first, command-line flags override (see the README's configuration table).
struct Configuration: Sendable {
    var mongoURI: String
    var database: String
    var storageEmulatorHost: String?
    var pubsubSubscription: String?
    var pubsubEmulatorHost: String?
    var credentialsFile: String?
    /// Emulator hosts, credentials and project for GCS and Pub/Sub.
    var googleCloud: GoogleCloudConfiguration
    var port: Int
    /// `LODESTAR_JWT_SECRET`: the HS256 secret of development tokens (≥ 32 bytes).
    var jwtSecret: String?
    /// `LODESTAR_JWKS_URL`: the RS256/ES256 key set (https://…, file://… or a path).
    var jwksURL: String?
    /// `LODESTAR_JWT_ISSUER` / `LODESTAR_JWT_AUDIENCE`: required `iss` / `aud` of tokens, when set.
    var jwtIssuer: String?
    var jwtAudience: String?
    /// `LODESTAR_ALLOW_DEV_TOKENS=1`: accept HS256 tokens beside a JWKS (development only; `serve` warns).
    var allowDevTokens: Bool
    /// `LODESTAR_MODELS_DIR`: this replica's local models folder (default `models`): the artifact cache
    /// (`.artifact-cache`) and, when `LODESTAR_ARTIFACTS` is a folder, nothing else; versions published before the
    /// shared store are read from it.
    var modelsDirectory: String
    /// `LODESTAR_ARTIFACTS`: the shared artifact store: `mongodb` (GridFS in Lodestar's database, the default),
    /// `gs://bucket/prefix`, or a local folder (one machine).
    var artifacts: String
    /// `LODESTAR_ARTIFACT_CACHE_MB`: most bytes of this replica's artifact cache (default 2048).
    var artifactCacheMB: Int
    /// `LODESTAR_LEASE_SECONDS`: lease length (heartbeats every third of it).
    var leaseSeconds: Int
    /// `LODESTAR_QUARANTINE_TTL_DAYS`: how long quarantined rows are kept.
    var quarantineTTLDays: Int
    /// `LODESTAR_SCHEDULER_SLOTS`: runs one scheduler replica carries out at once.
    var schedulerSlots: Int
    /// `LODESTAR_SCHEDULER_POLL_SECONDS`: seconds between scheduling passes.
    var schedulerPollSeconds: Double
    /// `LODESTAR_SCHEDULER_MAX_RUNS`: live runs over all replicas at once (unset: no cluster-wide limit).
    var schedulerClusterMaxRuns: Int?
    /// `LODESTAR_SHUTDOWN_GRACE_SECONDS`: how long running work may go on after SIGTERM.
    var shutdownGraceSeconds: Int
    /// Problems found while reading the environment (a value out of range falls back to the default).
    var problems: [String] = []

    var leaseDuration: Duration { .seconds(leaseSeconds) }

    static let defaultMongoURI = "mongodb://127.0.0.1:27017/"

    init(environment env: [String: String] = ProcessInfo.processInfo.environment, overrides: ConnectionOptions? = nil) {
        mongoURI = overrides?.mongodbURI ?? env["MONGODB_URI"] ?? Configuration.defaultMongoURI
        database = overrides?.db ?? env["LODESTAR_DB"] ?? "lodestar"
        storageEmulatorHost = env["STORAGE_EMULATOR_HOST"]
        pubsubSubscription = env["PUBSUB_SUBSCRIPTION"]
        pubsubEmulatorHost = env["PUBSUB_EMULATOR_HOST"]
        credentialsFile = env["GOOGLE_APPLICATION_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.gcloudApplicationDefaultCredentials(home: env["HOME"])
        googleCloud = GoogleCloudConfiguration(
            storageEmulatorHost: storageEmulatorHost, pubsubEmulatorHost: pubsubEmulatorHost,
            credentialsFile: credentialsFile, accessToken: env["GCS_ACCESS_TOKEN"],
            projectID: env["GOOGLE_CLOUD_PROJECT"] ?? env["GCLOUD_PROJECT"],
            metadataHost: env["GCE_METADATA_HOST"] ?? MetadataServerCredentials.defaultHost)
        jwtSecret = env["LODESTAR_JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        jwksURL = env["LODESTAR_JWKS_URL"].flatMap { $0.isEmpty ? nil : $0 }
        jwtIssuer = env["LODESTAR_JWT_ISSUER"].flatMap { $0.isEmpty ? nil : $0 }
        jwtAudience = env["LODESTAR_JWT_AUDIENCE"].flatMap { $0.isEmpty ? nil : $0 }
        allowDevTokens = ["1", "true", "yes"].contains(env["LODESTAR_ALLOW_DEV_TOKENS"]?.lowercased() ?? "")
        modelsDirectory = env["LODESTAR_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "models"
        artifacts = env["LODESTAR_ARTIFACTS"].flatMap { $0.isEmpty ? nil : $0 } ?? "mongodb"
        var problems: [String] = []
        func int(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) -> Int {
            guard let text = env[name] else { return fallback }
            guard let v = Int(text), range.contains(v) else {
                problems.append("\(name)=\(text) is not an integer in \(range.lowerBound)…\(range.upperBound); using \(fallback)")
                return fallback
            }
            return v
        }
        port = int("PORT", 1...65_535, 8080)
        leaseSeconds = int("LODESTAR_LEASE_SECONDS", 3...86_400, 60)
        quarantineTTLDays = int("LODESTAR_QUARANTINE_TTL_DAYS", 1...3650, 30)
        schedulerSlots = int("LODESTAR_SCHEDULER_SLOTS", 1...1024, 2)
        schedulerClusterMaxRuns = env["LODESTAR_SCHEDULER_MAX_RUNS"] == nil ? nil : int("LODESTAR_SCHEDULER_MAX_RUNS", 1...100_000, 100)
        shutdownGraceSeconds = int("LODESTAR_SHUTDOWN_GRACE_SECONDS", 0...86_400, 30)
        artifactCacheMB = int("LODESTAR_ARTIFACT_CACHE_MB", 0...1_048_576, 2048)
        var poll = 1.0
        if let text = env["LODESTAR_SCHEDULER_POLL_SECONDS"] {
            if let v = Double(text), v >= 0.01, v <= 3600 { poll = v } else {
                problems.append("LODESTAR_SCHEDULER_POLL_SECONDS=\(text) is not a number in 0.01…3600; using 1")
            }
        }
        schedulerPollSeconds = poll
        self.problems = problems
    }

    /// gcloud's application-default credentials (`gcloud auth application-default login`), when that file exists:
    /// the place Google's client libraries look when `GOOGLE_APPLICATION_CREDENTIALS` is unset.
    static func gcloudApplicationDefaultCredentials(home: String?) -> String? {
        guard let home, !home.isEmpty else { return nil }
        let path = home + "/.config/gcloud/application_default_credentials.json"
        return FileManager.default.isReadableFile(atPath: path) ? path : nil
    }

    /// GCS access for `locations`: a configured client when any of them is `gs://`, none otherwise (so a broken
    /// credentials file does not stop runs over local files).
    func remoteStorage(for locations: [String]) throws -> RemoteStorage {
        guard locations.contains(where: { $0.hasPrefix("gs://") }) else { return RemoteStorage() }
        return RemoteStorage(gcs: try googleCloud.storageClient())
    }

    /// Where Google credentials come from, for display (no secrets).
    var googleCredentialsSummary: String {
        if googleCloud.accessToken != nil { return "GCS_ACCESS_TOKEN (fixed token)" }
        if let f = googleCloud.credentialsFile { return "credentials file \(f)" }
        return "metadata server \(googleCloud.metadataHost) (on Google Cloud)"
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
            ("GOOGLE_CLOUD_PROJECT", googleCloud.projectID ?? "(unset)"),
            ("Google credentials", googleCredentialsSummary),
            ("PORT", String(port)),
            ("LODESTAR_JWT_SECRET", jwtSecret == nil ? "(unset)" : "(set, \(jwtSecret!.utf8.count) bytes)"),
            ("LODESTAR_JWKS_URL", jwksURL ?? "(unset)"),
            ("LODESTAR_JWT_ISSUER", jwtIssuer ?? "(unset)"),
            ("LODESTAR_JWT_AUDIENCE", jwtAudience ?? "(unset)"),
            ("LODESTAR_ALLOW_DEV_TOKENS", allowDevTokens ? "1 (HS256 tokens accepted beside a JWKS)" : "(unset)"),
            ("LODESTAR_MODELS_DIR", modelsDirectory),
            ("LODESTAR_ARTIFACTS", artifacts),
            ("LODESTAR_ARTIFACT_CACHE_MB", String(artifactCacheMB)),
            ("LODESTAR_LEASE_SECONDS", String(leaseSeconds)),
            ("LODESTAR_QUARANTINE_TTL_DAYS", String(quarantineTTLDays)),
            ("LODESTAR_SCHEDULER_SLOTS", String(schedulerSlots)),
            ("LODESTAR_SCHEDULER_POLL_SECONDS", String(schedulerPollSeconds)),
            ("LODESTAR_SCHEDULER_MAX_RUNS", schedulerClusterMaxRuns.map(String.init) ?? "(unset: no cluster-wide limit)"),
            ("LODESTAR_SHUTDOWN_GRACE_SECONDS", String(shutdownGraceSeconds)),
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
