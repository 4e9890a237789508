import DedicatedThreads
import Foundation
import Testing

/// The one dedicated-thread pool: work runs off the cooperative pool, shutdown refuses new work instead of hanging,
/// cancellation reaches queued and running jobs, and a growing pool never queues a job behind busy threads.
@Suite("DedicatedThreadPool")
struct DedicatedThreadPoolTests {
    @Test("runs jobs on its own named threads and returns their results and errors")
    func runsOnItsThreads() async throws {
        let threads = ThreadSet()
        let pool = DedicatedThreadPool(threads: 2, name: "pool-test", setUp: { threads.insertCurrent() })
        #expect(try await pool.run { threads.containsCurrent() }, "ran on a pool thread")
        #expect(threads.containsCurrent() == false, "the test's own thread is not one of them")
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await pool.run { () throws -> Int in throw Boom() } }
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<50 { group.addTask { try await pool.run { i * 2 } } }
            return try await group.reduce(0, +)
        }
        #expect(sums == 2450)
    }

    @Test("a job's captures whose deinit submits to the same pool never deadlock it, also when the queue compacts")
    func deinitThatSubmitsDoesNotDeadlock() async throws {
        // As a change stream's handle does: the last reference to it goes with a job, and its deinit queues clean-up.
        final class Handle: Sendable {
            let pool: DedicatedThreadPool
            let cleaned: Counter
            init(pool: DedicatedThreadPool, cleaned: Counter) {
                self.pool = pool
                self.cleaned = cleaned
            }
            deinit {
                let cleaned = cleaned
                pool.submit { cleaned.increment() }
            }
        }
        let pool = DedicatedThreadPool(threads: 1, name: "pool-deinit")
        let cleaned = Counter()
        // More than the queue's compaction threshold (1,024 taken jobs), each the last owner of a handle.
        for _ in 0..<3_000 {
            let handle = Handle(pool: pool, cleaned: cleaned)
            pool.submit { _ = handle.pool }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while cleaned.value < 3_000 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(cleaned.value == 3_000, "every handle's clean-up ran: the pool is not deadlocked")
        #expect(try await pool.run { 7 } == 7)
    }

    @Test("after shutdown, run throws CancellationError and submit refuses (no caller waits forever)")
    func shutdownRefuses() async throws {
        let pool = DedicatedThreadPool(threads: 1, name: "pool-shutdown")
        #expect(try await pool.run { 1 } == 1)
        pool.shutdown()
        await #expect(throws: CancellationError.self) { try await pool.run { 2 } }
        #expect(pool.submit {} == false)
    }

    @Test("a job queued behind a busy thread is skipped when its task is cancelled; a running one sees the flag")
    func cancellation() async throws {
        let pool = DedicatedThreadPool(threads: 1, name: "pool-cancel")
        let started = DispatchSemaphore(value: 0)
        let running = Task {
            try await pool.run(cancellable: { flag in
                started.signal()
                while !flag.isCancelled { usleep(1000) }
                return "saw the flag"
            })
        }
        started.wait()
        let ran = Cancellation()
        let queued = Task { try await pool.run(cancellable: { _ in ran.cancel() }) }
        queued.cancel()
        running.cancel()
        #expect(try await running.value == "saw the flag")
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(!ran.isCancelled, "the queued job did not run")
    }

    @Test("a growing pool starts a thread when all are busy, so a short job never waits behind a long one")
    func growingPoolDoesNotQueue() async throws {
        let pool = DedicatedThreadPool(threads: 1, name: "pool-grow", growingTo: 8, idleTimeout: 0.2)
        let release = DispatchSemaphore(value: 0)
        let long = Task { try await pool.run { release.wait() } }
        // The long job holds the first thread until it is released, so the short one can finish only on a second
        // thread. No time bound (a loaded machine may take seconds to start a thread): a watchdog of 60 s turns a
        // short job stuck behind the long one into a failure instead of a hang.
        let result = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await pool.run { 42 } }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = try await group.next() ?? nil
            if first == nil { release.signal() }  // let a stuck short job finish, so the group can end
            group.cancelAll()
            return first
        }
        #expect(result == 42, "the short job ran while the long one held the first thread")
        release.signal()
        try await long.value
    }

    @Test("a task preferring the pool runs its nonisolated async code on the pool's threads")
    func taskExecutor() async throws {
        let threads = ThreadSet()
        let pool = DedicatedThreadPool(threads: 1, name: "pool-executor", setUp: { threads.insertCurrent() })
        let onPool = await withTaskExecutorPreference(pool) { await onThread(of: threads) }
        #expect(onPool, "the async function ran on the pool's thread")
    }
}

private typealias Cancellation = DedicatedThreadPool.Cancellation

private nonisolated func onThread(of threads: ThreadSet) async -> Bool {
    await Task.yield()
    return threads.containsCurrent()
}

/// The threads a pool's `setUp` ran on (thread names are not reliable on Linux Foundation).
private final class ThreadSet: @unchecked Sendable {
    // @unchecked Sendable: `ids` is only touched under `lock`.
    private let lock = NSLock()
    private var ids: Set<ObjectIdentifier> = []

    func insertCurrent() {
        let id = ObjectIdentifier(Thread.current)
        lock.lock()
        ids.insert(id)
        lock.unlock()
    }

    func containsCurrent() -> Bool {
        let id = ObjectIdentifier(Thread.current)
        lock.lock()
        defer { lock.unlock() }
        return ids.contains(id)
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: `count` is read and written under `lock`.
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
