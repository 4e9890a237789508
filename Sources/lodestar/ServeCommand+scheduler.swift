import ArgumentParser
import Foundation
import Logging
import MongoStore
import Pipeline
import Scheduler

/// Flags of the scheduler part of `lodestar serve`.
struct SchedulerOptions: ParsableArguments {
    @Option(help: "Folder of job files.") var jobsDir = "jobs"
    @Option(help: "Folder for model artifacts.") var modelsDir = "models"
    @Option(help: "Runs this replica carries out at once (overrides LODESTAR_SCHEDULER_SLOTS).") var slots: Int?
    @Option(help: "Seconds between scheduling passes (overrides LODESTAR_SCHEDULER_POLL_SECONDS).") var pollSeconds: Double?
}

extension ServeCommand {
    /// The scheduler `Service`: the jobs folder, this replica's settings, runs carried out by the pipeline.
    func schedulerService(db: MongoDatabase, config: Configuration, logger: Logger) throws -> SchedulerService {
        let catalog: JobCatalog
        do { catalog = try JobCatalog.load(directory: scheduler.jobsDir) } catch let e as JobFileError { throw ValidationError("\(e)") }
        var settings = SchedulerConfiguration(leaseDuration: config.leaseDuration)
        settings.maxConcurrentRuns = scheduler.slots ?? config.schedulerSlots
        if let s = scheduler.slots, !(1...1024).contains(s) { throw ValidationError("--slots must be 1…1024") }
        let poll = scheduler.pollSeconds ?? config.schedulerPollSeconds
        guard poll >= 0.01, poll <= 3600 else { throw ValidationError("--poll-seconds must be 0.01…3600") }
        settings.pollInterval = .milliseconds(Int64(poll * 1000))
        settings.shutdownGrace = .seconds(config.shutdownGraceSeconds)
        settings.clusterMaxRuns = config.schedulerClusterMaxRuns
        var base = RefreshOptions(source: ["-"], modelsDirectory: URL(fileURLWithPath: scheduler.modelsDir))
        base.leaseDuration = config.leaseDuration
        base.quarantineRetentionDays = config.quarantineTTLDays
        var log = logger
        log[metadataKey: "owner"] = "\(settings.owner)"
        let s = Scheduler(jobs: catalog.jobs, db: db, executor: PipelineRunExecutor(db: db, baseOptions: base),
                          tenants: DefaultTenantDirectory(db: db), configuration: settings, logger: log)
        log.info("scheduler configured", metadata: ["jobs": "\(catalog.jobs.map(\.name).joined(separator: ","))",
                                                    "slots": "\(settings.maxConcurrentRuns)", "lease_s": "\(config.leaseSeconds)"])
        return SchedulerService(scheduler: s)
    }
}
