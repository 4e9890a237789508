/// How a failed run is retried: up to `maxRetries` more attempts, waiting `initial`, then (exponential) twice as
/// long each time up to `maxDelay`, with full jitter on the upper half (a delay `d` becomes a uniform draw in
/// `[d/2, d]`), so replicas that failed together do not retry together.
///
/// ```yaml
/// retries: {max: 3, backoff: exponential, initial: 1m, max_delay: 30m}
/// ```
public struct RetryPolicy: Sendable, Hashable {
    public enum Backoff: String, Sendable, Hashable {
        case exponential, fixed
    }

    /// Retries after the first attempt (0: a failure is final).
    public var maxRetries: Int
    public var backoff: Backoff
    public var initial: Duration
    public var maxDelay: Duration
    /// Randomise each delay in `[d/2, d]` (on by default).
    public var jitter: Bool

    public init(maxRetries: Int = 0, backoff: Backoff = .exponential, initial: Duration = .seconds(60),
                maxDelay: Duration = .seconds(3600), jitter: Bool = true) {
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.initial = initial
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// Attempts in all (first run plus retries).
    public var maxAttempts: Int { maxRetries + 1 }

    /// The wait before attempt `failedAttempt + 1`, given a uniform draw `unit` in `[0, 1)`.
    public func delay(afterAttempt failedAttempt: Int, unit: Double) -> Duration {
        let base = initial.seconds
        let factor: Double = backoff == .fixed ? 1 : Double(1 << UInt64(min(max(failedAttempt - 1, 0), 30)))
        var d = min(base * factor, maxDelay.seconds)
        if jitter { d = d / 2 + d / 2 * min(max(unit, 0), 1) }
        return .milliseconds(Int64((d * 1000).rounded()))
    }
}
