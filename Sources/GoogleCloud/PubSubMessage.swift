public import Foundation

/// A Pub/Sub message: what is published, and the message part of what is pulled (with the server's `messageId` and
/// `publishTime`).
public struct PubSubMessage: Sendable, Hashable {
    /// The payload (sent base64-encoded on the wire).
    public var data: Data
    /// Attributes (string to string).
    public var attributes: [String: String]
    /// Messages with the same key are delivered in publish order to subscriptions with message ordering enabled.
    public var orderingKey: String?
    /// Set by the server.
    public var messageID: String?
    /// Set by the server.
    public var publishTime: Date?

    /// A message to publish.
    public init(data: Data, attributes: [String: String] = [:], orderingKey: String? = nil) {
        self.data = data
        self.attributes = attributes
        self.orderingKey = orderingKey.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A message as received.
    public init(data: Data, attributes: [String: String], orderingKey: String?, messageID: String?, publishTime: Date?) {
        self.init(data: data, attributes: attributes, orderingKey: orderingKey)
        self.messageID = messageID
        self.publishTime = publishTime
    }
}
