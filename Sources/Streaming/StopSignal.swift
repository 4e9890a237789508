import Foundation

/// The consumer's stop switch: set on graceful shutdown; cancels the pulls in progress (a pull may wait for messages
/// for a long time) and tells the loops not to start new work.
final class StopSignal: @unchecked Sendable {
    // @unchecked: `stopped` and `tasks` are only touched under `lock`.
    private let lock = NSLock()
    private var stopped = false
    private var tasks: [UUID: @Sendable () -> Void] = [:]

    var isStopped: Bool { lock.withLock { stopped } }

    func trigger() {
        let cancels: [@Sendable () -> Void] = lock.withLock {
            stopped = true
            defer { tasks = [:] }
            return Array(tasks.values)
        }
        for c in cancels { c() }
    }

    /// Runs `body` in a task that `trigger()` cancels; throws `CancellationError` when stopped first.
    func cancellable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let id = UUID()
        let registered: Bool = lock.withLock {
            guard !stopped else { return false }
            tasks[id] = { task.cancel() }
            return true
        }
        if !registered { task.cancel() }
        defer { lock.withLock { _ = tasks.removeValue(forKey: id) } }
        return try await task.value
    }
}
