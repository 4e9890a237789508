import Foundation

/// A fixed set of threads for libmongoc's blocking calls, so they never occupy Swift's cooperative pool.
///
/// `@unchecked Sendable`: the job queue is guarded by `condition`; the threads only run submitted closures.
final class BlockingPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var jobHead = 0
    private var stopping = false
    private var threads: [Thread] = []

    init(threads count: Int, name: String) {
        for i in 0..<max(1, count) {
            let t = Thread { [weak self] in self?.work() }
            t.name = "\(name)-\(i)"
            t.stackSize = 1 << 20
            threads.append(t)
            t.start()
        }
    }

    deinit { shutdown() }

    /// Stops the threads once the queued work is done.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body` on one of the pool's threads and resumes the caller with its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Queues `job` without waiting for it (used for clean-up from `deinit`).
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
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
