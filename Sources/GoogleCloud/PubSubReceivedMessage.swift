/// A pulled message: acknowledge it with ``ackID`` (or extend or nack its deadline with `modifyAckDeadline`).
public struct PubSubReceivedMessage: Sendable, Hashable {
    /// The handle for acknowledge / modifyAckDeadline (valid until the deadline passes).
    public let ackID: String
    /// The message.
    public let message: PubSubMessage
    /// How many times Pub/Sub has tried to deliver it (1 on the first delivery). Only subscriptions with a
    /// dead-letter policy report it; otherwise nil.
    public let deliveryAttempt: Int?

    /// A received message.
    public init(ackID: String, message: PubSubMessage, deliveryAttempt: Int?) {
        self.ackID = ackID
        self.message = message
        self.deliveryAttempt = deliveryAttempt
    }
}
