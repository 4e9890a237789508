import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a thread of Swift's cooperative pool.
///
/// Test fixtures generate exports and compute expectations synchronously; on the pool (two threads on a 2-core
/// machine) that work would starve every other suite's tasks for seconds — lease heartbeats included — and make
/// timing-dependent tests fail for reasons that have nothing to do with the code under test.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        let thread = Thread { c.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
