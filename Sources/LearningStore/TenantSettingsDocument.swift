public import Foundation

/// `tenants` (platform collection): one tenant's platform-level settings, key `_id` = the tenant id. A tenant
/// without a document has every setting off.
public struct TenantSettingsDocument: Codable, Sendable, Equatable {
    /// The tenant id.
    public var _id: String
    /// The tenant allows its risk model's *weights* (never its rows) to go into the pooled platform model, and uses
    /// that pooled model as the prior of its own (a small tenant then gets a model instead of the heuristic).
    public var pooled_model_consent: Bool
    public var updated_at: Date

    public init(tenant: String, pooledModelConsent: Bool, updatedAt: Date) {
        _id = tenant
        pooled_model_consent = pooledModelConsent
        updated_at = updatedAt
    }
}
