import GoogleCloud
import Logging
import Metrics

/// Sends acknowledgements (and nacks) in the background, up to `concurrency` requests at once, so a slow or stalled
/// request (see `URLSessionTransport` on keep-alive resets) holds up neither the pullers nor the other acks. A
/// message leaves the consumer's flow-control budget and lease keeping once its ack or nack has been answered (or
/// has failed after its retries: Pub/Sub then redelivers it, and the idempotent apply counts it once).
actor Acknowledger {
    enum Kind: Sendable { case ack, nack }
    struct Item: Sendable {
        let kind: Kind
        let ids: [String]
        let bytes: Int
        /// For a nack: seconds until redelivery (0: at once).
        var delay = 0
    }

    let client: PubSubClient
    let subscription: String
    let concurrency: Int
    let leases: LeaseKeeper
    let flow: FlowControl
    let logger: Logger
    private var queue: [Item] = []
    private var running = 0
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    init(client: PubSubClient, subscription: String, concurrency: Int, leases: LeaseKeeper, flow: FlowControl, logger: Logger) {
        self.client = client
        self.subscription = subscription
        self.concurrency = max(1, concurrency)
        self.leases = leases
        self.flow = flow
        self.logger = logger
    }

    func ack(_ ids: [String], bytes: Int) { enqueue(Item(kind: .ack, ids: ids, bytes: bytes)) }
    /// Hands messages back for redelivery after `delay` seconds (`modifyAckDeadline`; 0 is a plain nack).
    func nack(_ ids: [String], bytes: Int, delay: Int = 0) { enqueue(Item(kind: .nack, ids: ids, bytes: bytes, delay: max(0, min(600, delay)))) }

    private func enqueue(_ item: Item) {
        guard !item.ids.isEmpty else { return }
        queue.append(item)
        kick()
    }

    private func kick() {
        while running < concurrency, !queue.isEmpty {
            let item = queue.removeFirst()
            running += 1
            Task { await self.send(item) }
        }
        if running == 0, queue.isEmpty {
            let w = drainWaiters
            drainWaiters = []
            for c in w { c.resume() }
        }
    }

    private func send(_ item: Item) async {
        do {
            switch item.kind {
            case .ack: try await client.acknowledge(subscription: subscription, ackIDs: item.ids)
            case .nack: try await client.modifyAckDeadline(subscription: subscription, ackIDs: item.ids, seconds: item.delay)
            }
            Counter(label: "lodestar_stream_acks_total", dimensions: [("kind", item.kind == .ack ? "ack" : "nack")]).increment(by: item.ids.count)
        } catch {
            Counter(label: "lodestar_stream_ack_errors_total").increment(by: item.ids.count)
            logger.warning("\(item.kind == .ack ? "ack" : "nack") failed; the messages will be redelivered and deduplicated",
                           metadata: ["messages": "\(item.ids.count)", "error": "\(error)"])
        }
        await leases.forget(item.ids)
        await flow.release(messages: item.ids.count, bytes: item.bytes)
        running -= 1
        kick()
    }

    /// Returns once every queued ack and nack has been answered.
    func drain() async {
        if running == 0, queue.isEmpty { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }
}
