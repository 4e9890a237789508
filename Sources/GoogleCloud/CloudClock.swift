public import Foundation

/// Time as the Google Cloud clients see it: the wall clock (token expiry, JWT `iat`/`exp`) and sleeping between
/// retries. Tests inject a fake so that nothing sleeps for real and expiry can be reached at once.
///
/// ```swift
/// let clock = CloudClock(now: { fakeNow.value }, sleep: { d in await recorder.record(d) })
/// ```
public struct CloudClock: Sendable {
    /// The current wall-clock time.
    public var now: @Sendable () -> Date
    /// Suspends for a duration (throws when the task is cancelled).
    public var sleep: @Sendable (Duration) async throws -> Void

    /// A clock from two functions.
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The system clock and `Task.sleep`.
    public static let system = CloudClock(now: { Date() }, sleep: { try await Task.sleep(for: $0) })
}
