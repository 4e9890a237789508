public import DedicatedThreads
import Foundation

/// Runs `body(block, thread)` for every block in `0..<blocks` on `threads` dedicated OS threads (the caller's thread is
/// one of them), handing out blocks dynamically. Returns when every block ran; rethrows the first error.
///
/// Long CPU loops run here rather than on Swift's cooperative pool, which must not be blocked. `thread` is in
/// `0..<threads`, so a caller can keep per-thread scratch. The result of a block must not depend on which thread ran it
/// if the caller wants determinism: blocks are assigned dynamically.
///
/// Between blocks the `cancellation` flag is checked; once it is set no new block starts and `CancellationError` is
/// thrown.
///
/// ```swift
/// try parallelFor(blocks: 100, threads: 2) { block, thread in work(on: block, scratch: scratch[thread]) }
/// ```
public func parallelFor(
    blocks: Int, threads: Int, cancellation: CancellationFlag? = nil,
    _ body: @Sendable (_ block: Int, _ thread: Int) throws -> Void
) throws {
    guard blocks > 0 else {
        try cancellation?.check()
        return
    }
    let workers = max(1, min(threads, blocks))
    let state = ParallelState()
    withoutActuallyEscaping(body) { body in
        let work: @Sendable (Int) -> Void = { thread in
            while let block = state.next(limit: blocks) {
                if cancellation?.isCancelled == true {
                    state.fail(CancellationError())
                    return
                }
                do {
                    try body(block, thread)
                } catch {
                    state.fail(error)
                    return
                }
            }
        }
        // The threads reach `body` only through `box`, which is emptied before this scope ends: a Thread object keeps
        // its block alive until the OS thread exits, which may be after `group.wait()` returns.
        let box = WorkBox(work)
        let group = DispatchGroup()
        for t in 1..<workers {
            group.enter()
            let thread = Thread {
                box.run(t)
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        work(0)
        group.wait()
        box.clear()
    }
    if let error = state.error { throw error }
}

/// Runs blocking work on a dedicated OS thread and awaits its result, so an async caller never blocks the
/// cooperative pool. Cancelling the awaiting task sets the flag handed to `body`, which should poll it (for instance
/// through ``parallelFor(blocks:threads:cancellation:_:)``); work whose task was cancelled before it started does not
/// run (`CancellationError`).
///
/// The threads come from one shared growing pool (``dedicatedThreads``): a call never waits behind another (a whole
/// training does not hold up a learner's refresh), and repeated calls reuse idle threads rather than start one each.
public func runOnDedicatedThread<T: Sendable>(
    _ body: @escaping @Sendable (CancellationFlag) throws -> T
) async throws -> T {
    let flag = CancellationFlag()
    return try await withTaskCancellationHandler {
        try await dedicatedThreads.run {
            try flag.check()
            return try body(flag)
        }
    } onCancel: {
        flag.cancel()
    }
}

/// The threads of ``runOnDedicatedThread(_:)``: one kept ready, more started whenever all are busy (a job never
/// queues), those beyond the first leaving after 30 s idle. Separate from the request-time ``ComputeThreads`` and
/// from libmongoc's threads, so long jobs here never starve those.
let dedicatedThreads = DedicatedThreadPool(threads: 1, name: "lodestar-dedicated", growingTo: 4096, idleTimeout: 30)

/// The shared block counter and first error of one ``parallelFor(blocks:threads:cancellation:_:)`` call.
private final class ParallelState: @unchecked Sendable {
    // @unchecked Sendable: `nextBlock`, `firstError` and `stopped` are only touched under `lock`.
    private let lock = NSLock()
    private var nextBlock = 0
    private var firstError: (any Error)?
    private var stopped = false

    func next(limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, nextBlock < limit else { return nil }
        nextBlock += 1
        return nextBlock - 1
    }

    func fail(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if firstError == nil { firstError = error }
        stopped = true
    }

    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return firstError
    }
}

/// Holds the worker closure of one ``parallelFor(blocks:threads:cancellation:_:)`` call so it can be dropped before the
/// non-escaping body goes out of scope.
private final class WorkBox: @unchecked Sendable {
    // @unchecked Sendable: `work` is set in init, read by workers before they leave the dispatch group, and cleared by
    // the caller only after `group.wait()`, so the group orders every access.
    private var work: (@Sendable (Int) -> Void)?

    init(_ work: @escaping @Sendable (Int) -> Void) { self.work = work }

    func run(_ thread: Int) {
        if let work { work(thread) }
    }

    func clear() { work = nil }
}
