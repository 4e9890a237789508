import Foundation
public import LearningEvents
import LearningStore
public import MongoStore

/// Applies validated events to `learner_features`, exactly once per (tenant_id, event_id): in one MongoDB
/// transaction the events are recorded in `processed_events` (unique per tenant and event; one record per tenant and
/// batch, see ``ProcessedEventDocument``), applied to their enrolments' ``EnrolmentState`` (read from
/// `learner_features.state`) and the recomputed documents written. A redelivered event, or one delivered twice in
/// the same batch, changes nothing.
///
/// The common case costs no read of `processed_events`: the transaction inserts the batch's ids first and, when one
/// is already there (a redelivery), aborts and runs again after reading which are, applying only the others. A
/// concurrent writer of the same documents (another puller, another replica, the nightly run) makes one of the two
/// transactions fail with a write conflict, and that one is applied again from a fresh read.
public struct StreamApplier: Sendable {
    public let db: MongoDatabase
    let courses: CourseDirectory
    let weights: EventWeights
    let now: @Sendable () -> Date

    /// What a batch did.
    public struct Outcome: Sendable {
        /// Events applied now.
        public var applied = 0
        /// Events already applied before (redeliveries) or repeated within the batch.
        public var duplicates = 0
        /// Every learner the batch's events concern (duplicates included: a crash after the transaction but before
        /// the refresh must still refresh them on redelivery).
        public var learners: Set<LearnerKey> = []
    }

    init(db: MongoDatabase, courses: CourseDirectory, weights: EventWeights, now: @escaping @Sendable () -> Date) {
        self.db = db
        self.courses = courses
        self.weights = weights
        self.now = now
    }

    /// Conflicting writers: attempts of the whole transaction before giving up.
    static let conflictAttempts = 6

    /// Applies `events` (all validated) in one transaction.
    public func apply(_ events: [LearningEvent]) async throws -> Outcome {
        var byTenant: [String: [LearningEvent]] = [:]
        for e in events { byTenant[e.tenantID, default: []].append(e) }
        var lessons: [String: [String: Int]] = [:]
        var tenants: [(TenantID, [LearningEvent])] = []
        for (name, list) in byTenant.sorted(by: { $0.key < $1.key }) {
            let tenant = try TenantID(validating: name)
            lessons[name] = try await courses.courses(tenant).mapValues(\.lesson_count)
            tenants.append((tenant, list))
        }
        let lessonCounts = lessons, work = tenants, weights = weights
        let nowMicros = Int64((now().timeIntervalSince1970 * 1_000_000).rounded(.down))
        var attempt = 1
        var checkProcessed = false
        while true {
            do {
                let check = checkProcessed
                return try await db.withTransaction { tx in
                    var outcome = Outcome()
                    for (tenant, list) in work {
                        try await Self.applyTenant(list, tenant: tenant, tx: tx, lessons: lessonCounts[tenant.rawValue] ?? [:],
                                                   nowMicros: nowMicros, weights: weights, checkProcessed: check, outcome: &outcome)
                    }
                    return outcome
                }
            } catch let error as MongoError where error.isTransientTransactionError && attempt < Self.conflictAttempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int64(10 * attempt * attempt) + Int64.random(in: 0...20)))
            } catch let error as MongoError where !checkProcessed && error.kind == .server {
                // Most likely an event already in processed_events (a duplicate key): read them this time.
                checkProcessed = true
            }
        }
    }

    struct EnrolmentKey: Hashable { let learner: String; let course: String }

    static func applyTenant(_ events: [LearningEvent], tenant: TenantID, tx: MongoDatabase, lessons: [String: Int], nowMicros: Int64,
                            weights: EventWeights, checkProcessed: Bool, outcome: inout Outcome) async throws {
        let scope = tx.tenant(tenant)
        for e in events { outcome.learners.insert(LearnerKey(tenant: tenant.rawValue, learner: e.learnerID)) }
        let processed = StoreLayout.processedEvents.collection(in: scope)
        var done = Set<String>()
        if checkProcessed {
            let ids = Set(events.map(\.eventID))
            for try await p in processed.find(["event_id": ["$in": .array(ids.sorted().map(BSON.string))]]) {
                for id in p.event_ids where ids.contains(id) { done.insert(id) }
            }
        }
        var fresh: [LearningEvent] = []
        for e in events where !done.contains(e.eventID) {
            done.insert(e.eventID)  // a second copy within the batch counts once
            fresh.append(e)
        }
        outcome.duplicates += events.count - fresh.count
        guard !fresh.isEmpty else { return }
        // First, so that an event already applied fails the transaction before any work (see the type's comment).
        // The wall clock, never the features' clock (pinned in replays): the TTL index counts from here, and an
        // idempotency record that expired at once would let a redelivery count twice.
        let stamp = Date()
        try await processed.insertMany(ProcessedEventDocument.records(fresh.map(\.eventID), processedAt: stamp))
        var groups: [EnrolmentKey: [LearningEvent]] = [:]
        for e in fresh { groups[EnrolmentKey(learner: e.learnerID, course: e.courseID), default: []].append(e) }
        let learners = Array(Set(fresh.map(\.learnerID))).sorted()
        let features = StoreLayout.features.collection(in: scope)
        var existing: [EnrolmentKey: FeatureDocument] = [:]
        for try await doc in features.find(["learner_id": ["$in": .array(learners.map(BSON.string))]]) {
            existing[EnrolmentKey(learner: doc.learner_id, course: doc.course_id)] = doc
        }
        var documents: [FeatureDocument] = []
        documents.reserveCapacity(groups.count)
        for (key, list) in groups.sorted(by: { ($0.key.learner, $0.key.course) < ($1.key.learner, $1.key.course) }) {
            let old = existing[key]
            let sorted = list.sorted { ($0.occurredAt, $0.eventID) < ($1.occurredAt, $1.eventID) }
            // A document written before states were stored has none: the enrolment starts over from the stream's
            // events (the next nightly run rebuilds it from the export).
            var state = old?.state ?? EnrolmentState(anchorDay: EnrolmentState.day(sorted[0].occurredAt))
            for e in sorted {
                state.apply(e.type, at: e.occurredAt, duration: e.durationSeconds, score: e.score, weight: weights.weight(e.type))
            }
            state.revision = (old?.state?.revision ?? 0) &+ 1
            let org = sorted.last(where: { $0.orgID != nil })?.orgID ?? old?.org_id
            let asOf = max(nowMicros, state.newestEvent)
            let f = state.features(asOf: asOf, lessonCount: lessons[key.course] ?? 0) ?? EnrolmentFeatures.inactive(asOf: asOf, state: state)
            documents.append(FeatureDocument(learner: key.learner, course: key.course, org: org, features: f, state: state))
        }
        // Whole documents by their key, as the nightly run writes them (`StoreLayout.features.upsert`): a field the
        // new document lacks (no quiz yet, no org) is gone, exactly as after a batch.
        _ = try await features.bulkUpsert(documents, key: StoreLayout.features.key)
        outcome.applied += fresh.count
    }
}
