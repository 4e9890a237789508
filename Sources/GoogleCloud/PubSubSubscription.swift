/// A Pub/Sub subscription's settings, as created and as read back.
///
/// ```swift
/// let sub = PubSubSubscription(name: "events-consumer", topic: "events", ackDeadlineSeconds: 30,
///                              deadLetterPolicy: .init(deadLetterTopic: "events-dead", maxDeliveryAttempts: 5),
///                              enableMessageOrdering: true)
/// _ = try await pubsub.createSubscription(sub)
/// ```
public struct PubSubSubscription: Sendable, Hashable {
    /// The subscription: an id (in the client's project) or a full name `projects/P/subscriptions/S`.
    public var name: String
    /// Its topic: an id or a full name `projects/P/topics/T`.
    public var topic: String
    /// Seconds a pulled message stays leased before it is redelivered (10…600).
    public var ackDeadlineSeconds: Int
    /// Where messages go after too many delivery attempts.
    public var deadLetterPolicy: PubSubDeadLetterPolicy?
    /// Messages with the same ordering key are delivered in publish order.
    public var enableMessageOrdering: Bool

    /// Settings for a subscription.
    public init(name: String, topic: String, ackDeadlineSeconds: Int = 10, deadLetterPolicy: PubSubDeadLetterPolicy? = nil,
                enableMessageOrdering: Bool = false)
    {
        self.name = name
        self.topic = topic
        self.ackDeadlineSeconds = ackDeadlineSeconds
        self.deadLetterPolicy = deadLetterPolicy
        self.enableMessageOrdering = enableMessageOrdering
    }
}
