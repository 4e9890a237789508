import Foundation
public import Hummingbird
import LearningStore
import LinearAlgebra
public import Logging
public import MongoStore
public import Scheduler
public import ServiceLifecycle

/// The HTTP inference API: routes (one collection per resource), bearer-token auth and roles, the model cache and
/// its watcher, access logs and metrics; jobs and runs through the scheduler's `JobService` when one is given.
///
/// ```swift
/// let api = await InferenceAPI(configuration: config, db: client.database("lodestar"), verifier: verifier,
///                              metrics: RequestMetrics(factory: prometheus), metricsText: { registry.emitToBuffer() },
///                              logger: logger, jobs: JobService(catalog: try JobCatalog.load(directory: "jobs"), db: db))
/// let app = api.application(host: "0.0.0.0", port: 8080)   // a Service: run it in a ServiceGroup
/// ```
public final class InferenceAPI: Sendable {
    public let configuration: APIConfiguration
    public let db: MongoDatabase
    public let cache: ModelCache
    let services: APIServices
    let readiness: Readiness
    let verifier: TokenVerifier
    let metrics: RequestMetrics
    let metricsText: @Sendable () -> [UInt8]
    let logger: Logger
    let compute: ComputeThreads
    /// Jobs and runs (`/v1/jobs`, `/v1/runs`); `nil`: those routes answer 503 `jobs_unavailable`.
    public let jobs: JobService?

    public init(configuration: APIConfiguration, db: MongoDatabase, verifier: TokenVerifier, metrics: RequestMetrics,
                metricsText: @escaping @Sendable () -> [UInt8], logger: Logger, jobs: JobService? = nil) {
        self.configuration = configuration
        self.jobs = jobs
        self.db = db
        self.verifier = verifier
        self.metrics = metrics
        self.metricsText = metricsText
        self.logger = logger
        let compute = ComputeThreads(count: configuration.computeThreads, name: "lodestar-api-compute")
        self.compute = compute
        let store = configuration.artifacts ?? .folder(configuration.modelsDirectory)
        let registry = ModelRegistry(db: db, artifacts: store)
        let learners = LearnerRowsCache(db: db, ttl: configuration.learnerCacheTTL, capacity: configuration.learnerCacheCapacity)
        let loader = ModelLoader(db: db, registry: registry, artifacts: ModelArtifactLoader(store: store, compute: compute))
        let cache = ModelCache(loader: loader, learners: learners,
                               logger: logger, metrics: metrics)
        self.cache = cache
        let rules = RulesCache(store: RecommendationRulesStore(db: db), ttl: .milliseconds(Int64(max(0, configuration.rulesCacheTTL) * 1000)))
        services = APIServices(db: db, configuration: configuration, cache: cache, registry: registry, compute: compute,
                               recommender: LiveRecommender(compute: compute), rules: rules)
        readiness = Readiness(client: db.client, cache: cache)
    }

    /// The router with every route and middleware.
    public func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: AccessLogMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        OperationsRoutes(readiness: readiness, cache: cache, metricsText: metricsText).add(to: router)
        let tenants = router.group("v1").add(middleware: AuthMiddleware(verifier: verifier))
        tenants.addRoutes(RecommendationRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(RiskRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(AtRiskRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(SimilarCourseRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(ModelRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(RecommendationRulesRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(FeedbackRoutes(services: services).collection(), atPath: "tenants/{tenant}")
        tenants.addRoutes(JobRoutes(jobs: jobs).collection())
        return router
    }

    /// The service that warms the cache and follows version and learner changes (run it beside the server;
    /// `application` includes it).
    public var watcher: any Service {
        ModelWatcher(db: db, cache: cache, configuration: configuration, logger: logger)
    }

    /// The service that drops a tenant's cached recommendation rules when they change (run it beside the server;
    /// `application` includes it).
    public var rulesWatcher: any Service {
        RulesWatcher(db: db, rules: services.rules, configuration: configuration, logger: logger)
    }

    /// The HTTP server with the watchers, as one `Service` for a `ServiceGroup`.
    public func application(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol & Service
    {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "lodestar"),
                    services: [watcher, rulesWatcher], onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
                    logger: logger)
    }
}
