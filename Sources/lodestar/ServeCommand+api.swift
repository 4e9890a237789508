import CoreMetrics
import EventSources
import Foundation
import InferenceAPI
import Logging
import Metrics
import MongoStore
import Prometheus
import Scheduler
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
    ///
    /// `jobsDirectory` is the job catalog behind `/v1/jobs` and `/v1/runs` (the scheduler's `--jobs-dir`, the same
    /// database): a bad job file stops the start; a missing folder leaves those routes answering 503
    /// `jobs_unavailable`, with a warning.
    ///
    /// `db` is the process's one database handle (`serve` passes the one its scheduler and consumer use, so the
    /// process holds one `MongoClient` and one set of libmongoc threads); without it a client is opened here.
    static func makeAPIService(configuration config: Configuration, host: String, jobsDirectory: String? = nil,
                               storage: RemoteStorage = RemoteStorage(), db shared: MongoDatabase? = nil, logger: Logger,
                               onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> any Service {
        let auth: AuthConfiguration
        do {
            auth = try AuthConfiguration(
                hmacSecret: config.jwtSecret.map { Array($0.utf8) }, jwks: try config.jwksURL.map(AuthConfiguration.jwksSource),
                issuer: config.jwtIssuer, audience: config.jwtAudience, allowDevTokens: config.allowDevTokens)
        } catch let e as AuthConfiguration.Invalid {
            throw ValidationErrorMessage(e.description)
        }
        if auth.jwks != nil && auth.acceptsHS256 {
            logger.warning("""
                LODESTAR_ALLOW_DEV_TOKENS is set: HS256 tokens signed with LODESTAR_JWT_SECRET are accepted beside the JWKS; \
                anyone holding that secret can mint any role of any tenant. Development only.
                """)
        } else if auth.ignoresHMACSecret {
            logger.notice("LODESTAR_JWT_SECRET is ignored: a JWKS is configured, so HS256 tokens are refused (LODESTAR_ALLOW_DEV_TOKENS=1 accepts them)")
        }
        let registry = metricsRegistry
        let db = try shared ?? MongoClient(uri: config.mongoURI, appName: "lodestar-api").database(config.database)
        let verifier = await TokenVerifier(configuration: auth, logger: logger)
        var jobs: JobService? = nil
        if let dir = jobsDirectory {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
                do {
                    jobs = JobService(catalog: try JobCatalog.load(directory: dir), db: db,
                                      tenants: DefaultTenantDirectory(db: db, storage: storage))
                } catch let e as JobFileError {
                    throw ValidationErrorMessage("\(e)")
                }
            } else {
                logger.warning("no jobs folder: /v1/jobs and /v1/runs answer 503", metadata: ["jobs_dir": "\(dir)"])
            }
        }
        var apiConfig = APIConfiguration(auth: auth, modelsDirectory: URL(fileURLWithPath: config.modelsDirectory))
        apiConfig.artifacts = try config.artifactStore(db: db, storage: storage)
        let api = InferenceAPI(configuration: apiConfig,
                               db: db, verifier: verifier, metrics: RequestMetrics(factory: MetricsSystem.factory),
                               metricsText: { registry.emitToBuffer() }, logger: logger, jobs: jobs)
        logger.info("HTTP API starting", metadata: ["host": "\(host)", "port": "\(config.port)", "mongodb": "\(MongoClient.redactForDisplay(config.mongoURI))",
                                                    "artifacts": "\(config.artifacts)", "models": "\(config.modelsDirectory)", "jobs": "\(jobs?.catalog.jobs.count ?? 0)"])
        return api.application(host: host, port: config.port, onServerRunning: onServerRunning)
    }
}

/// A configuration error shown as is.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
