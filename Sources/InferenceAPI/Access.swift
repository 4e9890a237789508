import Hummingbird
import LearningEvents

/// The authorisation rules of the routes, in one place (docs/api.md has the table):
///
/// 1. A path tenant other than the token's is 404 — before any other check, so nothing tells whether it exists.
///    Only `platform_admin` reaches every tenant.
/// 2. The route must allow one of the token's roles (else 403).
/// 3. Learner data: a `learner` token reaches only its own learner (another learner is 404); a `tenant_admin` only
///    learners and rows of its `org_ids` — none without the claim, the whole tenant only with `org_ids: ["*"]`
///    (``OrganisationScope``: fails closed).
/// 4. Catalog listings (similar courses): a learner sees the courses offered to its organisation, read from its own
///    rows (never from the token, never "all" because it has none); see ``catalogAudience(_:)``.
enum Access {
    /// The tenant of the request: the path tenant when the principal may act for it, else 404.
    static func tenant(_ raw: String, _ principal: Principal) throws -> TenantID {
        let value = PathParameter.decoded(raw)
        if principal.isPlatformAdmin {
            guard let t = try? TenantID(validating: value) else {
                throw APIError.invalid("tenant", "not an identifier (1–128 of A–Z a–z 0–9 . _ : @ -, not starting with '.')")
            }
            return t
        }
        guard let own = principal.tenant, own.rawValue == value else { throw APIError.notFound() }
        return own
    }

    /// 403 unless the principal holds one of `roles` (platform administrators hold every right).
    static func require(_ roles: Set<Role>, _ principal: Principal, for what: String) throws {
        if principal.isPlatformAdmin { return }
        guard !principal.roles.isDisjoint(with: roles) else {
            throw APIError.forbidden("\(what) needs one of the roles \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
        }
    }

    /// What the principal may see of one learner's data.
    enum LearnerView: Equatable {
        /// Everything of the learner.
        case whole
        /// Only rows of these organisations (a tenant administrator limited by `org_ids`).
        case organisations([String])
    }

    /// Whose catalog view a caller gets on course listings.
    enum CatalogAudience: Equatable {
        /// Every published course of the tenant.
        case tenant
        /// Courses offered to the whole tenant or to one of these organisations (empty: the whole-tenant ones only).
        case organisations([String])
        /// The courses offered to this learner's organisation, as its `learner_features` rows name it (none named:
        /// the whole-tenant courses only).
        case learner(String)
    }

    /// The principal's view of `learner` for a route open to `roles`; 403 when no role fits, 404 for a learner
    /// token asking for another learner.
    static func learner(_ learner: String, _ principal: Principal, roles: Set<Role>, for what: String) throws -> LearnerView {
        try require(roles, principal, for: what)
        if principal.isPlatformAdmin || (roles.contains(.service) && principal.has(.service)) { return .whole }
        if roles.contains(.tenantAdmin) && principal.has(.tenantAdmin) {
            switch principal.organisations {
            case .tenantWide: return .whole
            case .organisations(let orgs): return .organisations(orgs)
            }
        }
        if roles.contains(.learner) && principal.has(.learner) {
            guard principal.learnerID == learner else { throw APIError.notFound() }
            return .whole
        }
        throw APIError.forbidden("\(what) needs one of the roles \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
    }

    /// The organisations a tenant-level listing of learner rows (at-risk) is limited to, for a principal that
    /// passed the route's role check (`service` or `tenant_admin`): `nil` = the whole tenant; an empty list = nothing.
    static func organisations(_ principal: Principal) -> [String]? {
        if principal.isPlatformAdmin || principal.has(.service) { return nil }
        guard principal.has(.tenantAdmin) else { return [] }
        return principal.organisations.filter
    }

    /// The catalog view of a caller: `platform_admin`, `service` and `data_scientist` (tenant-level roles) see the
    /// tenant's whole published catalog; a `tenant_admin` its `org_ids`' (all with `["*"]`, the whole-tenant
    /// courses only without the claim); a `learner` its organisation's, from its rows; anyone else the whole-tenant
    /// courses only.
    static func catalogAudience(_ principal: Principal) -> CatalogAudience {
        if principal.isPlatformAdmin || principal.has(.service) || principal.has(.dataScientist) { return .tenant }
        if principal.has(.tenantAdmin) {
            switch principal.organisations {
            case .tenantWide: return .tenant
            case .organisations(let orgs): return .organisations(orgs)
            }
        }
        if principal.has(.learner), let learner = principal.learnerID { return .learner(learner) }
        return .organisations([])
    }
}

/// Path and query values by the identifier rule of `LearningEvents`.
enum PathParameter {
    /// The percent-decoded text (a path may carry `%40` for `@`).
    static func decoded(_ raw: String) -> String {
        raw.utf8.contains(UInt8(ascii: "%")) ? (raw.removingPercentEncoding ?? raw) : raw
    }

    /// An identifier parameter, or 400 naming it.
    static func identifier(_ raw: String?, _ name: String) throws -> String {
        guard let raw else { throw APIError.invalid(name, "missing") }
        let value = decoded(raw)
        guard Identifier.isValid(value) else {
            throw APIError.invalid(name, "not an identifier (1–128 of A–Z a–z 0–9 . _ : @ -, not starting with '.')")
        }
        return value
    }
}
