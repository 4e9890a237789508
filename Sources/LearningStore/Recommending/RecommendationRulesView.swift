public import Foundation
public import LearningEvents

/// A tenant's rules as `GET …/recommendation-rules` answers them and `lodestar tenants rules get` prints them: the
/// rules in force, their version, who set them and when (version 0 and the defaults, without `updated_by` and
/// `updated_at`, for a tenant that never set any), and with `history` the earlier versions, newest first.
public struct RecommendationRulesView: Encodable, Sendable {
    /// One earlier version.
    public struct Change: Encodable, Sendable {
        public let version: Int
        public let rules: RecommendationRules
        public let updated_by: String
        public let updated_at: Date
    }

    public let tenant_id: String
    public let version: Int
    public let rules: RecommendationRules
    public let updated_by: String?
    public let updated_at: Date?
    public let history: [Change]?

    /// The view of a stored document (nil: none stored), with or without its history.
    public init(tenant: TenantID, document d: RecommendationRulesDocument?, withHistory: Bool) {
        tenant_id = tenant.rawValue
        version = d?.version ?? 0
        rules = d?.rules ?? RecommendationRules()
        updated_by = d?.updated_by
        updated_at = d?.updated_at
        history = withHistory
            ? (d?.history ?? []).map { Change(version: $0.version, rules: $0.rules, updated_by: $0.updated_by, updated_at: $0.updated_at) }
            : nil
    }

    /// The view of a version just written.
    public init(tenant: TenantID, version: Int, rules: RecommendationRules, updatedBy: String, updatedAt: Date) {
        tenant_id = tenant.rawValue
        self.version = version
        self.rules = rules
        updated_by = updatedBy
        updated_at = updatedAt
        history = nil
    }
}
