public import Foundation

/// How bearer tokens are checked. Read by the executable from `LODESTAR_JWT_SECRET`, `LODESTAR_JWKS_URL`,
/// `LODESTAR_JWT_ISSUER`, `LODESTAR_JWT_AUDIENCE` and `LODESTAR_ALLOW_DEV_TOKENS`; the library never reads the
/// environment.
///
/// With a JWKS (production) the issuer and the audience are required, and HS256 (development) tokens are refused
/// even when a secret is set, unless `allowDevTokens` says otherwise:
///
/// ```swift
/// let auth = try AuthConfiguration(jwks: try AuthConfiguration.jwksSource("https://idp.example/.well-known/jwks.json"),
///                                  issuer: "https://idp.example/", audience: "lodestar")
/// ```
public struct AuthConfiguration: Sendable {
    /// Where a JWKS comes from.
    public enum JWKSSource: Sendable, Equatable {
        /// A local file (`file:///etc/lodestar/jwks.json` or a plain path).
        case file(URL)
        /// An HTTPS endpoint (`https://idp.example.com/.well-known/jwks.json`); plain `http://` is refused.
        case url(URL)
    }

    /// Why a configuration is refused.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The HS256 secret (development); at least 32 bytes. Beside a JWKS it is used only with `allowDevTokens`.
    public var hmacSecret: [UInt8]?
    /// Accept HS256 tokens beside a JWKS (`LODESTAR_ALLOW_DEV_TOKENS=1`; `serve` warns at start). Without a JWKS,
    /// HS256 is the only kind of token and this changes nothing.
    public var allowDevTokens: Bool
    /// The RS256/ES256 key set (production).
    public var jwks: JWKSSource?
    /// When set, tokens must carry exactly this `iss` (required with a JWKS).
    public var issuer: String?
    /// When set, tokens' `aud` must include it (required with a JWKS).
    public var audience: String?
    /// Tolerance for `exp`, `nbf` and `iat` against this machine's clock.
    public var clockSkew: TimeInterval
    /// The shortest time between two JWKS fetches caused by unknown `kid`s (fetches are also cached this long).
    public var jwksMinimumRefresh: TimeInterval

    /// The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size).
    public static let minimumSecretBytes = 32
    /// The largest JWKS document read (file or HTTPS body); reading stops beyond it.
    public static let maximumJWKSBytes = 1 << 20

    /// Whether HS256 tokens are checked at all: without a JWKS when a secret is set; beside a JWKS only with
    /// `allowDevTokens`.
    public var acceptsHS256: Bool { hmacSecret != nil && (jwks == nil || allowDevTokens) }

    /// Whether a secret is set but ignored (a JWKS is configured and dev tokens are not allowed).
    public var ignoresHMACSecret: Bool { hmacSecret != nil && !acceptsHS256 }

    /// Throws `Invalid` naming the setting: a secret shorter than 32 bytes, no keys at all, a JWKS without
    /// `issuer` or `audience`, a clock skew out of 0…300 s.
    public init(hmacSecret: [UInt8]? = nil, jwks: JWKSSource? = nil, issuer: String? = nil, audience: String? = nil,
                allowDevTokens: Bool = false, clockSkew: TimeInterval = 30, jwksMinimumRefresh: TimeInterval = 10) throws {
        if let hmacSecret, hmacSecret.count < Self.minimumSecretBytes {
            throw Invalid(description: "LODESTAR_JWT_SECRET must be at least \(Self.minimumSecretBytes) bytes (got \(hmacSecret.count))")
        }
        guard hmacSecret != nil || jwks != nil else {
            throw Invalid(description: "no token keys: set LODESTAR_JWT_SECRET (HS256, ≥ 32 bytes) or LODESTAR_JWKS_URL (RS256/ES256)")
        }
        if jwks != nil {
            // Production keys: a token of the same identity provider minted for another application (another
            // audience) or by another issuer sharing the keys must not pass.
            var missing: [String] = []
            if issuer?.isEmpty ?? true { missing.append("LODESTAR_JWT_ISSUER") }
            if audience?.isEmpty ?? true { missing.append("LODESTAR_JWT_AUDIENCE") }
            if !missing.isEmpty {
                throw Invalid(description: "LODESTAR_JWKS_URL is set, so \(missing.joined(separator: " and ")) must be set too "
                    + "(the issuer and the audience every production token must carry)")
            }
        }
        guard clockSkew >= 0, clockSkew <= 300 else { throw Invalid(description: "clock skew must be 0…300 s") }
        self.hmacSecret = hmacSecret
        self.allowDevTokens = allowDevTokens
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.clockSkew = clockSkew
        self.jwksMinimumRefresh = max(0, jwksMinimumRefresh)
    }

    /// `LODESTAR_JWKS_URL`'s value as a source: `https://…` or `file://…`, or a plain path (a file). Plain
    /// `http://` is refused: whoever sits on the path could swap the keys and sign any token.
    public static func jwksSource(_ text: String) throws -> JWKSSource {
        let lower = text.lowercased()
        if lower.hasPrefix("http://") {
            throw Invalid(description: "LODESTAR_JWKS_URL must be https:// or file:// (got http://: keys fetched without TLS "
                + "could be replaced in transit)")
        }
        if lower.hasPrefix("https://") {
            guard let url = URL(string: text), url.host?.isEmpty == false else { throw Invalid(description: "LODESTAR_JWKS_URL is not a URL") }
            return .url(url)
        }
        if lower.hasPrefix("file://") {
            guard let url = URL(string: text), url.isFileURL else { throw Invalid(description: "LODESTAR_JWKS_URL is not a file URL") }
            return .file(url)
        }
        guard !text.isEmpty, !text.contains("://") else {
            throw Invalid(description: "LODESTAR_JWKS_URL must be https://, file:// or a path")
        }
        return .file(URL(fileURLWithPath: text))
    }
}

extension AuthConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The settings without the secret (only whether one is set), for logs and `dump`.
    public var description: String {
        "AuthConfiguration(hs256: \(acceptsHS256 ? "on" : (hmacSecret == nil ? "off" : "ignored beside the JWKS")), jwks: \(jwks.map { "\($0)" } ?? "off"), "
            + "issuer: \(issuer ?? "-"), audience: \(audience ?? "-"), clockSkew: \(clockSkew))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

