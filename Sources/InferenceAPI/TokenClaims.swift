public import Foundation
public import JWTKit

/// The claims of a Lodestar bearer token: `sub`, `tenant_id`, `roles`, optional `org_ids` (a tenant administrator's
/// organisations; `["*"]` = the whole tenant, absent = none: see ``OrganisationScope``) and `learner_id`, and the
/// registered time and audience claims. Signature and algorithm are checked by `TokenVerifier` before these are
/// trusted; the time, issuer and audience rules are checked there too (with the configured clock skew).
public struct TokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim?
    public var tenant_id: String?
    public var roles: [String]
    public var org_ids: [String]?
    public var learner_id: String?
    public var exp: ExpirationClaim?
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    public var iss: IssuerClaim?
    public var aud: AudienceClaim?

    public init(sub: String?, tenant_id: String?, roles: [String], org_ids: [String]? = nil, learner_id: String? = nil,
                expires: Date?, notBefore: Date? = nil, issuedAt: Date? = nil, issuer: String? = nil, audience: [String]? = nil) {
        self.sub = sub.map { SubjectClaim(value: $0) }
        self.tenant_id = tenant_id
        self.roles = roles
        self.org_ids = org_ids
        self.learner_id = learner_id
        exp = expires.map { ExpirationClaim(value: $0) }
        nbf = notBefore.map { NotBeforeClaim(value: $0) }
        iat = issuedAt.map { IssuedAtClaim(value: $0) }
        iss = issuer.map { IssuerClaim(value: $0) }
        aud = audience.map { AudienceClaim(value: $0) }
    }

    /// Checks happen in `TokenVerifier.check(_:)`, which knows the configuration.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
