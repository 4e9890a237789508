public import Foundation

/// How bearer tokens are checked. Read by the executable from `LODESTAR_JWT_SECRET`, `LODESTAR_JWKS_URL`,
/// `LODESTAR_JWT_ISSUER` and `LODESTAR_JWT_AUDIENCE`; the library never reads the environment.
public struct AuthConfiguration: Sendable {
    /// Where a JWKS comes from.
    public enum JWKSSource: Sendable, Equatable {
        /// A local file (`file:///etc/lodestar/jwks.json` or a plain path).
        case file(URL)
        /// An HTTP(S) endpoint (`https://idp.example.com/.well-known/jwks.json`).
        case url(URL)
    }

    /// Why a configuration is refused.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The HS256 secret (development); at least 32 bytes.
    public var hmacSecret: [UInt8]?
    /// The RS256/ES256 key set (production).
    public var jwks: JWKSSource?
    /// When set, tokens must carry exactly this `iss`.
    public var issuer: String?
    /// When set, tokens' `aud` must include it.
    public var audience: String?
    /// Tolerance for `exp`, `nbf` and `iat` against this machine's clock.
    public var clockSkew: TimeInterval
    /// The shortest time between two JWKS fetches caused by unknown `kid`s (fetches are also cached this long).
    public var jwksMinimumRefresh: TimeInterval

    /// The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size).
    public static let minimumSecretBytes = 32

    public init(hmacSecret: [UInt8]? = nil, jwks: JWKSSource? = nil, issuer: String? = nil, audience: String? = nil,
                clockSkew: TimeInterval = 30, jwksMinimumRefresh: TimeInterval = 10) throws {
        if let hmacSecret, hmacSecret.count < Self.minimumSecretBytes {
            throw Invalid(description: "LODESTAR_JWT_SECRET must be at least \(Self.minimumSecretBytes) bytes (got \(hmacSecret.count))")
        }
        guard hmacSecret != nil || jwks != nil else {
            throw Invalid(description: "no token keys: set LODESTAR_JWT_SECRET (HS256, ≥ 32 bytes) or LODESTAR_JWKS_URL (RS256/ES256)")
        }
        guard clockSkew >= 0, clockSkew <= 300 else { throw Invalid(description: "clock skew must be 0…300 s") }
        self.hmacSecret = hmacSecret
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.clockSkew = clockSkew
        self.jwksMinimumRefresh = max(0, jwksMinimumRefresh)
    }

    /// `LODESTAR_JWKS_URL`'s value as a source: `http(s)://…` or `file://…`, or a plain path.
    public static func jwksSource(_ text: String) throws -> JWKSSource {
        if text.hasPrefix("https://") || text.hasPrefix("http://") {
            guard let url = URL(string: text) else { throw Invalid(description: "LODESTAR_JWKS_URL is not a URL") }
            return .url(url)
        }
        if text.hasPrefix("file://") {
            guard let url = URL(string: text), url.isFileURL else { throw Invalid(description: "LODESTAR_JWKS_URL is not a file URL") }
            return .file(url)
        }
        guard !text.isEmpty, !text.contains("://") else {
            throw Invalid(description: "LODESTAR_JWKS_URL must be http(s)://, file:// or a path")
        }
        return .file(URL(fileURLWithPath: text))
    }
}

extension AuthConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The settings without the secret (only whether one is set), for logs and `dump`.
    public var description: String {
        "AuthConfiguration(hs256: \(hmacSecret == nil ? "off" : "on"), jwks: \(jwks.map { "\($0)" } ?? "off"), "
            + "issuer: \(issuer ?? "-"), audience: \(audience ?? "-"), clockSkew: \(clockSkew))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

