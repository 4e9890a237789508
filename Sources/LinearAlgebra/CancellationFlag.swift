public import DedicatedThreads

/// A flag a long CPU loop polls between blocks of work; set it from anywhere (a job timeout, a task cancellation).
/// It is the dedicated-thread pool's own flag (one implementation), so ``runOnDedicatedThread(_:)`` hands the pool's
/// flag straight to the work.
///
/// ``parallelFor(blocks:threads:cancellation:_:)`` checks it before each block and throws `CancellationError`.
public typealias CancellationFlag = DedicatedThreadPool.Cancellation
