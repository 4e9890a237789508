import ArgumentParser
import Foundation
import GoogleCloud

/// `lodestar pubsub create-topic|create-subscription`: the Pub/Sub resources the consumer reads (Google's or the
/// emulator's, by the usual configuration). An existing resource is reported and left as it is (exit 0).
struct PubSubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubsub", abstract: "Create the Pub/Sub topic and subscription the consumer reads.",
        subcommands: [CreateTopic.self, CreateSubscription.self])

    struct CreateTopic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-topic", abstract: "Create a topic.")
        @Argument(help: "Topic id (or projects/P/topics/T).") var topic: String

        func run() async throws {
            let client = try await Configuration().googleCloud.pubSubClient()
            do {
                let t = try await client.createTopic(topic)
                print("created topic \(t.name)")
            } catch let e as GoogleCloudError where e.status == 409 {
                print("topic \(try client.topicPath(topic)) already exists")
            }
        }
    }

    struct CreateSubscription: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-subscription", abstract: "Create a subscription.")
        @Argument(help: "Subscription id (or projects/P/subscriptions/S).") var subscription: String
        @Option(help: "Its topic.") var topic: String
        @Option(help: "Ack deadline in seconds (10…600); the consumer extends it while it holds a message.") var ackDeadline = 60
        @Option(help: "Dead-letter topic: messages that failed --max-delivery-attempts times go there.") var deadLetterTopic: String?
        @Option(help: "Deliveries before dead-lettering (5…100).") var maxDeliveryAttempts = 5
        @Flag(help: "Deliver messages of one ordering key (a learner, with `lodestar publish`) in order.") var ordering = false

        func validate() throws {
            try FlagRange.check(ackDeadline, 10...600, "--ack-deadline")
            try FlagRange.check(maxDeliveryAttempts, 5...100, "--max-delivery-attempts")
        }

        func run() async throws {
            let client = try await Configuration().googleCloud.pubSubClient()
            let settings = PubSubSubscription(
                name: subscription, topic: topic, ackDeadlineSeconds: ackDeadline,
                deadLetterPolicy: deadLetterTopic.map { PubSubDeadLetterPolicy(deadLetterTopic: $0, maxDeliveryAttempts: maxDeliveryAttempts) },
                enableMessageOrdering: ordering)
            do {
                let s = try await client.createSubscription(settings)
                print("created subscription \(s.name) on \(s.topic)" + (s.deadLetterPolicy.map { ", dead letters to \($0.deadLetterTopic) after \($0.maxDeliveryAttempts)" } ?? ""))
            } catch let e as GoogleCloudError where e.status == 409 {
                print("subscription \(try client.subscriptionPath(subscription)) already exists")
            }
        }
    }
}
