import Hummingbird
import LearningEvents
import MongoStore

/// The authorisation rules of the routes, in one place (README "HTTP API" has the table):
///
/// 1. A path tenant other than the token's is 404 — before any other check, so nothing tells whether it exists.
///    Only `platform_admin` reaches every tenant.
/// 2. The route must allow one of the token's roles (else 403).
/// 3. Learner data: a `learner` token reaches only its own learner (another learner is 404); a `tenant_admin` with
///    `org_ids` only learners and rows of those organisations.
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

    /// The principal's view of `learner` for a route open to `roles`; 403 when no role fits, 404 for a learner
    /// token asking for another learner.
    static func learner(_ learner: String, _ principal: Principal, roles: Set<Role>, for what: String) throws -> LearnerView {
        try require(roles, principal, for: what)
        if principal.isPlatformAdmin || (roles.contains(.service) && principal.has(.service)) { return .whole }
        if roles.contains(.tenantAdmin) && principal.has(.tenantAdmin) {
            if let orgs = principal.orgIDs { return .organisations(orgs) }
            return .whole
        }
        if roles.contains(.learner) && principal.has(.learner) {
            guard principal.learnerID == learner else { throw APIError.notFound() }
            return .whole
        }
        throw APIError.forbidden("\(what) needs one of the roles \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
    }

    /// The organisations a tenant-level listing is limited to (`nil` = the whole tenant).
    static func organisations(_ principal: Principal) -> [String]? {
        if principal.isPlatformAdmin || principal.has(.service) { return nil }
        return principal.orgIDs
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
