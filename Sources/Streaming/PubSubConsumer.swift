import Foundation
public import GoogleCloud
import LearningEvents
import LearningStore
import LinearAlgebra
public import Logging
import Metrics
public import MongoStore
public import ServiceLifecycle

/// The Pub/Sub consumer as a `Service`: at-least-once delivery in, exactly-once effects out.
///
/// - `pullers` loops pull concurrently, each only while the held messages are under the flow-control limits;
///   received messages are leased at once and their deadlines extended while they are held (``LeaseKeeper``).
/// - A pulled batch is decoded; a message that is not a valid event (bad JSON, a rule of the one rule table, dated
///   too far in the future) is quarantined and acked — it would fail the same way forever. So is a message that
///   crosses the trust boundary: no `tenant_id` attribute, a body naming another tenant than the attribute, or a
///   tenant outside ``ConsumerConfiguration/tenants`` (``EventMessage/decode(_:attributes:tenants:)``).
/// - The valid events are applied in one MongoDB transaction (``StreamApplier``): `learner_features` and
///   `processed_events` together, so a redelivery after a crash counts nothing twice. If the batch fails, it is
///   applied again learner by learner, so one bad enrolment holds up only its own messages.
/// - Learners with new activity get fresh recommendations and risk under the active versions (``LearnerRefresher``).
/// - Only then are the messages acked. Messages whose apply failed are nacked with backoff (`modifyAckDeadline` to
///   0, then to a delay that doubles with each delivery attempt), and when a whole batch failed every puller backs
///   off too; after the subscription's `maxDeliveryAttempts`, Pub/Sub moves such a message to its dead-letter topic.
/// - On graceful shutdown (SIGTERM) pulls stop (one in progress is cancelled; its messages are redelivered), batches
///   in flight finish, their acks are sent, and `run()` returns.
///
/// ```swift
/// let consumer = PubSubConsumer(client: pubsub, db: db, configuration: ConsumerConfiguration(subscription: "events"),
///                               logger: logger)
/// try await ServiceGroup(configuration: .init(services: [consumer], logger: logger)).run()
/// ```
public final class PubSubConsumer: Service, Sendable {
    public let client: PubSubClient
    public let db: MongoDatabase
    public let configuration: ConsumerConfiguration
    public let logger: Logger
    let applier: StreamApplier
    let refresher: LearnerRefresher
    let flow: FlowControl
    let leases: LeaseKeeper
    let acknowledger: Acknowledger
    let backoff: Backoff
    let locks = LearnerLocks()
    let stop = StopSignal()
    let counters = ConsumerCounters()

    public init(client: PubSubClient, db: MongoDatabase, configuration: ConsumerConfiguration, logger: Logger) {
        var ackClient = client
        ackClient.requestTimeout = configuration.ackRequestTimeout
        self.client = client
        self.db = db
        self.configuration = configuration
        self.logger = logger
        let courses = CourseDirectory(db: db, ttl: configuration.courseCacheTTL)
        applier = StreamApplier(db: db, courses: courses, weights: configuration.weights, now: configuration.now)
        let store = configuration.artifacts ?? .folder(URL(fileURLWithPath: "models"))
        let models = ModelCache(db: db, loader: ModelArtifactLoader(store: store, compute: configuration.compute ?? Self.sharedCompute),
                                checkInterval: configuration.modelCheckInterval)
        refresher = LearnerRefresher(db: db, models: models,
                                     courses: courses, debounce: configuration.refreshDebounce, logger: logger)
        flow = FlowControl(maxMessages: configuration.maxOutstandingMessages, maxBytes: configuration.maxOutstandingBytes)
        leases = LeaseKeeper(client: ackClient, subscription: configuration.subscription,
                             deadlineSeconds: configuration.ackDeadlineSeconds, maxExtension: configuration.maxLeaseExtension,
                             logger: logger)
        acknowledger = Acknowledger(client: ackClient, subscription: configuration.subscription,
                                    concurrency: configuration.ackConcurrency, leases: leases, flow: flow, logger: logger)
        backoff = Backoff(initial: configuration.initialBackoff, maximum: configuration.maxBackoff)
    }

    /// Artifact decoding threads of consumers built without ``ConsumerConfiguration/compute`` (one per process).
    static let sharedCompute = ComputeThreads(count: 1, name: "lodestar-consumer-models")

    /// What the consumer has done so far (for tests, logs and `lodestar serve`'s exit line).
    public var stats: ConsumerCounters.Snapshot { counters.snapshot }

    /// Stops pulling and lets in-flight work finish (what graceful shutdown does).
    public func requestStop() {
        stop.trigger()
        Task { await flow.wakeAll() }
    }

