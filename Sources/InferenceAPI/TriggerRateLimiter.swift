import Foundation

/// A token bucket per tenant for the job triggers of non-platform roles (`POST /v1/jobs/{name}/runs` by a
/// `data_scientist`): a tenant may trigger `burst` runs at once and `perMinute` a minute after that; beyond, the
/// route answers `429 rate_limited` with `Retry-After` (seconds until a token is back). The buckets live in this API
/// process: N replicas behind a load balancer allow up to N times the rate, which the job file's `max_queued` bounds
/// anyway (at most that many runs of a (job, tenant) queued or running, whatever the rate).
final class TriggerRateLimiter: @unchecked Sendable {
    // `@unchecked`: `buckets` is guarded by `lock`.
    /// Triggers a tenant may make at once.
    let burst: Double
    /// Tokens back per minute.
    let perMinute: Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    /// Buckets kept before full ones are forgotten (a full bucket is the same as none).
    static let maximumBuckets = 10_000

    /// The defaults: 10 at once, 10 a minute.
    init(burst: Int = 10, perMinute: Int = 10) {
        self.burst = Double(max(1, burst))
        self.perMinute = Double(max(1, perMinute))
    }

    /// Takes a token of `tenant`'s bucket: `nil` when there was one, else the seconds until there is.
    func take(_ tenant: String, now: ContinuousClock.Instant = .now) -> Int? {
        lock.withLock {
            var (tokens, at) = buckets[tenant] ?? (burst, now)
            let elapsed = now - at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(burst, tokens + max(0, seconds) * perMinute / 60)
            if tokens >= 1 {
                buckets[tenant] = (tokens - 1, now)
                if buckets.count > Self.maximumBuckets { forgetFull(now) }
                return nil
            }
            buckets[tenant] = (tokens, now)
            return max(1, Int(((1 - tokens) * 60 / perMinute).rounded(.up)))
        }
    }

    /// Drops the buckets that have refilled (called with `lock` held).
    private func forgetFull(_ now: ContinuousClock.Instant) {
        buckets = buckets.filter { _, b in
            let elapsed = now - b.at
            return b.tokens + Double(elapsed.components.seconds) * perMinute / 60 < burst
        }
    }
}
