import Foundation

/// A set of dedicated OS threads (fixed, or growing on demand) for blocking or CPU-heavy work from async code, so that work never occupies
/// Swift's cooperative pool (where the API answers). The one way off the pool: compute (fold-in, top-K, training
/// steps), libmongoc's blocking calls and export reading each use an instance of their own, so a long job on one
/// never queues a short one on another. Jobs run in submission order; no thread is created per call.
///
/// ```swift
/// let compute = DedicatedThreadPool(threads: 2, name: "api-compute")
/// let top = try await compute.run { try model.recommend(embedding: x, k: 10) }
/// ```
///
/// Shutdown: ``shutdown()`` (or the pool's `deinit`) lets queued jobs finish, then the threads exit; work submitted
/// afterwards is refused (``run(_:)`` throws `CancellationError`, ``submit(_:)`` returns false) rather than left
/// waiting forever. The threads hold only the queue, never the pool, so dropping the last reference stops them.
///
/// Cancellation: ``run(_:)`` runs its job even if the awaiting task is cancelled (clean-up such as aborting a
/// transaction must still happen). ``run(cancellable:)`` skips a job whose task was cancelled before it started and
/// hands a running job a ``Cancellation`` to poll.
///
/// The pool is also a `TaskExecutor`: a task that prefers it (`withTaskExecutorPreference(pool) { … }`) runs its
/// nonisolated async code, blocking reads included, on these threads.
public final class DedicatedThreadPool: Sendable {
    private let queue: JobQueue
    /// Number of threads (of a growing pool: those it keeps when idle).
    public let threads: Int
    /// The threads' name prefix.
    public let name: String

    /// Starts `threads` threads (at least one), named `name-i`, with `stackSize` bytes of stack each; each thread
    /// runs `setUp` once before its first job (pinning BLAS to one thread there, say).
    ///
    /// With `growingTo`, the pool never queues a job behind busy threads: when every thread is busy it starts another
    /// (up to `growingTo` threads), and a thread beyond the first `threads` exits after `idleTimeout` seconds without
    /// work. That suits long jobs (a whole training) that must not wait for each other, while repeated short ones reuse
    /// the idle threads instead of starting one per call.
    public init(threads: Int, name: String, stackSize: Int = 8 << 20, growingTo maxThreads: Int? = nil,
                idleTimeout: Double = 30, setUp: (@Sendable () -> Void)? = nil) {
        self.threads = max(1, threads)
        self.name = name
        queue = JobQueue(name: name, stackSize: stackSize, minimum: self.threads,
                         maximum: max(self.threads, maxThreads ?? self.threads), idleTimeout: idleTimeout, setUp: setUp)
        queue.start()
    }

    deinit { queue.shutdown() }

    /// Lets the queued jobs finish, then stops the threads. Later submissions are refused.
    public func shutdown() { queue.shutdown() }

    /// Queues `job` without waiting for it (clean-up from a `deinit`, say). Returns false, without running it, once
    /// the pool is shutting down.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool { queue.submit(job) }

    /// Runs `body` on one of the threads and resumes the caller with its result; throws `CancellationError` if the
    /// pool is shutting down. The job runs even when the awaiting task is cancelled.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            if !queue.submit({ continuation.resume(with: Result { try body() }) }) {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Runs `body` on one of the threads. Cancelling the awaiting task sets the ``Cancellation`` handed to `body`
    /// (which should poll it); a job whose task was cancelled before it started does not run and the caller gets
    /// `CancellationError`, as it does when the pool is shutting down.
    public func run<T: Sendable>(cancellable body: @escaping @Sendable (Cancellation) throws -> T) async throws -> T {
        let cancellation = Cancellation()
        return try await withTaskCancellationHandler {
            try await run {
                try cancellation.check()
                return try body(cancellation)
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// A flag a running job polls; set when the task awaiting it is cancelled.
    public final class Cancellation: @unchecked Sendable {
        // @unchecked Sendable: `cancelled` is read and written under `lock`.
        private let lock = NSLock()
        private var cancelled = false

        /// A flag that is not set.
        public init() {}

        /// Sets the flag.
        public func cancel() {
            lock.lock()
            cancelled = true
            lock.unlock()
        }

        /// Whether ``cancel()`` was called.
        public var isCancelled: Bool {
            lock.lock()
            defer { lock.unlock() }
            return cancelled
        }

        /// Throws `CancellationError` when the flag is set.
        public func check() throws {
            if isCancelled { throw CancellationError() }
        }
    }
}

/// The jobs and threads of a ``DedicatedThreadPool``.
///
/// `@unchecked Sendable`: the `let`s are immutable; `jobs`, `jobHead`, `stopping`, `alive`, `idle` and `started` are
/// only touched under `condition`.
private final class JobQueue: @unchecked Sendable {
    let name: String
    let stackSize: Int
    let minimum: Int
    let maximum: Int
    let idleTimeout: Double
    let setUp: (@Sendable () -> Void)?
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var jobHead = 0
    private var stopping = false
    /// Threads started and not yet exited.
    private var alive = 0
    /// Threads waiting for a job.
    private var idle = 0
    /// Threads ever started (for names).
    private var started = 0

    init(name: String, stackSize: Int, minimum: Int, maximum: Int, idleTimeout: Double,
         setUp: (@Sendable () -> Void)?) {
        self.name = name
        self.stackSize = stackSize
        self.minimum = minimum
        self.maximum = maximum
        self.idleTimeout = idleTimeout
        self.setUp = setUp
    }

    /// Starts the `minimum` threads.
    func start() {
        condition.lock()
        defer { condition.unlock() }
        for _ in 0..<minimum { spawnLocked() }
    }

    /// Starts one thread; the caller holds `condition`.
    private func spawnLocked() {
        alive += 1
        started += 1
        let t = Thread { [self] in
            setUp?()
            work()
        }
        t.name = "\(name)-\(started - 1)"
        t.stackSize = stackSize
        t.start()
    }

    /// What a taken job's slot holds until the queue is compacted (captures nothing).
    private static let done: @Sendable () -> Void = {}

    /// Queues a job; false once the pool is shutting down.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        // More jobs waiting than idle threads to take them: a growing pool starts one more thread.
        if jobs.count - jobHead > idle && alive < maximum { spawnLocked() }
        return true
    }

    /// Lets the threads finish the queued work and exit.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// A thread's loop: runs jobs until the queue is empty and stopping (or, for a thread beyond the minimum, until
    /// it has been idle for `idleTimeout`).
    private func work() {
        while true {
            condition.lock()
            while jobHead == jobs.count && !stopping {
                idle += 1
                if alive > minimum {
                    let woken = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
                    idle -= 1
                    if !woken && jobHead == jobs.count && alive > minimum { break }
                } else {
                    condition.wait()
                    idle -= 1
                }
            }
            if jobHead == jobs.count {
                alive -= 1
                condition.unlock()
                return
            }
            // The job leaves the queue: its slot keeps a no-op, so that compacting the queue below never releases a
            // job's captures under the lock (a capture's deinit may submit to this very queue: a change stream's
            // clean-up does, and that deadlocked).
            let job = jobs[jobHead]
            jobs[jobHead] = Self.done
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
