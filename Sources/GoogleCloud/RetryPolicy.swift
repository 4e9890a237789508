/// When and how long to wait before trying a Google Cloud call again: exponential backoff with jitter.
///
/// Retried: HTTP 408, 429, 500, 502, 503, 504 and transient transport failures (connection refused/reset, timeout).
/// The delay before retry *n* (1-based) is drawn uniformly from `[b/2, b]` with `b = min(maxDelay, initialDelay ·
/// multiplier^(n-1))`; a `Retry-After` header in seconds raises it (never above `maxDelay`).
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// The backoff before the first retry (before jitter).
    public var initialDelay: Duration
    /// The largest backoff.
    public var maxDelay: Duration
    /// Growth per retry.
    public var multiplier: Double

    /// A policy; the defaults (5 attempts, 250 ms doubling up to 16 s) ride out a short outage of a few seconds.
    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(16),
                multiplier: Double = 2)
    {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = max(1, multiplier)
    }

    /// The default policy.
    public static let `default` = RetryPolicy()
    /// One attempt, no retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether an HTTP status is worth retrying.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// The un-jittered backoff before retry `retry` (1-based).
    public func backoff(retry: Int) -> Duration {
        let initial = Self.seconds(initialDelay)
        let cap = Self.seconds(maxDelay)
        let exponent = Double(max(0, min(retry - 1, 60)))
        let b = min(cap, initial * power(multiplier, exponent))
        return .nanoseconds(Int64((b * 1e9).rounded()))
    }

    /// The delay before retry `retry` (1-based): jitter in `[b/2, b]`, raised to `retryAfter` when the server gave
    /// one, never above `maxDelay`.
    public func delay<R: RandomNumberGenerator>(retry: Int, retryAfter: Duration? = nil, using rng: inout R) -> Duration {
        let b = Self.seconds(backoff(retry: retry))
        var d = b / 2 + Double.random(in: 0...1, using: &rng) * (b / 2)
        if let retryAfter { d = max(d, min(Self.seconds(retryAfter), Self.seconds(maxDelay))) }
        return .nanoseconds(Int64((d * 1e9).rounded()))
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    private func power(_ base: Double, _ exponent: Double) -> Double {
        var r = 1.0
        var k = 0
        while Double(k) < exponent { r *= base; k += 1; if r > 1e12 { break } }
        return r
    }
}
