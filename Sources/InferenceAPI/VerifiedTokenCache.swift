import Foundation
import Synchronization

/// Principals of tokens verified recently, keyed by the exact token text: a client that sends the same token again
/// (the platform API's service token, a browser session) skips parsing and signature checking. An entry lives until
/// the token's `exp` or `maximumAge`, whichever comes first, so a key withdrawn from the JWKS stops working within
/// `maximumAge`. Only tokens that passed every check are stored; a forged or altered token never matches one.
final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let principal: Principal
        let validUntil: Date
    }
    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int
    private let maximumAge: TimeInterval

    init(capacity: Int = 10_000, maximumAge: TimeInterval = 60) {
        self.capacity = max(1, capacity)
        self.maximumAge = maximumAge
    }

    func principal(for token: String, now: Date) -> Principal? {
        entries.withLock { map in
            guard let e = map[token] else { return nil }
            guard e.validUntil > now else {
                map[token] = nil
                return nil
            }
            return e.principal
        }
    }

    func store(_ principal: Principal, for token: String, expires: Date, now: Date) {
        let until = min(expires, now.addingTimeInterval(maximumAge))
        guard until > now else { return }
        entries.withLock { map in
            if map.count >= capacity {
                // Expired entries first; if none, an arbitrary tenth (the cache is an optimisation only).
                map = map.filter { $0.value.validUntil > now }
                if map.count >= capacity { for k in map.keys.prefix(max(1, capacity / 10)) { map[k] = nil } }
            }
            map[token] = Entry(principal: principal, validUntil: until)
        }
    }
}
