import Foundation
import LearningStore
import MongoStore
import Synchronization
import LearningEvents

/// A learner's `learner_features` rows (one per enrolment) and dismissals (`learner_feedback`), read through the
/// tenant's scope and reused for `ttl`; an entry is dropped at once when a change stream reports the learner's rows
/// or feedback changed (`invalidate`), and by the feedback route on the replica that recorded it. Bounded: beyond
/// `capacity` entries, the oldest tenth goes.
final class LearnerRowsCache: Sendable {
    private struct Key: Hashable {
        let tenant: TenantID
        let learner: String
    }
    private struct Entry {
        let rows: [FeatureDocument]
        /// Course → when the learner last dismissed it.
        let dismissed: [String: Date]
        let readAt: ContinuousClock.Instant
        let generation: UInt64
    }
    private struct State {
        var entries: [Key: Entry] = [:]
        /// Bumped by every invalidation, so a read that raced one is not stored.
        var generation: UInt64 = 0
    }
    private let state = Mutex(State())
    private let db: MongoDatabase
    private let ttl: Duration
    private let capacity: Int

    init(db: MongoDatabase, ttl: TimeInterval, capacity: Int) {
        self.db = db
        self.ttl = .milliseconds(Int64(max(0, ttl) * 1000))
        self.capacity = max(1, capacity)
    }

    /// The learner's rows (empty for a learner with no enrolment yet).
    func rows(_ tenant: TenantID, _ learner: String) async throws -> [FeatureDocument] {
        try await self.learner(tenant, learner).rows
    }

    /// The learner's rows and the courses they dismissed (course → when), within `FeedbackDocument.retentionDays`.
    func learner(_ tenant: TenantID, _ learner: String) async throws -> (rows: [FeatureDocument], dismissed: [String: Date]) {
        let key = Key(tenant: tenant, learner: learner)
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { s -> ((rows: [FeatureDocument], dismissed: [String: Date])?, UInt64) in
            if let e = s.entries[key], now - e.readAt < ttl { return ((e.rows, e.dismissed), s.generation) }
            return (nil, s.generation)
        }
        if let cached { return cached }
        let rows = try await Self.read(db, tenant, learner)
        var dismissed: [String: Date] = [:]
        for try await d in StoreLayout.feedback.collection(in: db.tenant(tenant))
            .find(["learner_id": .string(learner), "action": .string(FeedbackDocument.Action.dismissed.rawValue)], limit: 10_000) {
            dismissed[d.course_id] = d.at
        }
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.entries.count >= capacity {
                let victims = s.entries.sorted { $0.value.readAt < $1.value.readAt }.prefix(max(1, capacity / 10)).map(\.key)
                for k in victims { s.entries[k] = nil }
            }
            s.entries[key] = Entry(rows: rows, dismissed: dismissed, readAt: now, generation: generation)
        }
        return (rows, dismissed)
    }

    /// Reads the learner's rows from MongoDB now, bypassing the cache.
    static func read(_ db: MongoDatabase, _ tenant: TenantID, _ learner: String) async throws -> [FeatureDocument] {
        try await StoreLayout.features.collection(in: db.tenant(tenant))
            .find(["learner_id": .string(learner)], sort: ["course_id": 1], limit: 10_000).collect()
    }

    /// Drops a learner's entry (their rows changed); with no learner, every entry of the tenant.
    func invalidate(_ tenant: TenantID, learner: String?) {
        state.withLock { s in
            s.generation &+= 1
            if let learner {
                s.entries[Key(tenant: tenant, learner: learner)] = nil
            } else {
                s.entries = s.entries.filter { $0.key.tenant != tenant }
            }
        }
    }

    /// Drops every entry.
    func invalidateAll() {
        state.withLock { s in
            s.generation &+= 1
            s.entries.removeAll()
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
