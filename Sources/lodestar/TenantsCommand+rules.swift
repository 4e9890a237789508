import ArgumentParser
import Foundation
import LearningEvents
import LearningStore
import MongoStore

extension TenantsCommand {
    /// `lodestar tenants rules get|set`: a tenant's recommendation rules (docs/recommendations.md, "Setting rules"),
    /// through the store the API's `GET|PUT …/recommendation-rules` use: every `set` is a new version, the earlier
    /// ones kept with who set them and when.
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A tenant's recommendation rules: print them, or set a new version from a YAML or JSON file.",
            subcommands: [Get.self, SetRules.self])

        static func store(_ connection: ConnectionOptions) throws -> RecommendationRulesStore {
            let config = Configuration(overrides: connection)
            let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-tenants")
            return RecommendationRulesStore(db: client.database(config.database))
        }

        static func tenant(_ raw: String) throws -> TenantID {
            do { return try TenantID(validating: raw) } catch { throw ValidationError("invalid tenant id '\(raw)'") }
        }

        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print a tenant's rules in force as JSON (version 0 and the defaults when it never set any).")
            @Argument(help: "Tenant id.") var tenant: String
            @Flag(help: "Add the earlier versions, newest first, with who set each and when.") var history = false
            @OptionGroup var connection: ConnectionOptions

            func run() async throws {
                let t = try Rules.tenant(tenant)
                let shown = RecommendationRulesView(tenant: t, document: try await Rules.store(connection).document(t), withHistory: history)
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(shown), as: UTF8.self))
            }
        }

        struct SetRules: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Set a tenant's rules from a YAML or JSON file (- or none: standard input); prints the new version.",
                discussion: """
                    The file is the whole rules document (absent fields take their defaults). Exit status 65 when it \
                    breaks a rule (the message names the field), 75 when --replacing names a version that is no \
                    longer current (someone changed the rules meanwhile: read them again).
                    """)
            @Argument(help: "Tenant id.") var tenant: String
            @Argument(help: "YAML or JSON file; - or absent: standard input.") var file: String?
            @Option(help: "Only if this version is current (as the API's If-Match).") var replacing: Int?
            @OptionGroup var connection: ConnectionOptions

            func validate() throws {
                if let replacing, replacing < 0 { throw ValidationError("--replacing must be a version from 0") }
            }

            func run() async throws {
                let t = try Rules.tenant(tenant)
                let bytes: Data
                if let file, file != "-" {
                    guard let d = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                    bytes = d
                } else {
                    bytes = FileHandle.standardInput.readDataToEndOfFile()
                }
                let source = file.flatMap { $0 == "-" ? nil : $0 } ?? "standard input"
                let who = "cli:" + (ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
                let store = try Rules.store(connection)
                do {
                    let rules = try RecommendationRules.decode(json: try RulesDocumentText.json(bytes))
                    try rules.validate()
                    try await store.db.createIndexes(StoreLayout.recommendationRules.indexes, on: StoreLayout.recommendationRules.name)
                    let version = try await store.set(t, rules, replacing: replacing, by: String(who.prefix(256)))
                    print("\(tenant): recommendation rules version \(version) (set by \(who))")
                } catch let e as RuleError {
                    FileHandle.standardError.write(Data("error: \(source): invalid rules: \(e.field): \(e.reason)\n".utf8))
                    throw ExitCode(65)
                } catch let e as RulesConflict {
                    FileHandle.standardError.write(Data("error: \(e)\n".utf8))
                    throw ExitCode(75)
                }
            }
        }
    }
}
