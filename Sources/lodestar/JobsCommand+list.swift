import ArgumentParser
import Foundation
import Scheduler

extension JobsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Jobs of the jobs folder with their next due time and last runs.")
        @OptionGroup var common: Common
        @Flag(help: "JSON instead of a table.") var json = false

        func run() async throws {
            let jobs = try await JobsCommand.calling { try await common.service().listJobs(access: .platform) }
            if json { return try JobsOutput.printJSON(jobs) }
            var rows = [["NAME", "KIND", "SCHEDULE", "TIME ZONE", "TENANTS", "NEXT DUE (UTC)", "LAST RUNS"]]
            for j in jobs {
                let last = j.lastRuns.prefix(4).map { "\($0.tenant) \($0.status.rawValue)" }.joined(separator: ", ")
                    + (j.lastRuns.count > 4 ? ", …" : "")
                rows.append([j.name, j.kind, j.schedule, j.timeZone, j.tenants, JobsOutput.time(j.nextDueAt), last.isEmpty ? "—" : last])
            }
            JobsOutput.table(rows)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One job: its definition, schedule state and newest runs.")
        @Argument(help: "Job name.") var name: String
        @OptionGroup var common: Common
        @Option(help: "Runs to show.") var runs = 10
        @Flag(help: "JSON instead of text.") var json = false

        func run() async throws {
            let service = try common.service()
            let j = try await JobsCommand.calling { try await service.job(name, access: .platform, recentRuns: runs) }
            if json { return try JobsOutput.printJSON(j) }
            print("job:         \(j.name)\(j.description.map { " — \($0)" } ?? "")")
            print("file:        \(j.file)")
            print("kind:        \(j.kind)")
            print("schedule:    \(j.schedule) (\(j.timeZone))")
            print("tenants:     \(j.tenants)")
            print("params:      \(j.params.isEmpty ? "—" : j.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
            print("timeout:     \(j.timeout ?? "none")   retries: \(j.retries)   missed runs: \(j.missedRuns)   priority: \(j.priority)   concurrency: \(j.concurrency.map(String.init) ?? "unlimited")")
            if let d = service.catalog.job(named: j.name) {
                let kindTakes = Set(d.parameterNames)
                let limits = d.limits.byRole[ParameterLimits.limitedRole, default: [:]].filter { kindTakes.contains($0.key) }
                    .sorted { $0.key < $1.key }.map { "\($0.key) ≤ \(ParameterLimits.text($0.value))" }
                print("triggers:    max queued \(d.maxQueued) per tenant   \(ParameterLimits.limitedRole) limits: \(limits.isEmpty ? "none" : limits.joined(separator: ", "))")
            }
            print("next due:    \(JobsOutput.time(j.nextDueAt)) UTC   last firing: \(JobsOutput.time(j.lastDueAt))")
            if let e = j.lastError { print("last error:  \(e)") }
            print("")
            JobsOutput.runTable(j.lastRuns)
        }
    }

    struct ValidateFiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check job files; exit 1 if any is bad.")
        @Argument(help: "Job files.") var files: [String]

        func run() throws {
            var bad = 0
            for (path, result) in JobService.validate(paths: files) {
                switch result {
                case .success(let j):
                    let next = j.schedule.next(after: Date()).map { JobsOutput.time($0) } ?? "never"
                    print("ok    \(path): \(j.name) (\(j.kindName), \"\(j.schedule.expression.text)\" \(j.schedule.zoneName), tenants \(j.tenants), next \(next) UTC)")
                case .failure(let e):
                    bad += 1
                    print("bad   \(e)")
                }
            }
            if bad > 0 { throw ExitCode(1) }
        }
    }
}
