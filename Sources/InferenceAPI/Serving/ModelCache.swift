import Foundation
import LearningStore
import LinearAlgebra
import Logging
import Synchronization
public import LearningEvents

/// The per-tenant, in-memory cache of active model versions: the recommender (course and learner factors, or
/// popularity counts, with the catalog) and the risk model with its feature schema. Loaded lazily on a tenant's
/// first request, swapped without dropping requests when another version becomes active (`refresh`, driven by the
/// change stream on `model_versions` and by polling), and warmed for every tenant at start-up (`warmUp`).
public final class ModelCache: Sendable {
    let loader: ModelLoader
    let recommenders: VersionSlots<RecommenderSnapshot>
    let risks: VersionSlots<RiskSnapshot>
    let learners: LearnerRowsCache
    private let logger: Logger
    private let metrics: RequestMetrics
    private let warmed = Mutex(false)

    init(loader: ModelLoader, learners: LearnerRowsCache, logger: Logger, metrics: RequestMetrics) {
        self.loader = loader
        self.learners = learners
        self.logger = logger
        self.metrics = metrics
        recommenders = VersionSlots(
            activeVersion: { try await loader.activeVersion($0, .recommender)?.version },
            load: { tenant in
                guard let v = try await loader.activeVersion(tenant, .recommender) else { return Loaded(version: nil, snapshot: nil) }
                return Loaded(version: v.version, snapshot: try await loader.loadRecommender(tenant, v))
            })
        risks = VersionSlots(
            activeVersion: { try await loader.activeVersion($0, .risk)?.version },
            load: { tenant in
                guard let v = try await loader.activeVersion(tenant, .risk) else { return Loaded(version: nil, snapshot: nil) }
                return Loaded(version: v.version, snapshot: try await loader.loadRisk(tenant, v))
            })
    }

    /// The tenant's active recommender, or nil when it has none; throws `APIError.unavailable` when it cannot load.
    func recommender(_ tenant: TenantID) async throws -> RecommenderSnapshot? {
        do {
            return try await recommenders.get(tenant).snapshot
        } catch {
            logger.error("recommender cannot be loaded", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            throw APIError.unavailable("the recommender model of this tenant cannot be loaded")
        }
    }

    /// The tenant's active risk model, or nil when it has none; throws `APIError.unavailable` when it cannot load.
    func risk(_ tenant: TenantID) async throws -> RiskSnapshot? {
        do {
            return try await risks.get(tenant).snapshot
        } catch {
            logger.error("risk model cannot be loaded", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            throw APIError.unavailable("the risk model of this tenant cannot be loaded")
        }
    }

    /// Swaps in the tenant's newly active versions (of loaded kinds); errors are logged and the old versions kept.
    public func refresh(_ tenant: TenantID) async {
        for (kind, refresh) in [("recommender", recommenders.refresh), ("risk", risks.refresh)] {
            do {
                if try await refresh(tenant) {
                    logger.info("model version swapped", metadata: ["tenant": "\(tenant)", "kind": "\(kind)"])
                    if kind == "recommender" { learners.invalidate(tenant, learner: nil) }
                }
            } catch {
                logger.warning("model refresh failed; keeping the loaded version",
                               metadata: ["tenant": "\(tenant)", "kind": "\(kind)", "error": "\(error)"])
            }
        }
        updateGauges()
    }

    /// `refresh` for every loaded tenant.
    public func refreshAll() async {
        for tenant in Set(recommenders.tenants + risks.tenants) { await refresh(tenant) }
    }

    /// Tenants `warmUp` loads at once: their downloads, checks and decoding overlap (a cold replica with many
    /// tenants is ready sooner), while memory in flight and MongoDB connections stay bounded.
    static let warmUpConcurrency = 4

    /// Loads the active versions of every tenant that has any, up to ``warmUpConcurrency`` tenants at once (a tenant
    /// whose models fail to load is logged and retried on its next request). Throws only when MongoDB cannot list
    /// the tenants.
    public func warmUp() async throws {
        let tenants = try await loader.db.tenantIDs(in: StoreLayout.modelVersions.name)
        await withTaskGroup(of: Void.self) { group in
            var pending = tenants[...]
            for _ in 0..<Self.warmUpConcurrency {
                guard let tenant = pending.popFirst() else { break }
                group.addTask { await self.load(tenant) }
            }
            while await group.next() != nil {
                if let tenant = pending.popFirst() { group.addTask { await self.load(tenant) } }
            }
        }
        warmed.withLock { $0 = true }
        updateGauges()
        logger.info("model cache warmed", metadata: ["tenants": "\(tenants.count)"])
    }

    /// Loads one tenant's active versions (failures are logged by `recommender` / `risk`).
    private func load(_ tenant: TenantID) async {
        _ = try? await recommender(tenant)
        _ = try? await risk(tenant)
    }

    /// True once `warmUp` finished.
    public var isWarm: Bool { warmed.withLock { $0 } }

    /// Loaded versions of each kind (tenants with an active version in memory).
    public var loadedCounts: (recommender: Int, risk: Int) {
        (recommenders.values.values.filter { $0.snapshot != nil }.count, risks.values.values.filter { $0.snapshot != nil }.count)
    }

    /// The loaded version names of a tenant (for the models route's `loaded` flag).
    func loadedVersions(_ tenant: TenantID) -> Set<String> {
        Set([recommenders.peek(tenant)?.version, risks.peek(tenant)?.version].compactMap { $0 })
    }

    /// Sets the cache gauges (called when `/metrics` is scraped, so requests pay nothing for them).
    func updateGauges() {
        let recs = recommenders.values.values.compactMap(\.snapshot)
        let counts = loadedCounts
        metrics.gauge("lodestar_model_versions_loaded", labels: [("kind", "recommender")], Double(counts.recommender))
        metrics.gauge("lodestar_model_versions_loaded", labels: [("kind", "risk")], Double(counts.risk))
        metrics.gauge("lodestar_model_cache_learners", Double(recs.reduce(0) { $0 + $1.learnerCount }))
        metrics.gauge("lodestar_model_cache_factor_bytes", Double(recs.reduce(0) { $0 + $1.factorBytes }))
        metrics.gauge("lodestar_learner_cache_entries", Double(learners.count))
    }
}
