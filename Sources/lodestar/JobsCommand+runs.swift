import ArgumentParser
import Foundation
import Scheduler

extension JobsCommand {
    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a run of a job now (one per tenant), with parameters.")
        @Argument(help: "Job name.") var name: String
        @Option(help: "A tenant (repeatable; default: the job's tenants).") var tenant: [String] = []
        @Option(help: "A parameter key=value (repeatable), e.g. --param factors=32 --param source=var/export.") var param: [String] = []
        @Option(help: "Priority (default: the job's).") var priority: Int?
        @OptionGroup var common: Common
        @Flag(help: "JSON instead of a table.") var json = false

        func run() async throws {
            let params = try JobsCommand.params(param)
            let runs = try await JobsCommand.calling {
                try await common.service().trigger(name, tenants: tenant.isEmpty ? nil : tenant, params: params, access: .platform,
                                                   requestedBy: ProcessInfo.processInfo.environment["USER"], priority: priority)
            }
            if json { return try JobsOutput.printJSON(runs) }
            print("queued \(runs.count) run(s) of \(name):")
            for r in runs { print("  \(r.id)") }
        }
    }

    struct Backfill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue one run per day (cutoff = that day's midnight in the job's zone) and tenant, in date order.")
        @Argument(help: "Job name.") var name: String
        @Option(help: "First day, YYYY-MM-DD.") var from: String
        @Option(help: "Last day, YYYY-MM-DD (inclusive).") var to: String
        @Option(help: "A tenant (repeatable; default: the job's tenants).") var tenant: [String] = []
        @Option(help: "A parameter key=value (repeatable).") var param: [String] = []
        @Option(help: "Runs of the backfill live at once (1…64).") var concurrency = 1
        @OptionGroup var common: Common
        @Flag(help: "JSON instead of a table.") var json = false

        func run() async throws {
            let params = try JobsCommand.params(param)
            let b = try await JobsCommand.calling {
                try await common.service().backfill(name, from: from, to: to, tenants: tenant.isEmpty ? nil : tenant, params: params,
                                                    concurrency: concurrency, access: .platform,
                                                    requestedBy: ProcessInfo.processInfo.environment["USER"])
            }
            if json { return try JobsOutput.printJSON(b) }
            print("backfill \(b.id): \(b.runs.count) run(s), \(b.days.count) day(s) \(b.days.first ?? "")…\(b.days.last ?? "") × \(b.tenants.count) tenant(s), \(b.concurrency) at a time")
            for r in b.runs { print("  \(r.id)  cutoff \(r.params["cutoff"] ?? "")") }
        }
    }

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run history, newest first (running runs show their progress).")
        @Option(help: "Only this job.") var job: String?
        @Option(help: "Only this tenant.") var tenant: String?
        @Option(help: "queued | running | succeeded | failed | cancelled") var status: String?
        @Option(help: "Only the runs of this backfill.") var backfill: String?
        @Option(help: "At most this many runs.") var limit = 30
        @OptionGroup var common: Common
        @Flag(help: "JSON (every field, attempts included) instead of a table.") var json = false

        func run() async throws {
            var s: RunStatus?
            if let status {
                guard let v = RunStatus(rawValue: status) else {
                    throw ValidationError("--status is one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                s = v
            }
            let query = RunQuery(job: job, tenant: tenant, status: s, backfill: backfill, limit: limit)
            let runs = try await JobsCommand.calling { try await common.service().runs(query, access: .platform) }
            if json { return try JobsOutput.printJSON(runs) }
            JobsOutput.runTable(runs)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run: a queued one at once, a running one within a heartbeat (its owner stops it).")
        @Argument(help: "Run id.") var runID: String
        @OptionGroup var common: Common

        func run() async throws {
            let r = try await JobsCommand.calling { try await common.service().cancel(runID, access: .platform) }
            if r.status == .cancelled { print("cancelled \(r.id)") } else {
                print("cancel requested for \(r.id) (running on \(r.owner ?? "?")); it stops at its next heartbeat")
            }
        }
    }
}
