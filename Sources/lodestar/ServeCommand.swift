import ArgumentParser
import Foundation
import Logging
import MongoStore
import ServiceLifecycle

/// `lodestar serve [--only api|scheduler|consumer]…`: the long-running parts in one `ServiceGroup`. SIGTERM (or
/// SIGINT) starts a graceful shutdown: each service stops taking new work, finishes or hands back what it holds
/// within its grace period, and the process exits 0.
///
/// Each part builds its `Service` in its own file (`ServeCommand+scheduler.swift`, …); adding one is a case in
/// `Part` and one line in `services(for:)`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP API, the scheduler and the Pub/Sub consumer in one process.")

    enum Part: String, ExpressibleByArgument, CaseIterable, Sendable {
        case api, scheduler, consumer

        /// The parts this build has; the API and the consumer join it with their files.
        static let built: Set<Part> = [.scheduler]
    }

    @Option(name: .long, help: "Run only this part (repeatable): api | scheduler | consumer. Default: all that are configured.")
    var only: [Part] = []

    @OptionGroup var scheduler: SchedulerOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let config = Configuration(overrides: connection)
        var logger = Logger(label: "lodestar.serve")
        logger[metadataKey: "process"] = "\(ProcessInfo.processInfo.processIdentifier)"
        for p in config.problems { logger.warning("configuration", metadata: ["problem": "\(p)"]) }
        let parts = only.isEmpty
            ? Part.allCases.filter { Part.built.contains($0) && ($0 != .consumer || config.pubsubSubscription != nil) } : only
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-serve")
        let db = client.database(config.database)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for part in parts {
            switch part {
            case .scheduler: services.append(.init(service: try schedulerService(db: db, config: config, logger: logger), serviceName: "scheduler"))
            case .api, .consumer:
                // Added by their own issues beside this one (a ServeCommand+api.swift / +consumer.swift each).
                throw ValidationError("--only \(part.rawValue): not built yet in this version of lodestar")
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
