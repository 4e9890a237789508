public import LearningEvents
/// A database seen by one tenant. Every collection it hands out adds `tenant_id` to each filter,
/// inserted document, upsert and aggregation.
public struct TenantScope: Sendable {
    public let database: MongoDatabase
    public let tenant: TenantID

    /// A collection of `Document`s bound to this tenant. `Document` may or may not have a `tenant_id`
    /// property: the scope writes it, and refuses a document that names another tenant.
    public func collection<Document: Codable & Sendable>(_ name: String, as type: Document.Type = Document.self)
        -> TenantCollection<Document>
    {
        TenantCollection(core: CollectionCore(client: database.client, database: database.name, name: name, session: database.session),
                         tenant: tenant)
    }
}
