import ArgumentParser
import Foundation
import LearningEvents
import LearningStore
import MongoStore

/// `lodestar tenants consent|show|rules`: platform-level tenant settings (the `tenants` collection) and a tenant's
/// recommendation rules.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Tenant settings: consent to the pooled risk model; recommendation rules.",
        subcommands: [Consent.self, Show.self, Rules.self])

    static func store(_ connection: ConnectionOptions) throws -> TenantSettingsStore {
        let config = Configuration(overrides: connection)
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-tenants")
        return TenantSettingsStore(db: client.database(config.database))
    }

    struct Consent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allow (or stop) a tenant's risk-model weights going into the pooled platform model, and its use as the prior of a small tenant's model.")
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "on | off") var pooled: String
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard Identifier.isValid(tenant) else { throw ValidationError("invalid tenant id '\(tenant)'") }
            guard ["on", "off"].contains(pooled) else { throw ValidationError("--pooled must be on or off, got '\(pooled)'") }
        }

        func run() async throws {
            try await TenantsCommand.store(connection).setPooledModelConsent(try TenantID(validating: tenant), pooled == "on")
            print("\(tenant): pooled model consent \(pooled)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tenants that consent to the pooled risk model.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            for t in try await TenantsCommand.store(connection).consentingTenants().sorted() { print("\(t): pooled model consent on") }
        }
    }
}
