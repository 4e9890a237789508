import ArgumentParser
import Foundation
import Logging
import MongoStore
import ServiceLifecycle

/// `lodestar serve [--port P] [--only api|scheduler|consumer]…`: the long-running parts in one `ServiceGroup`.
/// SIGTERM (or SIGINT) starts a graceful shutdown: each service stops taking new work, finishes or hands back what it
/// holds within its grace period, and the process exits 0.
///
/// Each part builds its `Service` in its own file (`ServeCommand+api.swift`, `ServeCommand+scheduler.swift`,
/// `ServeCommand+consumer.swift`); adding one is a case in `Part` and one line in `run()`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (GET /healthz, /readyz, /metrics, /openapi.json, /v1/…), the scheduler and the Pub/Sub consumer in one process.")

    enum Part: String, ExpressibleByArgument, CaseIterable, Sendable {
        case api, scheduler, consumer
    }

    @Option(name: .long, help: "Run only this part (repeatable): api | scheduler | consumer. Default: the API, the scheduler, and the consumer when a subscription is configured.")
    var only: [Part] = []

    @Option(help: "HTTP port (overrides PORT; default 8080).")
    var port: Int?

    @Option(help: "Address the HTTP API listens on.")
    var host = "127.0.0.1"

    @Option(help: "Log level: trace, debug, info (access logs), notice, warning, error or critical.")
    var logLevel = "info"

    @OptionGroup var scheduler: SchedulerOptions
    @OptionGroup var consumer: ConsumerOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var artifactOptions: ArtifactOptions

    func validate() throws {
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be 1…65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        var config = Configuration(overrides: connection)
        if let port { config.port = port }
        if let modelsDir = scheduler.modelsDir { config.modelsDirectory = modelsDir }
        if let artifacts = artifactOptions.artifacts { config.artifacts = artifacts }
        var logger = Logger(label: "lodestar.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        logger[metadataKey: "process"] = "\(ProcessInfo.processInfo.processIdentifier)"
        for p in config.problems { logger.warning("configuration", metadata: ["problem": "\(p)"]) }
        let subscription = consumer.subscription ?? config.pubsubSubscription
        let parts = only.isEmpty ? Part.allCases.filter { $0 != .consumer || subscription != nil } : only
        // One client (one libmongoc pool and thread set) for every part of the process: API, scheduler, consumer.
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-serve")
        let db = client.database(config.database)
        // One GCS access for every part (job sources, tenant listing, the artifact store), resolved once.
        let storage = try config.storage(reading: parts.contains(.scheduler) || parts.contains(.api) ? jobSources() : [])
        let store = try config.artifactStore(db: db, storage: storage)
        logger.info("artifact store", metadata: ["store": "\(store.location)", "cache": "\(config.modelsDirectory)/.artifact-cache",
                                                 "cache_mb": "\(config.artifactCacheMB)"])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for part in parts {
            switch part {
            case .api:
                services.append(.init(service: try await ServeCommand.makeAPIService(configuration: config, host: host,
                                                                                    jobsDirectory: scheduler.jobsDir, storage: storage,
                                                                                    db: db, logger: logger),
                                      serviceName: "api"))
            case .scheduler:
                services.append(.init(service: try schedulerService(db: db, config: config, storage: storage, store: store, logger: logger),
                                      serviceName: "scheduler"))
            case .consumer:
                services.append(.init(service: try await consumerService(db: db, config: config, store: store, logger: logger),
                                      serviceName: "consumer"))
            }
        }
        guard !services.isEmpty else { throw ValidationError("nothing to serve") }
        var groupConfig = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfig.gracefulShutdownSignals = [.sigterm, .sigint]
        logger.info("serving", metadata: ["parts": "\(parts.map(\.rawValue).joined(separator: ","))"])
        try await ServiceGroup(configuration: groupConfig).run()
        logger.info("stopped")
    }
}
