import LearningEvents
import LearningStore
import MongoStore

/// Each tenant's recommendation rules in force for the consumer's refreshes (`recommendation_rules`, as
/// ``VersionedRules``: version 0 and the defaults for a tenant without a document), reused for `ttl` (5 s by
/// default), so a burst of events reads a tenant's rules once and a change reaches the next refresh within `ttl`.
/// Concurrent misses of one tenant share one read (a single small document).
///
/// ```swift
/// let rules = try await directory.rules(tenant)     // VersionedRules(version: 3, rules: …)
/// ```
actor RulesDirectory {
    let store: RecommendationRulesStore
    let ttl: Duration
    private var cache: [TenantID: (loaded: ContinuousClock.Instant, rules: VersionedRules)] = [:]
    private var loading: [TenantID: (id: UInt64, task: Task<VersionedRules, any Error>)] = [:]
    private var nextLoad: UInt64 = 0
    /// Bumped by `invalidate()`, so a read that raced it is not kept.
    private var generation: UInt64 = 0

    init(db: MongoDatabase, ttl: Duration = .seconds(5)) {
        store = RecommendationRulesStore(db: db)
        self.ttl = ttl
    }

    /// The tenant's rules in force and their version.
    func rules(_ tenant: TenantID) async throws -> VersionedRules {
        let now = ContinuousClock.now
        if let hit = cache[tenant], now - hit.loaded < ttl { return hit.rules }
        if let load = loading[tenant] { return try await load.task.value }
        nextLoad &+= 1
        let id = nextLoad, started = generation
        let task = Task { [store] in try await store.current(tenant) }
        loading[tenant] = (id, task)
        defer { if loading[tenant]?.id == id { loading[tenant] = nil } }
        let rules = try await task.value
        if generation == started { cache[tenant] = (now, rules) }
        return rules
    }

    /// Forgets every tenant (tests, or when a change is known to have happened).
    func invalidate() {
        generation &+= 1
        cache = [:]
        loading = [:]
    }
}
