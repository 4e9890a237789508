import ArgumentParser
import Foundation
import MongoStore
import LearningEvents
import LearningStore

/// `lodestar show at-risk|recommendations`: what the core API would serve, read back from MongoDB.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Read results back from MongoDB (the active model versions).",
        subcommands: [AtRisk.self, Recommendations.self])

    struct Common: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        @OptionGroup var connection: ConnectionOptions

        func reader() throws -> (ActiveResults, TenantID) {
            let config = Configuration(overrides: connection)
            let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-show")
            guard Identifier.isValid(tenant) else { throw ValidationError("invalid tenant id '\(tenant)'") }
            return (ActiveResults(db: client.database(config.database)), try TenantID(validating: tenant))
        }
    }

    struct AtRisk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "at-risk", abstract: "Learners most at risk of dropping out, with the reasons.")
        @OptionGroup var common: Common
        @Option(help: "Only this course.") var course: String?
        @Option(help: "Only risks at or above this (0…1).") var minRisk = 0.0
        @Option(help: "How many (1…1000).") var limit = 10

        func validate() throws {
            guard minRisk.isFinite, (0...1).contains(minRisk) else { throw ValidationError("--min-risk must be in 0…1") }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be in 1…1000") }
            if let course, !Identifier.isValid(course) { throw ValidationError("invalid course id '\(course)'") }
        }

        func run() async throws {
            let (reader, tenant) = try common.reader()
            let rows = try await reader.atRisk(tenant: tenant, course: course, minRisk: minRisk, limit: limit)
            if rows.isEmpty { print("no risk scores for \(tenant) (no active risk model)") }
            for r in rows {
                let why = r.factors.filter { $0.contribution > 0 }.prefix(3)
                    .map { f in f.reason ?? "\(f.feature)=\(String(format: "%.2f", f.value))" }
                    .joined(separator: "; ")
                let kind = r.model_kind == "heuristic" ? " [heuristic]" : ""
                print("\(r.learner_id.padding(toLength: 10, withPad: " ", startingAt: 0)) \(r.course_id.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                    + "risk \(String(format: "%.2f", r.risk)) \(r.band.padding(toLength: 6, withPad: " ", startingAt: 0))\(kind) because \(why.isEmpty ? "(no single factor stands out)" : why)")
            }
        }
    }

    struct Recommendations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One learner's recommendations.")
        @OptionGroup var common: Common
        @Option(help: "Learner id.") var learner: String

        func run() async throws {
            let (reader, tenant) = try common.reader()
            guard let doc = try await reader.recommendations(tenant: tenant, learner: learner) else {
                print("no recommendations for \(learner) in \(tenant)")
                throw ExitCode(1)
            }
            print("\(tenant)/\(learner) (\(doc.model_kind), version \(doc.model_version)):")
            for (i, item) in doc.items.enumerated() {
                print("  \(i + 1). \(item.course_id.padding(toLength: 8, withPad: " ", startingAt: 0)) score \(String(format: "%.3f", item.score))  \(item.reason)")
            }
        }
    }
}
