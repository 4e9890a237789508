import Foundation
import GoogleCloud
import JWTKit
import Logging

/// The RS256/ES256 verification keys of a JWKS (file or URL), cached and fetched again when a token names a `kid`
/// the cache does not know (key rotation), at most once per `minimumRefresh`.
///
/// Only signature keys that can be checked safely are kept: `kty` RSA for RS256 and EC P-256 for ES256, each with
/// a `kid`; a key whose `alg` says otherwise, a symmetric (`oct`) key and an encryption key are skipped. Each kept
/// key is bound to its one algorithm, so a token cannot pick another (algorithm confusion).
actor JWKSKeyStore {
    /// One key set as fetched.
    struct KeySet: Sendable {
        let keys: JWTKeyCollection
        /// kid → the one algorithm the key verifies.
        let algorithms: [String: String]
    }

    private let fetch: @Sendable () async throws -> Data
    private let minimumRefresh: TimeInterval
    private let logger: Logger
    private var current = KeySet(keys: JWTKeyCollection(), algorithms: [:])
    private var lastFetch: Date?
    private var inFlight: Task<Void, Never>?

    init(fetch: @escaping @Sendable () async throws -> Data, minimumRefresh: TimeInterval, logger: Logger) {
        self.fetch = fetch
        self.minimumRefresh = minimumRefresh
        self.logger = logger
    }

    /// How a configured source is read. Both kinds stop reading past `AuthConfiguration.maximumJWKSBytes`: a file
    /// is read up to one byte more than the limit, an HTTPS body is cut off as it arrives (or at once when its
    /// `Content-Length` says more), never buffered whole first.
    static func fetcher(for source: AuthConfiguration.JWKSSource) -> @Sendable () async throws -> Data {
        let limit = AuthConfiguration.maximumJWKSBytes
        switch source {
        case .file(let url):
            return { try readFile(url, limit: limit) }
        case .url(let url):
            return {
                let request = HTTPRequest(url: url, headers: ["Accept": "application/json"], maxResponseBytes: limit, timeout: .seconds(5))
                let response: HTTPResponse
                do {
                    response = try await URLSessionTransport.shared.send(request)
                } catch HTTPTransportError.responseTooLarge {
                    throw AuthConfiguration.Invalid(description: "JWKS larger than \(limit) bytes")
                }
                guard response.status == 200 else {
                    throw AuthConfiguration.Invalid(description: "JWKS endpoint answered HTTP \(response.status)")
                }
                return response.body
            }
        }
    }

    /// At most `limit` bytes of a file (reading stops at `limit + 1`: a larger file is refused unread beyond that).
    static func readFile(_ url: URL, limit: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw AuthConfiguration.Invalid(description: "JWKS larger than \(limit) bytes") }
        return data
    }

    /// Fetches now (start-up); returns the number of usable keys.
    @discardableResult
    func load() async throws -> Int {
        let data = try await fetch()
        current = try await Self.parse(data, logger: logger)
        lastFetch = Date()
        return current.algorithms.count
    }

    /// The key set that knows `kid`, fetching again first when it does not and the last fetch is old enough.
    func keys(for kid: String) async -> KeySet? {
        if current.algorithms[kid] != nil { return current }
        if let inFlight {
            await inFlight.value
        } else if lastFetch.map({ Date().timeIntervalSince($0) >= minimumRefresh }) ?? true {
            let task = Task { await self.refresh() }
            inFlight = task
            await task.value
            inFlight = nil
        }
        return current.algorithms[kid] != nil ? current : nil
    }

    private func refresh() async {
        do {
            try await load()
            logger.info("JWKS refreshed", metadata: ["keys": "\(current.algorithms.count)"])
        } catch {
            lastFetch = Date()
            logger.warning("JWKS refresh failed; keeping the previous keys", metadata: ["error": "\(error)"])
        }
    }

    /// Parses a JWKS document key by key (an unsupported key is skipped, not fatal).
    static func parse(_ data: Data, logger: Logger) async throws -> KeySet {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any], let list = root["keys"] as? [Any] else {
            throw AuthConfiguration.Invalid(description: "JWKS is not an object with a \"keys\" array")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        for case let entry as [String: Any] in list {
            guard let kid = entry["kid"] as? String, !kid.isEmpty else { continue }
            let kty = entry["kty"] as? String, alg = entry["alg"] as? String, use = entry["use"] as? String
            if let use, use != "sig" { continue }
            if entry["d"] != nil {
                logger.warning("JWKS key holds a private part; skipped (publish public keys only)", metadata: ["kid": "\(kid)"])
                continue
            }
            let expected: String
            switch (kty, alg) {
            case ("RSA", nil), ("RSA", "RS256"?): expected = "RS256"
            case ("EC", nil), ("EC", "ES256"?):
                guard entry["crv"] as? String == "P-256" else { continue }
                expected = "ES256"
            default: continue
            }
            do {
                var jwk = try JSONDecoder().decode(JWK.self, from: JSONSerialization.data(withJSONObject: entry))
                jwk.algorithm = expected == "RS256" ? .rs256 : .es256
                try await collection.add(jwk: jwk)
                algorithms[kid] = expected
            } catch {
                logger.warning("JWKS key skipped", metadata: ["kid": "\(kid)", "error": "\(error)"])
            }
        }
        return KeySet(keys: collection, algorithms: algorithms)
    }
}