    public func run() async throws {
        if let problem = configuration.validate() { throw StreamingError.invalidConfiguration(problem) }
        try await StoreLayout.ensureIndexes(db)
        logger.info("consumer started", metadata: [
            "subscription": "\(configuration.subscription)", "pullers": "\(configuration.pullers)",
            "max_outstanding": "\(configuration.maxOutstandingMessages)",
            "tenants": "\(configuration.tenants.map { $0.sorted().joined(separator: ",") } ?? "all")",
        ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { support in
                support.addTask { await self.leases.run() }
                await withTaskGroup(of: Void.self) { pullers in
                    for i in 0..<configuration.pullers { pullers.addTask { await self.pullLoop(i) } }
                }
                await acknowledger.drain()
                support.cancelAll()
            }
        } onGracefulShutdown: {
            self.requestStop()
        }
        let s = stats
        logger.info("consumer stopped", metadata: [
            "applied": "\(s.applied)", "duplicates": "\(s.duplicates)", "quarantined": "\(s.quarantined)", "nacked": "\(s.nacked)",
        ])
    }

    func pullLoop(_ index: Int) async {
        let subscription = configuration.subscription
        while !stop.isStopped {
            let wait = await backoff.delay
            if wait > .zero {
                do { try await stop.cancellable { try await Task.sleep(for: wait) } } catch { continue }
            }
            await flow.waitForRoom(stop)
            if stop.isStopped { break }
            let n = min(configuration.maxMessagesPerPull, max(1, await flow.room))
            let received: [PubSubReceivedMessage]
            do {
                let client = client
                received = try await stop.cancellable { try await client.pull(subscription: subscription, maxMessages: n) }
            } catch is CancellationError {
                break
            } catch {
                Counter(label: "lodestar_stream_pull_errors_total").increment()
                logger.warning("pull failed", metadata: ["puller": "\(index)", "error": "\(error)"])
                await backoff.failed()
                continue
            }
            guard !received.isEmpty else { continue }
            let bytes = received.reduce(0) { $0 + $1.message.data.count }
            await flow.acquire(messages: received.count, bytes: bytes)
            await leases.track(received.map(\.ackID))
            await process(received)
        }
    }

    /// Decodes, quarantines poison, applies, refreshes, then acks (or nacks what failed).
    func process(_ received: [PubSubReceivedMessage]) async {
        let start = ContinuousClock.now
        let nowDate = configuration.now()
        let limit = Int64((nowDate.timeIntervalSince1970 + configuration.futureTolerance) * 1_000_000)
        var events: [LearningEvent] = []
        var eventMessages: [Int] = []
        var poison: [(Int, EventMessage.Refusal)] = []
        for (i, m) in received.enumerated() {
            switch EventMessage.decode(m.message.data, attributes: m.message.attributes, tenants: configuration.tenants) {
            case .success(let e):
                if e.occurredAt > limit {
                    poison.append((i, .init(reason: "occurred_at \(Timestamp.rfc3339(e.occurredAt)) is more than \(Int(configuration.futureTolerance / 3600)) h after now",
                                            field: "occurred_at", tenant: e.tenantID)))
                } else if e.occurredAt < 0 {
                    poison.append((i, .init(reason: "occurred_at \(Timestamp.rfc3339(e.occurredAt)) is before 1970", field: "occurred_at", tenant: e.tenantID)))
                } else {
                    events.append(e)
                    eventMessages.append(i)
                }
            case .failure(let r): poison.append((i, r))
            }
            if let a = received[i].deliveryAttempt, a > 1 {
                logger.debug("redelivered message", metadata: ["message_id": "\(m.message.messageID ?? "")", "attempt": "\(a)"])
            }
        }
        var failed = Set<Int>()
        if !poison.isEmpty {
            do {
                try await quarantine(poison.map { (received[$0.0], $0.1) }, at: nowDate)
                counters.add(quarantined: poison.count)
            } catch {
                logger.error("quarantine write failed; poison messages nacked", metadata: ["error": "\(error)"])
                failed.formUnion(poison.map(\.0))
            }
        }
        var learners = Set<LearnerKey>()
        let locked = Set(events.map { LearnerKey(tenant: $0.tenantID, learner: $0.learnerID) })
        await locks.lock(locked)
        if !events.isEmpty {
            do {
                let outcome = try await applier.apply(events)
                counters.add(applied: outcome.applied, duplicates: outcome.duplicates)
                learners = outcome.learners
            } catch {
                logger.warning("batch apply failed; applying learner by learner", metadata: ["events": "\(events.count)", "error": "\(error)"])
                let (outcome, failedEvents) = await applyLearnerByLearner(events)
                counters.add(applied: outcome.applied, duplicates: outcome.duplicates)
                learners = outcome.learners
                for k in failedEvents { failed.insert(eventMessages[k]) }
            }
        }
        await locks.unlock(locked)
        let appliedAt = ContinuousClock.now
        await refresher.refresh(learners)
        var ackIDs: [String] = [], ackBytes = 0
        var nacks: [Int: (ids: [String], bytes: Int)] = [:]  // by redelivery delay
        let failures = await backoff.consecutiveFailures
        for (i, m) in received.enumerated() {
            if failed.contains(i) {
                // Nacked with backoff: redelivered after a delay that grows with the message's delivery attempts
                // (or the consumer's consecutive failures when the subscription does not report attempts), so a
                // message that keeps failing neither spins nor holds up the others.
                let delay = backoffSeconds(attempt: m.deliveryAttempt ?? (failures + 1))
                nacks[delay, default: ([], 0)].ids.append(m.ackID)
                nacks[delay, default: ([], 0)].bytes += m.message.data.count
            } else {
                ackIDs.append(m.ackID)
                ackBytes += m.message.data.count
            }
        }
        await acknowledger.ack(ackIDs, bytes: ackBytes)
        for (delay, n) in nacks.sorted(by: { $0.key < $1.key }) { await acknowledger.nack(n.ids, bytes: n.bytes, delay: delay) }
        if failed.isEmpty {
            await backoff.succeeded()
        } else {
            counters.add(nacked: failed.count)
            // Every puller waits only when nothing of the batch went through (MongoDB down, say).
            if failed.count == received.count { await backoff.failed() } else { await backoff.succeeded() }
        }
        Timer(label: "lodestar_stream_batch_seconds").recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        logger.debug("batch done", metadata: [
            "messages": "\(received.count)", "events": "\(events.count)", "poison": "\(poison.count)", "failed": "\(failed.count)",
            "apply_s": "\(appliedAt - start)", "total_s": "\(ContinuousClock.now - start)",
        ])
        Counter(label: "lodestar_stream_messages_total", dimensions: [("outcome", "received")]).increment(by: received.count)
    }

    /// Seconds before a failed message is redelivered: `initialBackoff · 2^(attempt−1)`, at most `maxBackoff`, whole
    /// seconds (0 while below one second: a plain nack).
    func backoffSeconds(attempt: Int) -> Int {
        var d = configuration.initialBackoff
        for _ in 1..<max(1, min(attempt, 30)) where d < configuration.maxBackoff { d = d * 2 }
        return Int(min(d, configuration.maxBackoff).components.seconds)
    }

    /// The fallback after a failed batch: one transaction per (tenant, learner); returns the indexes of the events
    /// whose group failed.
    func applyLearnerByLearner(_ events: [LearningEvent]) async -> (StreamApplier.Outcome, [Int]) {
        var groups: [LearnerKey: [Int]] = [:]
        for (k, e) in events.enumerated() { groups[LearnerKey(tenant: e.tenantID, learner: e.learnerID), default: []].append(k) }
        var total = StreamApplier.Outcome()
        var failed: [Int] = []
        for (key, indexes) in groups.sorted(by: { $0.key < $1.key }) {
            do {
                let o = try await applier.apply(indexes.map { events[$0] })
                total.applied += o.applied
                total.duplicates += o.duplicates
                total.learners.formUnion(o.learners)
            } catch {
                Counter(label: "lodestar_stream_apply_errors_total").increment()
                logger.error("apply failed; messages nacked", metadata: [
                    "tenant": "\(key.tenant)", "learner": "\(key.learner)", "events": "\(indexes.count)", "error": "\(error)",
                ])
                failed += indexes
            }
        }
        return (total, failed)
    }

    func quarantine(_ rows: [(PubSubReceivedMessage, EventMessage.Refusal)], at date: Date) async throws {
        let source = "pubsub:\(configuration.subscription)"
        let docs = rows.map { m, r in
            QuarantineDocument(
                tenant_id: r.tenant, source: source, position: "message \(m.message.messageID ?? m.ackID)",
                raw: String(decoding: m.message.data.prefix(4096), as: UTF8.self), reason: r.reason, field: r.field,
                run_id: "stream", recorded_at: date, retention: configuration.quarantineRetention)
        }
        try await QuarantineStore(db: db).record(docs)
        for (m, r) in rows {
            logger.warning("message quarantined", metadata: ["message_id": "\(m.message.messageID ?? "")", "reason": "\(r.reason)"])
        }
    }
}
