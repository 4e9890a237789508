public import Foundation
public import MongoStore
public import LearningEvents

/// Reads and writes the `tenants` platform collection (consent to the pooled risk model).
///
/// ```swift
/// try await TenantSettingsStore(db: db).setPooledModelConsent(tenant, true)
/// let consenting = try await TenantSettingsStore(db: db).consentingTenants()
/// ```
public struct TenantSettingsStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    var collection: SystemCollection<TenantSettingsDocument> { db.system(.tenants, as: TenantSettingsDocument.self) }

    /// Sets (or clears) a tenant's consent to the pooled model.
    public func setPooledModelConsent(_ tenant: TenantID, _ consent: Bool, now: Date = Date()) async throws {
        _ = try await collection.updateMany(
            ["_id": .string(tenant.rawValue)],
            ["$set": ["pooled_model_consent": .bool(consent), "updated_at": .date(now)]], upsert: true)
    }

    /// The tenant's settings (nil: none stored, every setting off).
    public func settings(_ tenant: TenantID) async throws -> TenantSettingsDocument? {
        try await collection.findOne(["_id": .string(tenant.rawValue)])
    }

    /// Every tenant that consents to the pooled model.
    public func consentingTenants() async throws -> Set<String> {
        Set(try await collection.find(["pooled_model_consent": .bool(true)]).collect().map(\._id))
    }
}
