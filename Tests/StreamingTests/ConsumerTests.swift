import Foundation
import GoogleCloud
import LearningEvents
import LearningStore
import MongoStore
import Streaming
import Testing

/// The consumer in-process against the Pub/Sub emulator and SecantusDB: exactly-once effects under duplicates,
/// reordering, poison, 503s, token expiry and dead letters.
@Suite struct ConsumerTests {
    static let day: Int64 = 86_400_000_000
    static let asOf = Timestamp.parse("2026-04-20 00:00:00 UTC")!

    /// A small history for a few learners: enrolments, lessons, views with durations, quizzes, a completion and an
    /// unenrolment.
    static func history(tenant: String = "acme", learners: Int = 4, prefix: String = "e") -> [LearningEvent] {
        var out: [LearningEvent] = []
        var n = 0
        func add(_ l: Int, _ c: String, _ type: EventType, _ daysBefore: Double, duration: Int64? = nil, score: Double? = nil, lesson: String? = nil) {
            n += 1
            out.append(LearningEvent(eventID: "\(prefix)\(n)", tenantID: tenant, orgID: l % 2 == 0 ? "org-a" : "org-b", learnerID: "L\(l)",
                                     courseID: c, lessonID: lesson, type: type, occurredAt: asOf - Int64(daysBefore * Double(day)),
                                     durationSeconds: duration, score: score))
        }
        for l in 0..<learners {
            add(l, "c1", .enrolled, 40 + Double(l))
            for k in 0..<6 { add(l, "c1", .lessonCompleted, 35 - Double(k * 5) + 0.3, lesson: "c1-l\(k)") }
            for k in 0..<5 { add(l, "c1", .contentViewed, 20 - Double(k * 3) + 0.1, duration: Int64(300 + 60 * k)) }
            add(l, "c1", .quizSubmitted, 18, score: 0.4 + 0.1 * Double(l % 3))
            add(l, "c1", .quizSubmitted, 9, score: 0.8)
            add(l, "c1", .quizSubmitted, 2.5, score: 0.7)
            add(l, "c2", .enrolled, 12)
            add(l, "c2", .lessonStarted, 11)
            if l % 2 == 0 { add(l, "c2", .unenrolled, 3) } else { add(l, "c2", .courseCompleted, 1) }
        }
        return out
    }

    static let lessons = ["c1": 6, "c2": 4]

