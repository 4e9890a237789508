import Foundation

/// One permit per pooled client: taken (asynchronously, holding no thread) before a client is popped from the pool,
/// given back after it is pushed. `mongoc_client_pool_pop` blocks its thread when the pool is exhausted; without
/// these permits, more concurrent operations than clients could park every blocking-pool thread in `pop` while the
/// clients' holders (open cursors, change streams, transactions) wait for a thread to give theirs back — a deadlock.
/// With them a thread only pops when a client is free.
///
/// `@unchecked Sendable`: `available`, `waiters` and `head` are only touched under `lock`.
final class ClientPermits: @unchecked Sendable {
    private let lock = NSLock()
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    init(_ count: Int) { available = max(1, count) }

    /// Waits (suspending, first come first served) until a permit is free and takes it.
    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if available > 0 {
                available -= 1
                lock.unlock()
                c.resume()
            } else {
                waiters.append(c)
                lock.unlock()
            }
        }
    }

    /// Gives a permit back (to the longest waiter, if any). Callable from any thread.
    func release() {
        lock.lock()
        guard head < waiters.count else {
            available += 1
            lock.unlock()
            return
        }
        let next = waiters[head]
        head += 1
        if head > 256 && head * 2 > waiters.count {
            waiters.removeFirst(head)
            head = 0
        }
        lock.unlock()
        next.resume()
    }
}
