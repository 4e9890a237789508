import ArgumentParser
import Foundation
import MongoStore
import LearningEvents
import LearningStore

/// `lodestar models list|activate|rollback`: the model registry of one tenant.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List, activate or roll back model versions of a tenant.",
        subcommands: [List.self, Activate.self, Rollback.self])

    struct Common: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "This machine's models folder (the artifact cache, or the store when --artifacts is a folder).") var modelsDir = "models"
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var artifactOptions: ArtifactOptions

        func registry() throws -> (ModelRegistry, TenantID) {
            var config = Configuration(overrides: connection)
            config.modelsDirectory = modelsDir
            if let artifacts = artifactOptions.artifacts { config.artifacts = artifacts }
            let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-models")
            guard Identifier.isValid(tenant) else { throw ValidationError("invalid tenant id '\(tenant)'") }
            let t = try TenantID(validating: tenant)
            let db = client.database(config.database)
            let store = try config.artifactStore(db: db, storage: try config.storage(reading: []))
            return (ModelRegistry(db: db, artifacts: store, leases: LeaseManager(db: db, duration: config.leaseDuration)), t)
        }
    }

    static func kind(_ s: String) throws -> ModelKind {
        guard let k = ModelKind(rawValue: s) else {
            throw ValidationError("unknown kind '\(s)': use \(ModelKind.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return k
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Versions of a tenant, newest first.")
        @OptionGroup var common: Common
        @Option(help: "recommender | risk (default: both)") var kind: String?

        func run() async throws {
            let (registry, tenant) = try common.registry()
            let versions = try await registry.list(tenant: tenant, kind: try kind.map(ModelsCommand.kind))
            let iso = ISO8601DateFormatter()
            print("kind         version                     status   complete trained_at            metrics")
            for v in versions {
                let metrics = v.metrics.sorted { $0.key < $1.key }.prefix(4).map { "\($0.key)=\(String(format: "%.3f", $0.value))" }.joined(separator: " ")
                print("\(v.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(v.version.padding(toLength: 27, withPad: " ", startingAt: 0)) "
                    + "\(v.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \((v.isComplete ? "yes" : "no").padding(toLength: 8, withPad: " ", startingAt: 0)) "
                    + "\(iso.string(from: v.trained_at))  \(metrics)")
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version active (the previous one is retired).")
        @OptionGroup var common: Common
        @Option(help: "recommender | risk") var kind: String
        @Option(help: "Version to activate.") var version: String

        func run() async throws {
            let (registry, tenant) = try common.registry()
            try await registry.activate(tenant: tenant, kind: try ModelsCommand.kind(kind), version: version)
            print("\(tenant) \(kind): \(version) is active")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-activate the newest retired version older than the active one.")
        @OptionGroup var common: Common
        @Option(help: "recommender | risk") var kind: String

        func run() async throws {
            let (registry, tenant) = try common.registry()
            let v = try await registry.rollback(tenant: tenant, kind: try ModelsCommand.kind(kind))
            print("\(tenant) \(kind): rolled back to \(v)")
        }
    }
}
