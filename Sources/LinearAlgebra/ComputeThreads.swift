import DedicatedThreads

/// A fixed set of dedicated OS threads for short CPU work from async code (a request's fold-in, top-K and
/// explanations), with OpenBLAS pinned to one thread on each: the work never runs on Swift's cooperative pool or an
/// event loop, and no thread is created per call. Jobs run in submission order.
///
/// A thin front over the one pool implementation, `DedicatedThreadPool` (module `DedicatedThreads`): shutdown when
/// the last reference goes (queued work finishes first), and `CancellationError` for work submitted after.
///
/// ```swift
/// let compute = ComputeThreads(count: 2, name: "api-compute")
/// let top = try await compute.run { try model.recommend(embedding: x, k: 10) }
/// ```
public final class ComputeThreads: Sendable {
    private let pool: DedicatedThreadPool
    /// Number of threads.
    public let count: Int

    /// Starts `count` threads (at least one), named `name-i`.
    public init(count: Int, name: String) {
        pool = DedicatedThreadPool(threads: count, name: name, setUp: { BLASThreads.pin() })
        self.count = pool.threads
    }

    /// Runs `body` on one of the threads and resumes the caller with its result (BLAS pinned to one thread there).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.run(body)
    }
}
