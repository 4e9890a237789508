import Foundation

/// A flag set once and read from any task: "this index exists", remembered by a `Sendable` value type.
final class OnceFlag: @unchecked Sendable {
    // `@unchecked`: `ready` is guarded by `lock`.
    private let lock = NSLock()
    private var ready = false

    var isReady: Bool { lock.withLock { ready } }
    func markReady() { lock.withLock { ready = true } }
}
