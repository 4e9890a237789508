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
/// `@unchecked Sendable`: the job queue is guarded by `condition`; the threads only run submitted closures.
public final class ComputeThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var jobHead = 0
    private var stopping = false
    /// Number of threads.
    public let count: Int

    /// Starts `count` threads (at least one), named `name-i`.
    public init(count: Int, name: String) {
        self.count = max(1, count)
        for i in 0..<self.count {
            let t = Thread { [weak self] in self?.work() }
            t.name = "\(name)-\(i)"
            t.stackSize = 8 << 20
            t.start()
        }
    }

    deinit { shutdown() }

    /// Lets the threads finish the queued work and exit.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body` on one of the threads and resumes the caller with its result (BLAS pinned to one thread there).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: CancellationError())
                return
            }
            jobs.append { continuation.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }

    private func work() {
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
