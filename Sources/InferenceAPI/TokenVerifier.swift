public import Foundation
import JWTKit
import LearningEvents
public import Logging

/// Checks bearer tokens (OWASP JWT cheat sheet): the header's `alg` must be one this server is configured for —
/// HS256 with the shared secret (only without a JWKS, or with `allowDevTokens`), RS256/ES256 with a key of the JWKS
/// whose `kid` the token names, each key bound to its one algorithm — so `alg: none`, an HMAC token "signed" with a
/// public key, an HS256 token signed with a leftover development secret beside production keys and any unlisted
/// algorithm are refused before a signature is looked at. Then `exp` (required), `nbf`, `iat`, issuer and audience (when
/// configured), and the Lodestar claims (`tenant_id` and ids by the identifier rule).
///
/// Failures throw `APIError.unauthorized` with a short category; the token itself is never logged or echoed.
/// A token that passed is remembered (exact text → principal) until its `exp`, at most 60 s (`VerifiedTokenCache`).
public final class TokenVerifier: Sendable {
    let configuration: AuthConfiguration
    private let hmac: JWTKeyCollection?
    private let jwks: JWKSKeyStore?
    private let now: @Sendable () -> Date
    private let verified = VerifiedTokenCache()

    /// The longest token accepted (bytes), before any parsing.
    public static let maximumTokenBytes = 8192

    /// Sets up the keys; a configured JWKS is fetched once here (a failing fetch is logged and retried when a token
    /// needs it, so the API can start while the identity provider is briefly away).
    public init(configuration: AuthConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) async {
        self.configuration = configuration
        self.now = now
        if let secret = configuration.hmacSecret, configuration.acceptsHS256 {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            hmac = keys
        } else {
            hmac = nil
        }
        if let source = configuration.jwks {
            let store = JWKSKeyStore(fetch: JWKSKeyStore.fetcher(for: source), minimumRefresh: configuration.jwksMinimumRefresh,
                                     logger: logger)
            do {
                let n = try await store.load()
                logger.info("JWKS loaded", metadata: ["keys": "\(n)"])
            } catch {
                logger.warning("JWKS not loaded at start; will retry on the first token", metadata: ["error": "\(error)"])
            }
            jwks = store
        } else {
            jwks = nil
        }
    }

    /// The principal of a valid token; throws `APIError.unauthorized` otherwise.
    public func verify(_ token: String) async throws -> Principal {
        guard token.utf8.count <= Self.maximumTokenBytes else { throw APIError.unauthorized("token too long") }
        let t = now()
        if let known = verified.principal(for: token, now: t) { return known }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty else { throw APIError.unauthorized("malformed token") }
        guard let headerBytes = Base64URL.decode(parts[0]),
              let header = try? JSONDecoder().decode(Header.self, from: headerBytes)
        else { throw APIError.unauthorized("malformed token header") }
        guard header.crit == nil else { throw APIError.unauthorized("unsupported critical header") }
        let claims: TokenClaims
        switch header.alg {
        case "HS256":
            guard let hmac else { throw APIError.unauthorized("algorithm not accepted") }
            claims = try await checkSignature { try await hmac.verify(token, as: TokenClaims.self) }
        case "RS256", "ES256":
            guard let jwks else { throw APIError.unauthorized("algorithm not accepted") }
            guard let kid = header.kid, !kid.isEmpty, kid.utf8.count <= 256 else { throw APIError.unauthorized("token names no key (kid)") }
            guard let set = await jwks.keys(for: kid) else { throw APIError.unauthorized("unknown signing key") }
            guard set.algorithms[kid] == header.alg else { throw APIError.unauthorized("algorithm does not match the key") }
            claims = try await checkSignature { try await set.keys.verify(token, as: TokenClaims.self) }
        default:
            throw APIError.unauthorized("algorithm not accepted")
        }
        let principal = try principal(from: claims)
        // exp is present: `principal(from:)` refuses a token without it.
        if let exp = claims.exp?.value { verified.store(principal, for: token, expires: exp, now: t) }
        return principal
    }

    private func checkSignature(_ body: () async throws -> TokenClaims) async throws -> TokenClaims {
        do { return try await body() } catch let e as APIError { throw e } catch {
            throw APIError.unauthorized("invalid signature or claims")
        }
    }

    /// The time, issuer, audience and Lodestar claim rules.
    func principal(from c: TokenClaims) throws -> Principal {
        let t = now(), skew = configuration.clockSkew
        guard let exp = c.exp else { throw APIError.unauthorized("token has no expiry (exp)") }
        guard exp.value.timeIntervalSince(t) > -skew else { throw APIError.unauthorized("token expired") }
        if let nbf = c.nbf, nbf.value.timeIntervalSince(t) > skew { throw APIError.unauthorized("token not yet valid") }
        if let iat = c.iat, iat.value.timeIntervalSince(t) > skew { throw APIError.unauthorized("token issued in the future") }
        if let issuer = configuration.issuer, c.iss?.value != issuer { throw APIError.unauthorized("wrong issuer") }
        if let audience = configuration.audience, !(c.aud?.value.contains(audience) ?? false) {
            throw APIError.unauthorized("wrong audience")
        }
        let roles = Set(c.roles.compactMap(Role.init(rawValue:)))
        var tenant: TenantID? = nil
        if let raw = c.tenant_id {
            guard let id = try? TenantID(validating: raw) else { throw APIError.unauthorized("invalid tenant_id claim") }
            tenant = id
        }
        guard tenant != nil || roles.contains(.platformAdmin) else { throw APIError.unauthorized("token has no tenant_id") }
        guard let organisations = OrganisationScope(claim: c.org_ids) else {
            throw APIError.unauthorized("invalid org_ids claim (\"*\" must stand alone)")
        }
        if case .organisations(let orgs) = organisations, orgs.contains(where: { !Identifier.isValid($0) }) {
            throw APIError.unauthorized("invalid org_ids claim")
        }
        let subject = c.sub?.value ?? ""
        var learner: String? = nil
        if roles.contains(.learner) {
            let id = c.learner_id ?? subject
            guard Identifier.isValid(id) else { throw APIError.unauthorized("learner token without a valid learner_id") }
            learner = id
        }
        return Principal(subject: subject, tenant: tenant, roles: roles, organisations: organisations, learnerID: learner)
    }

    struct Header: Decodable {
        let alg: String
        let kid: String?
        let crit: [String]?
    }
}

/// Base64url without padding (RFC 7515 §2).
enum Base64URL {
    static func decode(_ text: Substring) -> Data? {
        guard text.utf8.count <= 16_384 else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static func encode(_ data: some Sequence<UInt8>) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
