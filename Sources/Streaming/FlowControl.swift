/// Flow control: how many messages and bytes the consumer holds (pulled, not yet acked or nacked). A pull starts only
/// while both are under their limits, and asks for no more messages than the room left.
actor FlowControl {
    let maxMessages: Int
    let maxBytes: Int
    private(set) var messages = 0
    private(set) var bytes = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = max(1, maxMessages)
        self.maxBytes = max(1, maxBytes)
    }

    var hasRoom: Bool { messages < maxMessages && bytes < maxBytes }
    /// Messages that may still be pulled.
    var room: Int { max(0, maxMessages - messages) }

    /// Returns once there is room (or at once when `stop` is set; call `wakeAll` after setting it).
    func waitForRoom(_ stop: StopSignal) async {
        while !hasRoom && !stop.isStopped {
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    func acquire(messages n: Int, bytes b: Int) {
        messages += n
        bytes += b
    }

    func release(messages n: Int, bytes b: Int) {
        messages = max(0, messages - n)
        bytes = max(0, bytes - b)
        wakeAll()
    }

    func wakeAll() {
        let w = waiters
        waiters = []
        for c in w { c.resume() }
    }
}
