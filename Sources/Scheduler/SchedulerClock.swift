public import Foundation

/// The scheduler's time: wall-clock readings (due times, lease expiries written to MongoDB) and sleeps. Injected so
/// that policy tests run on a manual clock in milliseconds.
public protocol SchedulerClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Suspends for `duration` of this clock's time (throws `CancellationError` when the task is cancelled).
    func sleep(for duration: Duration) async throws
}

/// The system clock: `Date()` and `Task.sleep`.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Date {
    /// Rounded to the millisecond as a BSON date keeps it (`BSON.date`), so values read back compare equal.
    var bsonMillis: Date { Date(timeIntervalSince1970: Double(Int64((timeIntervalSince1970 * 1000).rounded())) / 1000) }

    func adding(_ d: Duration) -> Date { addingTimeInterval(d.seconds).bsonMillis }
}
