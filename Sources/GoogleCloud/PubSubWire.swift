import Foundation

/// The JSON of the Pub/Sub v1 REST API (what goes over the wire); mapped to the public types by ``PubSubClient``.
enum PubSubWire {
    struct Message: Codable {
        var data: String?
        var attributes: [String: String]?
        var messageId: String?
        var publishTime: String?
        var orderingKey: String?
    }

    struct PublishRequest: Encodable { let messages: [Message] }
    struct PublishResponse: Decodable { let messageIds: [String]? }

    struct Topic: Decodable { let name: String }

    struct DeadLetterPolicy: Codable {
        var deadLetterTopic: String?
        var maxDeliveryAttempts: Int?
    }

    struct Subscription: Codable {
        var name: String?
        var topic: String
        var ackDeadlineSeconds: Int?
        var deadLetterPolicy: DeadLetterPolicy?
        var enableMessageOrdering: Bool?
    }

    struct PullRequest: Encodable { let maxMessages: Int }
    struct ReceivedMessage: Decodable {
        let ackId: String?
        let message: Message?
        let deliveryAttempt: Int?
    }
    struct PullResponse: Decodable { let receivedMessages: [ReceivedMessage]? }

    struct AcknowledgeRequest: Encodable { let ackIds: [String] }
    struct ModifyAckDeadlineRequest: Encodable {
        let ackIds: [String]
        let ackDeadlineSeconds: Int
    }
}