    @Test("duplicate and out-of-order deliveries count each event once; the features equal the batch's")
    func duplicatesAndReordering() async throws {
        let fx = try StreamingFixture("dup")
        try await fx.createSubscription()
        try await fx.seedCourses("acme", Self.lessons)
        let events = Self.history()
        var rng = SystemRandomNumberGenerator()
        var shuffled = events.shuffled(using: &rng)
        shuffled += events.prefix(15)  // published twice
        try await fx.publish(shuffled)
        try await fx.publish(Array(events.suffix(10)))  // and again, in a later publish
        let config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: Self.asOf)
        let consumer = try await fx.runConsumer(config) { try await fx.processedCount("acme") == events.count }
        #expect(consumer.stats.applied == events.count)
        let stream = try await fx.features("acme")
        let batch = try batchDocuments(events, tenant: "acme", cutoff: Self.asOf, lessonCount: { Self.lessons[$0] })
        #expect(stream.count == batch.count)
        for (key, b) in batch {
            let s = try #require(stream[key], "\(key) missing")
            #expect(differences(s, b).isEmpty, "\(key): \(differences(s, b))")
        }
        #expect(stream.values.reduce(0) { $0 + Int($1.state?.totals.events ?? 0) } == events.count)
        // The idempotency records carry the wall clock (their TTL counts from it), not the pinned features clock.
        for try await p in StoreLayout.processedEvents.collection(in: fx.db.tenant("acme")).find() {
            #expect(abs(p.processed_at.timeIntervalSinceNow) < 600, "\(p.event_ids.first ?? "") processed_at \(p.processed_at)")
        }
        try await fx.finish()
    }

    /// An idempotency record as builds before the bucketed layout wrote it: one document per event.
    struct LegacyProcessedEvent: Codable, Sendable { var event_id: String; var processed_at: Date }

    @Test("events recorded one record per event (before batches shared a record) are not applied again after an upgrade")
    func legacyIdempotencyRecords() async throws {
        let fx = try StreamingFixture("legacy")
        try await fx.createSubscription()
        try await fx.seedCourses("acme", Self.lessons)
        let events = Self.history(learners: 2)
        let already = events.prefix(7).map(\.eventID)
        let scope = fx.db.tenant(try TenantID(validating: "acme"))
        try await StoreLayout.ensureIndexes(fx.db)
        try await scope.collection(StoreLayout.processedEvents.name, as: LegacyProcessedEvent.self)
            .insertMany(already.map { LegacyProcessedEvent(event_id: $0, processed_at: Date()) })
        try await fx.publish(events + events.prefix(3))  // the first three twice more: a redelivery of legacy-recorded ids
        let config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: Self.asOf)
        let delivered = events.count + 3
        let consumer = try await fx.runConsumer(config) {
            let acked = try await fx.stats()["acked"] as? Int ?? 0
            let recorded = try await fx.processedCount("acme")
            return acked == delivered && recorded == events.count
        }
        #expect(consumer.stats.applied == events.count - already.count)
        #expect(consumer.stats.duplicates == already.count + 3)
        let stream = try await fx.features("acme")
        #expect(stream.values.reduce(0) { $0 + Int($1.state?.totals.events ?? 0) } == events.count - already.count,
                "the events recorded before the upgrade count nothing")
        // The new records hold batches of ids and meet the same unique index as the legacy ones.
        var ids: [String] = []
        for try await p in StoreLayout.processedEvents.collection(in: scope).find() { ids += p.event_ids }
        #expect(ids.count == events.count && Set(ids) == Set(events.map(\.eventID)))
        await #expect(throws: MongoError.self) {
            try await StoreLayout.processedEvents.collection(in: scope)
                .insert(ProcessedEventDocument(event_ids: ["fresh-id", already[0]], processed_at: Date()))
        }
        try await fx.finish()
    }

    @Test("poison messages are quarantined with their reason and acked; the valid ones around them are applied")
    func poison() async throws {
        let fx = try StreamingFixture("poison")
        try await fx.createSubscription()
        let good = Self.history(learners: 1)
        var bad = [Data("{not json".utf8), Data("[1, 2]".utf8)]
        var missing = good[0]
        missing.eventID = "poison-1"
        var noLearner = String(decoding: EventMessage.encode(missing), as: UTF8.self)
        noLearner = noLearner.replacingOccurrences(of: "\"learner_id\":\"L0\",", with: "")
        bad.append(Data(noLearner.utf8))
        var score = good.first { $0.type == .quizSubmitted }!
        score.eventID = "poison-2"
        score.score = 2
        bad.append(EventMessage.encode(score))
        var future = good[0]
        future.eventID = "poison-3"
        future.occurredAt = Self.asOf + 3 * Self.day
        bad.append(EventMessage.encode(future))
        bad.append(Data(#"{"event_id":"poison-4","tenant_id":"acme","learner_id":"L0","course_id":"c1","event_type":"enrolled","occurred_at":"2026-04-01T00:00:00Z","duration_seconds":true}"#.utf8))
        try await fx.publish(bad + good.map { EventMessage.encode($0) })
        let config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: Self.asOf)
        let badCount = bad.count
        let goodCount = good.count
        let read: @Sendable () async throws -> (Int, Int) = {
            (try await fx.processedCount("acme"), try await QuarantineStore(db: fx.db).rows(run: "stream").count)
        }
        let consumer = try await fx.runConsumer(config, state: {
            let (applied, quarantined) = try await read()
            return "\(applied) of \(goodCount) events recorded, \(quarantined) of \(badCount) quarantine rows"
        }) {
            let (applied, quarantined) = try await read()
            return applied == goodCount && quarantined == badCount
        }
        #expect(consumer.stats.quarantined == bad.count && consumer.stats.nacked == 0)
        let rows = try await QuarantineStore(db: fx.db).rows(run: "stream")
        let reasons = Set(rows.map(\.reason))
        #expect(reasons.contains { $0.hasPrefix("invalid JSON") })
        #expect(reasons.contains("learner_id: required field is missing"))
        #expect(reasons.contains("score: 2.0 is outside 0…1"))
        #expect(reasons.contains { $0.contains("more than 24 h after now") })
        #expect(reasons.contains("duration_seconds: expected an INT64, found boolean"), "the export reader's wording: one rule table")
        #expect(rows.allSatisfy { $0.tenant_id == "acme" }, "rows are listed under the tenant of their tenant_id attribute, unreadable bodies too")
        #expect(rows.allSatisfy { $0.source == "pubsub:\(fx.subscription)" })
        // Acked: nothing is delivered again.
        let again = try await fx.pubsub().pull(subscription: fx.subscription, maxMessages: 100)
        #expect(again.isEmpty)
        try await fx.finish()
    }

    @Test("503s from Pub/Sub and an expired token: every event applied exactly once")
    func unavailableAndExpiredToken() async throws {
        let fx = try StreamingFixture("faults")
        try await fx.createSubscription()
        try await fx.seedCourses("acme", Self.lessons)
        let events = Self.history(learners: 6)
        let half = events.count / 2
        try await fx.publish(Array(events[..<half]))
        // From now on the project needs a bearer token (from the emulator's metadata server); the next two calls
        // fail with 503 and after them a fifth of the calls, at random. (The consumer may need only a handful of calls
        // for these few events, so the rate alone could inject nothing: it did once in CI.)
        try await fx.admin("auth", #"{"require_token": true}"#)
        try await fx.admin("faults", #"{"fail_next": 2, "rate": 0.2, "status": 503}"#)
        let host = String(fx.emulator.dropFirst("http://".count))
        let client = try fx.pubsub(credentials: MetadataServerCredentials(host: host))
        let config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: Self.asOf)
        let expired = ManagedFlag()
        let rest = Array(events[half...])
        let consumer = try await fx.runConsumer(config, client: client) {
            let n = try await fx.processedCount("acme")
            if n == half, !expired.isSet {
                // Every token issued so far is refused from now on: the consumer's next call gets a 401, refreshes
                // its token and retries.
                expired.set()
                try await fx.admin("expire-tokens")
                // Published with credentials of their own (a token issued after the expiry), so the 401s counted
                // below are the consumer's.
                let publisher = try fx.pubsub(credentials: MetadataServerCredentials(host: host))
                for lo in stride(from: 0, to: rest.count, by: 10) {
                    _ = try await publisher.publish(topic: fx.topic, messages: rest[lo..<min(rest.count, lo + 10)]
                        .map { EventMessage.message($0) }) as [String]
                }
            }
            return n == events.count
        }
        let stats = try await fx.stats()
        #expect((stats["injected"] as? Int ?? 0) >= 2, "503s were injected: \(stats)")
        #expect((stats["unauthenticated"] as? Int ?? 0) > 0, "the consumer's expired token was refused, refreshed, and the call retried")
        #expect(consumer.stats.applied == events.count)
        let batch = try batchDocuments(events, tenant: "acme", cutoff: Self.asOf, lessonCount: { Self.lessons[$0] })
        let stream = try await fx.features("acme")
        for (key, b) in batch { #expect(stream[key].map { differences($0, b) } == [], "\(key)") }
        try await fx.finish()
    }

    @Test("a message that keeps failing is nacked, redelivered and dead-lettered after the policy's attempts; the others are applied")
    func deadLetter() async throws {
        let fx = try StreamingFixture("dlq")
        try await fx.createSubscription(deadLetterAfter: 5)
        let scope = fx.db.tenant("acme")
        // A learner_features document whose state cannot be read: applying L9's events fails every time.
        _ = try await scope.collection(StoreLayout.features.name, as: BSONDocument.self).updateMany(
            ["learner_id": "L9", "course_id": "c1"],
            ["$set": ["org_id": "org-a", "state": ["anchor_day": .int64(Int64.max)]]], upsert: true)
        var poisoned = Self.history(learners: 1)[0]
        poisoned.learnerID = "L9"
        poisoned.eventID = "stuck-1"
        let others = Self.history(learners: 2)
        try await fx.publish([poisoned] + others)
        let config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: Self.asOf)
        let dead = try fx.pubsub()
        let letters = LockedBox<[PubSubReceivedMessage]>([])
        let consumer = try await fx.runConsumer(config) {
            let got = try await dead.pull(subscription: "dead-letters-sub", maxMessages: 10)
            if !got.isEmpty {
                letters.update { $0 += got }
                try await dead.acknowledge(subscription: "dead-letters-sub", ackIDs: got.map(\.ackID))
            }
            return try await fx.processedCount("acme") == others.count && !letters.value.isEmpty
        }
        let letter = try #require(letters.value.first)
        #expect(letter.message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5")
        #expect(EventMessage.decode(letter.message.data) == .success(poisoned))
        #expect(consumer.stats.nacked >= 5)
        #expect(try await fx.processedCount("acme") == others.count, "the stuck event was never recorded as processed")
        try await fx.finish()
    }
}

/// A flag set once, readable from any task.
final class ManagedFlag: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A value shared between tasks under a lock.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ v: T) { stored = v }
    var value: T { lock.withLock { stored } }
    func update(_ f: (inout T) -> Void) { lock.withLock { f(&stored) } }
}
