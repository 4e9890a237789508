import EventSources
import Foundation
import GoogleCloud
import LearningEvents
import LearningStore
import LodestarTestSupport
import Logging
import MongoStore
import Pipeline
import Streaming
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A throwaway database on the test server and a project of its own on the Pub/Sub emulator (faults, auth and clock
/// changes stay in it), with a topic and a subscription.
struct StreamingFixture {
    let client: MongoClient
    let db: MongoDatabase
    let emulator: String
    let project: String
    let topic = "events"
    let subscription = "events-consumer"
    let dir: URL

    init(_ label: String) throws {
        client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-streaming-tests")
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        db = client.database("stream_\(label)_\(suffix)")
        let host = try TestEnvironment.pubsubEmulatorHost()
        emulator = host.hasPrefix("http") ? host : "http://" + host
        project = "stream-\(label.lowercased())-\(suffix)"
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-stream-\(label)-\(suffix)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// A client of the fixture's project (retries with short real sleeps).
    func pubsub(credentials: any AccessTokenProvider = NoCredentials(), retry: RetryPolicy = RetryPolicy(maxAttempts: 6, initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))) throws -> PubSubClient {
        try PubSubClient(endpoint: URL(string: emulator)!, project: project,
                         http: CloudHTTPClient(credentials: credentials, retry: retry))
    }

    /// Creates the topic and the subscription (with a dead-letter topic and policy when `deadLetterAfter` is given).
    func createSubscription(deadLetterAfter: Int? = nil, ackDeadline: Int = 30) async throws {
        let ps = try pubsub()
        _ = try await ps.createTopic(topic)
        var sub = PubSubSubscription(name: subscription, topic: topic, ackDeadlineSeconds: ackDeadline)
        if let n = deadLetterAfter {
            _ = try await ps.createTopic("dead-letters")
            _ = try await ps.createSubscription(PubSubSubscription(name: "dead-letters-sub", topic: "dead-letters"))
            sub.deadLetterPolicy = PubSubDeadLetterPolicy(deadLetterTopic: "dead-letters", maxDeliveryAttempts: n)
        }
        _ = try await ps.createSubscription(sub)
    }

    /// `courses` documents as a nightly ingest writes them (the lesson counts behind completion ratios).
    func seedCourses(_ tenant: String, _ lessons: [String: Int], published: Bool = true) async throws {
        let docs = lessons.map { CourseDocument(course_id: $0.key, title: "Course \($0.key)", org_ids: [], lesson_count: $0.value,
                                                published: published, in_catalog: true) }
        try await StoreLayout.courses.upsert(docs, in: db.tenant(try TenantID(validating: tenant)))
    }

    /// Publishes events as the platform's publisher does (`EventMessage.message`: the body and its `tenant_id`
    /// attribute).
    func publish(_ events: [LearningEvent]) async throws {
        try await publish(messages: events.map { EventMessage.message($0) })
    }

    /// Publishes raw bodies with the `tenant_id` attribute `tenant` (none when nil): poison bodies still come from a
    /// publisher of some tenant.
    func publish(_ payloads: [Data], tenant: String? = "acme") async throws {
        let attributes = tenant.map { [EventMessage.tenantAttribute: $0] } ?? [:]
        try await publish(messages: payloads.map { PubSubMessage(data: $0, attributes: attributes) })
    }

    func publish(messages: [PubSubMessage]) async throws {
        let ps = try pubsub()
        for lo in stride(from: 0, to: messages.count, by: 1000) {
            _ = try await ps.publish(topic: topic, messages: Array(messages[lo..<min(messages.count, lo + 1000)]))
        }
    }

    /// The emulator's test controls for this project.
    @discardableResult
    func admin(_ path: String, _ json: String = "{}") async throws -> [String: Any] {
        var r = URLRequest(url: URL(string: "\(emulator)/admin/projects/\(project)/\(path)")!)
        r.httpMethod = "POST"
        r.httpBody = Data(json.utf8)
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, _) = try await URLSession.shared.data(for: r)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func stats() async throws -> [String: Any] { try await admin("stats") }

    static func consumerConfiguration(_ subscription: String, asOf: Int64) -> ConsumerConfiguration {
        var c = ConsumerConfiguration(subscription: subscription)
        c.maxMessagesPerPull = 200
        c.initialBackoff = .milliseconds(20)
        c.maxBackoff = .milliseconds(200)
        c.refreshDebounce = .milliseconds(20)
        c.modelCheckInterval = .milliseconds(200)
        let pinned = Date(timeIntervalSince1970: Double(asOf) / 1_000_000)
        c.now = { pinned }
        return c
    }

    /// Runs a consumer until `done` holds (polled every 100 ms) or `timeout` passes, then stops it gracefully and waits
    /// for it. The timeout is generous: in the full parallel suite the one test server serves many suites at once and
    /// has stalled for over a minute. On a timeout the error carries the consumer's counters and `state` (what the
    /// test's condition reads) before and after the consumer stopped.
    func runConsumer(_ configuration: ConsumerConfiguration, client: PubSubClient? = nil, timeout: Duration = .seconds(240),
                     state: (@Sendable () async throws -> String)? = nil,
                     until done: @escaping @Sendable () async throws -> Bool) async throws -> PubSubConsumer {
        var logger = Logger(label: "stream-test")
        logger.logLevel = .warning
        let consumer = PubSubConsumer(client: try client ?? pubsub(), db: db, configuration: configuration, logger: logger)
        let task = Task { try await consumer.run() }
        let deadline = ContinuousClock.now + timeout
        var finished = false
        while ContinuousClock.now < deadline {
            if try await done() {
                finished = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let before = finished ? "" : ((try? await state?()) ?? "")
        consumer.requestStop()
        try await task.value
        if !finished {
            let after = (try? await state?()) ?? ""
            throw FixtureError("consumer did not reach the expected state within \(timeout); stats \(consumer.stats); state at the deadline: \(before); after the stop: \(after)")
        }
        return consumer
    }

    /// Event ids recorded in the tenant's `processed_events` (a record holds a batch's ids).
    func processedCount(_ tenant: String) async throws -> Int {
        var n = 0
        for try await p in StoreLayout.processedEvents.collection(in: db.tenant(try TenantID(validating: tenant))).find() {
            n += p.event_ids.count
        }
        return n
    }

    func features(_ tenant: String) async throws -> [String: FeatureDocument] {
        var out: [String: FeatureDocument] = [:]
        for try await d in StoreLayout.features.collection(in: db.tenant(try TenantID(validating: tenant))).find() {
            out["\(d.learner_id)/\(d.course_id)"] = d
        }
        return out
    }

    func finish() async throws {
        try await db.drop()
        try? FileManager.default.removeItem(at: dir)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The batch's documents for `events` as of `cutoff`: the Pipeline's aggregator over the same events.
func batchDocuments(_ events: [LearningEvent], tenant: String, cutoff: Int64, lessonCount: @escaping (String) -> Int? = { _ in nil }) throws -> [String: FeatureDocument] {
    var agg = TenantAggregator(tenant: tenant, cutoffs: try Cutoffs(score: cutoff, horizonDays: 14))
    for e in events where e.tenantID == tenant { agg.add(e) }
    let docs = agg.featureDocuments(enrolments: 0..<agg.enrolmentCount, lessonCount: { lessonCount(agg.courses[$0]) })
    return Dictionary(uniqueKeysWithValues: docs.map { ("\($0.learner_id)/\($0.course_id)", $0) })
}

/// Differences between two feature documents (the stream's and the batch's): counts and flags exactly, real values
/// within `tolerance` (summation order differs). Empty when they agree.
func differences(_ a: FeatureDocument, _ b: FeatureDocument, tolerance: Double = 1e-9) -> [String] {
    var out: [String] = []
    func same(_ name: String, _ x: Double?, _ y: Double?) {
        switch (x, y) {
        case (nil, nil): return
        case let (x?, y?) where abs(x - y) <= tolerance * max(1, abs(x), abs(y)): return
        default: out.append("\(name): \(x.map { "\($0)" } ?? "nil") vs \(y.map { "\($0)" } ?? "nil")")
        }
    }
    func exact<T: Equatable>(_ name: String, _ x: T, _ y: T) { if x != y { out.append("\(name): \(x) vs \(y)") } }
    // Dates as MongoDB keeps them: milliseconds.
    func ms(_ d: Date?) -> Int64? { d.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }
    exact("as_of", ms(a.as_of), ms(b.as_of))
    exact("enrolled_at", ms(a.enrolled_at), ms(b.enrolled_at))
    exact("last_activity_at", ms(a.last_activity_at), ms(b.last_activity_at))
    exact("org_id", a.org_id, b.org_id)
    same("days_since_last_activity", a.days_since_last_activity, b.days_since_last_activity)
    exact("active_days_7", a.active_days_7, b.active_days_7)
    exact("active_days_14", a.active_days_14, b.active_days_14)
    exact("active_days_28", a.active_days_28, b.active_days_28)
    exact("lessons_completed", a.lessons_completed, b.lessons_completed)
    same("completion_ratio", a.completion_ratio, b.completion_ratio)
    exact("views", a.views, b.views)
    exact("time_spent_seconds", a.time_spent_seconds, b.time_spent_seconds)
    exact("quiz_attempts", a.quiz_attempts, b.quiz_attempts)
    same("quiz_mean_score", a.quiz_mean_score, b.quiz_mean_score)
    same("quiz_score_trend", a.quiz_score_trend, b.quiz_score_trend)
    exact("course_completed", a.course_completed, b.course_completed)
    exact("unenrolled", a.unenrolled, b.unenrolled)
    exact("state.events", a.state?.totals.events, b.state?.totals.events)
    exact("state.confidence", a.state?.totals.confidence, b.state?.totals.confidence)
    return out
}
