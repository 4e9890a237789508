/// A subscription's dead-letter policy: after `maxDeliveryAttempts` (5…100) failed deliveries a message is
/// forwarded to `deadLetterTopic`.
public struct PubSubDeadLetterPolicy: Sendable, Hashable {
    /// An id or a full topic name.
    public var deadLetterTopic: String
    /// Deliveries before the message is dead-lettered (5…100).
    public var maxDeliveryAttempts: Int

    /// A policy.
    public init(deadLetterTopic: String, maxDeliveryAttempts: Int = 5) {
        self.deadLetterTopic = deadLetterTopic
        self.maxDeliveryAttempts = maxDeliveryAttempts
    }
}
