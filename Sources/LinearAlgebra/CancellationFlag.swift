import Foundation

/// A flag a long CPU loop polls between blocks of work; set it from anywhere (a job timeout, a task cancellation).
///
/// ``parallelFor(blocks:threads:cancellation:_:)`` checks it before each block and throws `CancellationError`.
public final class CancellationFlag: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state, `cancelled`, is read and written under `lock`.
    private let lock = NSLock()
    private var cancelled = false

    /// A flag that is not set.
    public init() {}

    /// Sets the flag; work stops at the next block boundary.
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
