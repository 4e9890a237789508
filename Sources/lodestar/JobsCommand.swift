import ArgumentParser
import Foundation
import MongoStore
import Scheduler

/// `lodestar jobs list|show|validate|trigger|backfill|runs|cancel`: the scheduler's jobs and runs for people. Every
/// subcommand goes through `JobService`, the same functions the HTTP API calls. Runs are carried out by the
/// replicas of `lodestar serve` (`--only scheduler`).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Scheduled jobs: list, show, validate, trigger, backfill, runs, cancel.",
        subcommands: [List.self, Show.self, ValidateFiles.self, Trigger.self, Backfill.self, Runs.self, Cancel.self])

    /// Options every subcommand that reads jobs or runs shares.
    struct Common: ParsableArguments {
        @Option(help: "Folder of job files.") var jobsDir = "jobs"
        @OptionGroup var connection: ConnectionOptions

        func service() throws -> JobService {
            let config = Configuration(overrides: connection)
            let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-jobs")
            let catalog: JobCatalog
            do { catalog = try JobCatalog.load(directory: jobsDir) } catch let e as JobFileError { throw ValidationError("\(e)") }
            let db = client.database(config.database)
            // Tenant listing of `tenants: all` jobs reads the export: the same GCS access as every entry point.
            let sources = catalog.jobs.flatMap { $0.params["source"].map { $0.split(separator: ",").map(String.init) } ?? [] }
            return JobService(catalog: catalog, db: db, tenants: DefaultTenantDirectory(db: db, storage: try config.remoteStorage(for: sources)))
        }
    }

    /// `k=v` pairs of `--param`.
    static func params(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for p in pairs {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw ValidationError("--param takes key=value, got '\(p)'") }
            out[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        return out
    }

    /// Runs a service call, turning its errors into a message and exit status 1 (2 for bad requests; 75, "try again
    /// later", when the job's `max_queued` runs from triggers are queued or running: the API's `429 too_many_runs`).
    static func calling<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as SchedulerError {
            if case .tooManyRuns(_, _, _, let wait) = e {
                FileHandle.standardError.write(Data("error: too_many_runs: \(e)\n".utf8))
                FileHandle.standardError.write(Data("(the API answers 429 too_many_runs with Retry-After: \(wait))\n".utf8))
                throw ExitCode(75)
            }
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            switch e {
            case .invalidParameter, .invalidRequest, .unknownJob, .noTenants: throw ExitCode(2)
            default: throw ExitCode(1)
            }
        }
    }
}
