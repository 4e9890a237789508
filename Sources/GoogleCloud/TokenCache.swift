public import Foundation

/// Caches a token and fetches a new one shortly before it expires; concurrent callers share one fetch.
///
/// A token is refreshed `refreshMargin` before its expiry (or at half its lifetime when that is shorter). When a
/// refresh fails while the cached token is still valid, the cached token is used and the next call tries again.
public actor TokenCache {
    /// Fetches a fresh token (the credential-specific part).
    public typealias Fetch = @Sendable () async throws -> AccessToken

    private let fetch: Fetch
    private let clock: CloudClock
    private let refreshMargin: TimeInterval
    private var current: AccessToken?
    private var refreshAt: Date = .distantPast
    private var inFlight: Task<AccessToken, any Error>?
    /// Fetches made so far (for tests and metrics).
    public private(set) var fetches = 0

    /// A cache over `fetch`; `refreshMargin` defaults to 5 minutes.
    public init(clock: CloudClock = .system, refreshMargin: TimeInterval = 300, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.clock = clock
        self.refreshMargin = refreshMargin
    }

    /// A valid token, fetched when none is cached or the cached one is due for refresh.
    public func token() async throws -> AccessToken {
        let now = clock.now()
        if let current, now < refreshAt { return current }
        let task: Task<AccessToken, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let fetch = self.fetch
            task = Task { try await fetch() }
            inFlight = task
            fetches += 1
        }
        do {
            let fresh = try await task.value
            if inFlight == task {
                inFlight = nil
                install(fresh, at: now)
            }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let current, clock.now() < current.expiresAt { return current }
            throw error
        }
    }

    /// Forgets `token` if it is the cached one (the server refused it).
    public func invalidate(_ token: AccessToken) {
        if current == token {
            current = nil
            refreshAt = .distantPast
        }
    }

    private func install(_ token: AccessToken, at fetchedAt: Date) {
        current = token
        let lifetime = token.expiresAt.timeIntervalSince(fetchedAt)
        refreshAt = token.expiresAt.addingTimeInterval(-min(refreshMargin, max(0, lifetime / 2)))
    }
}
