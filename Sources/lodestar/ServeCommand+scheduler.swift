import ArgumentParser
import EventSources
import Foundation
import LearningStore
import Logging
import MongoStore
import Pipeline
import Scheduler

/// Flags of the scheduler part of `lodestar serve`.
struct SchedulerOptions: ParsableArguments {
    @Option(help: "Folder of job files (run by the scheduler; listed and triggered through /v1/jobs).") var jobsDir = "jobs"
    @Option(help: "Folder of model artifacts (overrides LODESTAR_MODELS_DIR; default models).") var modelsDir: String?
    @Option(help: "Runs this replica carries out at once (overrides LODESTAR_SCHEDULER_SLOTS).") var slots: Int?
    @Option(help: "Seconds between scheduling passes (overrides LODESTAR_SCHEDULER_POLL_SECONDS).") var pollSeconds: Double?
}

extension ServeCommand {
    /// The scheduler `Service`: the jobs folder, this replica's settings, runs carried out by the pipeline.
    func schedulerService(db: MongoDatabase, config: Configuration, storage: RemoteStorage, store: ArtifactStore,
                          logger: Logger) throws -> SchedulerService {
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
        var base = RefreshOptions(source: ["-"], modelsDirectory: URL(fileURLWithPath: config.modelsDirectory))
        base.leaseDuration = config.leaseDuration
        base.quarantineRetentionDays = config.quarantineTTLDays
        base.storage = storage
        base.artifacts = store
        var log = logger
        log[metadataKey: "owner"] = "\(settings.owner)"
        let s = Scheduler(jobs: catalog.jobs, db: db, executor: PipelineRunExecutor(db: db, baseOptions: base),
                          tenants: DefaultTenantDirectory(db: db, storage: storage), configuration: settings, logger: log)
        log.info("scheduler configured", metadata: ["jobs": "\(catalog.jobs.map(\.name).joined(separator: ","))",
                                                    "slots": "\(settings.maxConcurrentRuns)", "lease_s": "\(config.leaseSeconds)"])
        return SchedulerService(scheduler: s)
    }
}

extension ServeCommand {
    /// The sources the job files name (to know whether GCS access is needed); a folder that cannot be read gives
    /// none here (the scheduler reports it when it starts).
    func jobSources() -> [String] {
        ((try? JobCatalog.load(directory: scheduler.jobsDir))?.jobs ?? []).flatMap { $0.params["source"].map { $0.split(separator: ",").map(String.init) } ?? [] }
    }
}
