public import Foundation
import LearningEvents
public import LearningStore
public import LinearAlgebra

/// The consumer's settings. The `lodestar` executable fills them from the environment and flags; tests set them
/// directly.
///
/// ```swift
/// var config = ConsumerConfiguration(subscription: "learning-events-lodestar")
/// config.pullers = 2
/// config.maxOutstandingMessages = 4000
/// ```
public struct ConsumerConfiguration: Sendable {
    /// The subscription (an id in the client's project or `projects/P/subscriptions/S`).
    public var subscription: String
    /// The tenants this consumer serves (`serve --tenants a,b`); `nil` = every tenant. A message whose `tenant_id`
    /// attribute names another tenant is quarantined with the reason (and acked, not redelivered): on a
    /// subscription meant for these tenants it is a misrouted or unauthorised publish, not work for another
    /// replica. To split tenants over consumers, give each group its own subscription (a Pub/Sub filter on
    /// `attributes.tenant_id`) and this list as the guard.
    public var tenants: Set<String>? = nil
    /// Concurrent pull loops; each applies what it pulled in one MongoDB transaction, so this is also how many
    /// batches are applied at once.
    public var pullers: Int = 2
    /// Messages asked for per pull (1…1000).
    public var maxMessagesPerPull: Int = 500
    /// Flow control: no pull starts while this many messages are held (pulled and not yet acked or nacked).
    public var maxOutstandingMessages: Int = 4000
    /// Flow control: no pull starts while the held messages' data reaches this many bytes.
    public var maxOutstandingBytes: Int = 64 << 20
    /// The ack deadline the consumer keeps extending while it holds a message (10…600 s): a held message's deadline
    /// is pushed this far ahead every third of it.
    public var ackDeadlineSeconds: Int = 60
    /// A message held longer than this stops being extended (it will be redelivered).
    public var maxLeaseExtension: Duration = .seconds(600)
    /// Backoff after a failed batch (nacked): doubled per consecutive failure up to `maxBackoff`; every puller waits.
    public var initialBackoff: Duration = .milliseconds(250)
    public var maxBackoff: Duration = .seconds(30)
    /// Learners whose results are refreshed wait this long for more events (one refresh for a burst).
    public var refreshDebounce: Duration = .milliseconds(150)
    /// How often the tenants' active model versions are looked up again.
    public var modelCheckInterval: Duration = .seconds(10)
    /// How long a tenant's `courses` documents are cached.
    public var courseCacheTTL: Duration = .seconds(60)
    /// Events dated more than this after `now()` are quarantined (as the batch does with rows from the future).
    public var futureTolerance: TimeInterval = 24 * 3600
    /// How long quarantined messages are kept.
    public var quarantineRetention: TimeInterval = 30 * 86_400
    /// The consumer's clock: features are computed as of `max(now(), the enrolment's newest event)`. Pinned by
    /// `lodestar serve --as-of` for replays, so that a replayed day equals a batch run with that cutoff.
    public var now: @Sendable () -> Date = { Date() }
    /// Confidence weights per event type (the batch's).
    public var weights: EventWeights = .default
    /// Concurrent acknowledge / modifyAckDeadline requests.
    public var ackConcurrency: Int = 4
    /// Timeout of acknowledge / modifyAckDeadline requests (see `URLSessionTransport` on keep-alive resets): short,
    /// so a stalled request is retried well within the ack deadline.
    public var ackRequestTimeout: Duration = .seconds(10)

    /// The shared artifact store the active versions are loaded from (with this replica's cache); `nil`: the
    /// folder `models` (one machine).
    public var artifacts: ArtifactStore?
    /// Threads that decode artifacts (the API's, when both run in one process); `nil`: a small pool of the consumer's.
    public var compute: ComputeThreads?

    public init(subscription: String) { self.subscription = subscription }

    /// Problems with the settings, or nil.
    public func validate() -> String? {
        if !(1...64).contains(pullers) { return "pullers \(pullers) (1…64)" }
        if !(1...1000).contains(maxMessagesPerPull) { return "messages per pull \(maxMessagesPerPull) (1…1000)" }
        if maxOutstandingMessages < 1 { return "max outstanding messages \(maxOutstandingMessages) (≥ 1)" }
        if maxOutstandingBytes < 1 { return "max outstanding bytes \(maxOutstandingBytes) (≥ 1)" }
        if !(10...600).contains(ackDeadlineSeconds) { return "ack deadline \(ackDeadlineSeconds) s (10…600)" }
        if !(1...64).contains(ackConcurrency) { return "ack concurrency \(ackConcurrency) (1…64)" }
        if let tenants {
            if tenants.isEmpty { return "tenants: an empty list would quarantine every message (omit it to serve all tenants)" }
            if let bad = tenants.sorted().first(where: { !Identifier.isValid($0) }) { return "tenants: '\(bad)' is not a tenant id" }
        }
        return nil
    }
}
