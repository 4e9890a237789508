import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// `lodestar serve [--port P]`: the long-running parts in one `ServiceGroup` (SIGTERM/SIGINT drain them).
/// The HTTP API is built in `ServeCommand+api.swift`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP API (GET /healthz, /readyz, /metrics, /openapi.json, /v1/…).")

    @Option(help: "HTTP port (overrides PORT; default 8080).")
    var port: Int?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Folder of model artifacts (overrides LODESTAR_MODELS_DIR; default models).")
    var modelsDir: String?

    @Option(help: "Log level: trace, debug, info (access logs), notice, warning, error or critical.")
    var logLevel = "info"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be 1…65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        var config = Configuration(overrides: connection)
        if let port { config.port = port }
        if let modelsDir { config.modelsDirectory = modelsDir }
        var logger = Logger(label: "lodestar.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        for p in config.problems { logger.warning("\(p)") }
        let api = try await ServeCommand.makeAPIService(configuration: config, host: host, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [api], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
