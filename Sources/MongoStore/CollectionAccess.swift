/// Who a collection belongs to, as a type: `TenantAccess` (one tenant's documents) or `PlatformAccess` (the
/// platform collections of `SystemCollectionName`). `MongoCollection` carries it as a type parameter, so a
/// `TenantCollection` and a `SystemCollection` are distinct types: one cannot be passed where the other is
/// expected, and neither can be built outside MongoStore.
public protocol CollectionAccess: Sendable {}

/// The access of a tenant's collection: every filter, document, update and pipeline is checked and scoped.
public enum TenantAccess: CollectionAccess {}

/// The access of a platform collection (`jobs`, `job_runs`, `leases`, `quarantine`): no tenant scope, but the
/// same refusal of aggregation stages that read other collections or write.
public enum PlatformAccess: CollectionAccess {}

/// A collection bound to one tenant: the only way to read or write tenant data.
///
/// Filters may not mention `tenant_id` (the scope adds it); documents are written with the scope's `tenant_id`;
/// a document or update that names another tenant, or moves, removes or renames `tenant_id`, is refused with
/// `MongoError.Kind.rejected`. Built only by `TenantScope.collection(_:as:)`.
public typealias TenantCollection<Document: Codable & Sendable> = MongoCollection<Document, TenantAccess>

/// A platform collection (`SystemCollectionName`): data that belongs to no tenant. Built only by
/// `MongoDatabase.system(_:as:)`.
public typealias SystemCollection<Document: Codable & Sendable> = MongoCollection<Document, PlatformAccess>
