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
        /// Per tenant, the learners with a dismissal on record (loaded on a miss, kept current by
        /// ``noteFeedback(_:learner:)`` and read again after ``dismissersTTL`` in case a change-stream event was
        /// missed); `names` nil for a tenant with more than ``dismissersLimit`` (every miss asks).
        var dismissers: [TenantID: (names: Set<String>?, loadedAt: ContinuousClock.Instant)] = [:]
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
        // Most learners never dismissed anything: their miss costs one query, not two.
        var dismissed: [String: Date] = [:]
        if try await mayHaveDismissals(tenant, learner) {
            for try await d in StoreLayout.feedback.collection(in: db.tenant(tenant))
                .find(["learner_id": .string(learner), "action": .string(FeedbackDocument.Action.dismissed.rawValue)], limit: 10_000) {
                dismissed[d.course_id] = d.at
            }
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

    /// Learners per tenant whose dismissals are tracked by name; beyond, every miss reads the learner's feedback.
    static let dismissersLimit = 100_000
    /// How long a tenant's set of dismissing learners is trusted before it is read again.
    static let dismissersTTL: Duration = .seconds(60)

    /// Whether the learner may have a dismissal on record (false only when the tenant's set says not).
    private func mayHaveDismissals(_ tenant: TenantID, _ learner: String) async throws -> Bool {
        let now = ContinuousClock.now
        let (known, generation) = state.withLock { s -> (Set<String>??, UInt64) in
            guard let d = s.dismissers[tenant], now - d.loadedAt < Self.dismissersTTL else { return (nil, s.generation) }
            return (.some(d.names), s.generation)
        }
        if let known { return known.map { $0.contains(learner) } ?? true }
        let names = try await StoreLayout.feedback.collection(in: db.tenant(tenant))
            .distinct("learner_id", ["action": .string(FeedbackDocument.Action.dismissed.rawValue)]).compactMap(\.stringValue)
        let set: Set<String>? = names.count > Self.dismissersLimit ? nil : Set(names)
        state.withLock { s in if s.generation == generation { s.dismissers[tenant] = (set, now) } }
        return set.map { $0.contains(learner) } ?? true
    }

    /// A learner's feedback changed (this replica's route, or the change stream): their entry goes, and they count
    /// as a learner who may have dismissals.
    func noteFeedback(_ tenant: TenantID, learner: String?) {
        state.withLock { s in
            s.generation &+= 1
            guard let learner else {
                s.dismissers[tenant] = nil
                s.entries = s.entries.filter { $0.key.tenant != tenant }
                return
            }
            s.entries[Key(tenant: tenant, learner: learner)] = nil
            if let d = s.dismissers[tenant], var set = d.names {
                set.insert(learner)
                s.dismissers[tenant] = (set.count > Self.dismissersLimit ? nil : set, d.loadedAt)
            }
        }
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
            s.dismissers.removeAll()
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
