import GoogleCloud
import Logging

/// Keeps the messages the consumer holds leased: on receipt their deadline is set to the consumer's ack deadline,
/// then pushed that far ahead again every third of it, until they are acked or nacked (``forget(_:)``) or have been
/// held for `maxExtension` (then Pub/Sub redelivers them).
actor LeaseKeeper {
    let client: PubSubClient
    let subscription: String
    let deadlineSeconds: Int
    let maxExtension: Duration
    let logger: Logger
    private var held: [String: ContinuousClock.Instant] = [:]

    init(client: PubSubClient, subscription: String, deadlineSeconds: Int, maxExtension: Duration, logger: Logger) {
        self.client = client
        self.subscription = subscription
        self.deadlineSeconds = deadlineSeconds
        self.maxExtension = maxExtension
        self.logger = logger
    }

    var heldCount: Int { held.count }

    /// Starts holding `ids` and sets their deadline (in the background: the caller goes on processing).
    func track(_ ids: [String]) {
        let now = ContinuousClock.now
        for id in ids { held[id] = now }
        let client = client, subscription = subscription, seconds = deadlineSeconds, logger = logger
        Task {
            do { try await client.modifyAckDeadline(subscription: subscription, ackIDs: ids, seconds: seconds) } catch {
                logger.warning("could not set the ack deadline of received messages", metadata: ["error": "\(error)"])
            }
        }
    }

    func forget(_ ids: [String]) { for id in ids { held[id] = nil } }

    /// Extends every held message's deadline every third of it, until cancelled.
    func run() async {
        let period = Duration.seconds(max(1, deadlineSeconds / 3))
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            let now = ContinuousClock.now
            let due = held.filter { now - $0.value < maxExtension }.map(\.key)
            for id in held.keys where now - held[id]! >= maxExtension { held[id] = nil }
            guard !due.isEmpty else { continue }
            do {
                try await client.modifyAckDeadline(subscription: subscription, ackIDs: due, seconds: deadlineSeconds)
            } catch {
                logger.warning("ack deadline extension failed", metadata: ["messages": "\(due.count)", "error": "\(error)"])
            }
        }
    }
}
