import CoreMetrics
import Foundation
import InferenceAPI
import Logging
import Metrics
import MongoStore
import Prometheus
import ServiceLifecycle

extension ServeCommand {
    /// The Prometheus registry `/metrics` exports: every swift-metrics metric of the process (the API's and the
    /// pipeline's), bootstrapped once.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["lodestar_http_request_duration_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// The HTTP API as a `Service` (the server plus its model watcher), built from the configuration the
    /// executable read. Prints nothing secret: the JWT secret's length at most.
    static func makeAPIService(configuration config: Configuration, host: String, logger: Logger,
                               onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> any Service {
        let auth: AuthConfiguration
        do {
            auth = try AuthConfiguration(
                hmacSecret: config.jwtSecret.map { Array($0.utf8) }, jwks: try config.jwksURL.map(AuthConfiguration.jwksSource),
                issuer: config.jwtIssuer, audience: config.jwtAudience)
        } catch let e as AuthConfiguration.Invalid {
            throw ValidationErrorMessage(e.description)
        }
        let registry = metricsRegistry
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-api")
        let db = client.database(config.database)
        let verifier = await TokenVerifier(configuration: auth, logger: logger)
        let api = InferenceAPI(configuration: APIConfiguration(auth: auth, modelsDirectory: URL(fileURLWithPath: config.modelsDirectory)),
                               db: db, verifier: verifier, metrics: RequestMetrics(factory: MetricsSystem.factory),
                               metricsText: { registry.emitToBuffer() }, logger: logger)
        logger.info("HTTP API starting", metadata: ["host": "\(host)", "port": "\(config.port)", "mongodb": "\(client.redactedURI)",
                                                    "models": "\(config.modelsDirectory)"])
        return api.application(host: host, port: config.port, onServerRunning: onServerRunning)
    }
}

/// A configuration error shown as is.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
