/// The organisations a token reaches inside its tenant, from its `org_ids` claim. Fails closed: a token without
/// `org_ids` (or with an empty list) reaches no organisation; only the explicit `org_ids: ["*"]` reaches the whole
/// tenant.
///
/// It limits `tenant_admin` tokens (at-risk pages, a learner's risk). A `learner` token's organisation never comes
/// from the token: it is read from the learner's own `learner_features` rows on every route.
///
/// ```swift
/// OrganisationScope(claim: ["*"])       // .tenantWide
/// OrganisationScope(claim: ["org-1"])   // .organisations(["org-1"])
/// OrganisationScope(claim: nil)         // .organisations([]): nothing
/// ```
public enum OrganisationScope: Sendable, Equatable {
    /// `org_ids: ["*"]`: every organisation of the tenant, and rows that name none.
    case tenantWide
    /// Only rows of these organisations (empty: none at all).
    case organisations([String])

    /// The claim value that means the whole tenant.
    public static let tenantWideClaim = "*"

    /// The scope a claim gives; `nil` when the claim mixes `"*"` with organisations (refused: ambiguous). The
    /// organisation ids are checked by the caller (identifier rule).
    public init?(claim: [String]?) {
        guard let claim, !claim.isEmpty else {
            self = .organisations([])
            return
        }
        if claim.contains(Self.tenantWideClaim) {
            guard claim.allSatisfy({ $0 == Self.tenantWideClaim }) else { return nil }
            self = .tenantWide
            return
        }
        self = .organisations(claim)
    }

    /// The organisations to filter by; `nil` = no filter (tenant-wide).
    public var filter: [String]? {
        switch self {
        case .tenantWide: nil
        case .organisations(let list): list
        }
    }
}
