import Foundation

/// A fixed set of dedicated OS threads for short CPU work from async code (a request's fold-in, top-K and
/// explanations): the work never runs on Swift's cooperative pool or an event loop, and unlike
/// ``runOnDedicatedThread(_:)`` no thread is created per call. Jobs run in submission order.
///
/// ```swift
/// let compute = ComputeThreads(count: 2, name: "api-compute")
/// let top = try await compute.run { try model.recommend(embedding: x, k: 10) }
/// ```
///
/// The threads hold only the queue, so the pool's `deinit` can stop them.
public final class ComputeThreads: Sendable {
    private let queue: JobQueue
    /// Number of threads.
    public let count: Int

    /// Starts `count` threads (at least one), named `name-i`.
    public init(count: Int, name: String) {
        self.count = max(1, count)
        let queue = JobQueue()
        self.queue = queue
        for i in 0..<self.count {
            let t = Thread { queue.work() }
            t.name = "\(name)-\(i)"
            t.stackSize = 8 << 20
            t.start()
        }
    }

    deinit { queue.shutdown() }

    /// Runs `body` on one of the threads and resumes the caller with its result (BLAS pinned to one thread there).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            if !queue.submit({ continuation.resume(with: Result { try body() }) }) {
                continuation.resume(throwing: CancellationError())
            }
        }
    }
}

/// The jobs of a `ComputeThreads`, shared by its threads.
///
/// `@unchecked Sendable`: `jobs`, `jobHead` and `stopping` are only touched under `condition`.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var jobHead = 0
    private var stopping = false

    /// Queues a job; false once the pool is shutting down.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets the threads finish the queued work and exit.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func work() {
        BLASThreads.pin()
        while true {
            condition.lock()
            while jobHead == jobs.count && !stopping { condition.wait() }
            if jobHead == jobs.count && stopping {
                condition.unlock()
                return
            }
            let job = jobs[jobHead]
            jobHead += 1
            if jobHead > 1024 && jobHead * 2 > jobs.count {
                jobs.removeFirst(jobHead)
                jobHead = 0
            }
            condition.unlock()
            job()
        }
    }
}
