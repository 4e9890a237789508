import LearningEvents
import LearningStore
import Synchronization

/// Each tenant's recommendation rules in force (`recommendation_rules`, as ``VersionedRules``: version 0 and the
/// defaults for a tenant without a document), read on a tenant's first use and kept until they change. A change
/// stream on `recommendation_rules` (``RulesWatcher``) drops a tenant's entry as soon as any replica writes its rules,
/// and a `PUT …/recommendation-rules` on this replica drops it at once; `ttl` bounds how stale an entry can be when
/// change streams are off or interrupted. Concurrent misses of one tenant share one read. Bounded: beyond
/// `capacity` tenants, the oldest tenth goes.
///
/// ```swift
/// let rules = try await services.rules.rules(tenant)     // VersionedRules(version: 3, rules: …)
/// ```
final class RulesCache: Sendable {
    private struct Entry {
        let rules: VersionedRules
        let readAt: ContinuousClock.Instant
    }
    private struct Load {
        let id: UInt64
        let task: Task<VersionedRules, any Error>
    }
    private struct State {
        var entries: [TenantID: Entry] = [:]
        var loading: [TenantID: Load] = [:]
        /// Bumped by every invalidation, so a read that raced one is not stored.
        var generation: UInt64 = 0
        var nextLoad: UInt64 = 0
    }
    private let state = Mutex(State())
    let store: RecommendationRulesStore
    private let ttl: Duration
    private let capacity: Int

    init(store: RecommendationRulesStore, ttl: Duration, capacity: Int = 10_000) {
        self.store = store
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// The tenant's rules in force and their version.
    func rules(_ tenant: TenantID) async throws -> VersionedRules {
        enum Step: Sendable {
            case hit(VersionedRules)
            case wait(Task<VersionedRules, any Error>)
        }
        let now = ContinuousClock.now
        let step: Step = state.withLock { s in
            if let e = s.entries[tenant], now - e.readAt < ttl { return .hit(e.rules) }
            if let load = s.loading[tenant] { return .wait(load.task) }
            s.nextLoad &+= 1
            let id = s.nextLoad, generation = s.generation
            let task = Task { [store] in
                do {
                    let rules = try await store.current(tenant)
                    self.finish(tenant, id: id, generation: generation, rules: rules, readAt: now)
                    return rules
                } catch {
                    self.finish(tenant, id: id, generation: generation, rules: nil, readAt: now)
                    throw error
                }
            }
            s.loading[tenant] = Load(id: id, task: task)
            return .wait(task)
        }
        switch step {
        case .hit(let rules): return rules
        case .wait(let task): return try await task.value
        }
    }

    private func finish(_ tenant: TenantID, id: UInt64, generation: UInt64, rules: VersionedRules?, readAt: ContinuousClock.Instant) {
        state.withLock { s in
            if s.loading[tenant]?.id == id { s.loading[tenant] = nil }
            guard let rules, s.generation == generation else { return }
            if s.entries[tenant] == nil, s.entries.count >= capacity {
                let victims = s.entries.sorted { $0.value.readAt < $1.value.readAt }.prefix(max(1, capacity / 10)).map(\.key)
                for k in victims { s.entries[k] = nil }
            }
            s.entries[tenant] = Entry(rules: rules, readAt: readAt)
        }
    }

    /// Drops a tenant's entry (its rules changed); the next use reads them again.
    func invalidate(_ tenant: TenantID) {
        state.withLock { s in
            s.generation &+= 1
            s.entries[tenant] = nil
            s.loading[tenant] = nil
        }
    }

    /// Drops every entry (a change stream (re)opened: changes before it were not seen).
    func invalidateAll() {
        state.withLock { s in
            s.generation &+= 1
            s.entries.removeAll()
            s.loading.removeAll()
        }
    }

    /// Tenants held.
    var count: Int { state.withLock { $0.entries.count } }
}
