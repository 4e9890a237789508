public import LearningEvents
/// Which tenant's document changed in a tenant collection, and the value of one key field of it (for instance the
/// `learner_id` whose features changed). Nothing else of the document leaves the stream.
public struct TenantChange: Sendable, Equatable, Decodable {
    /// The document's tenant; `nil` when the event carried no valid `tenant_id` (a delete has no document).
    public let tenant: TenantID?
    /// The requested key field's string value, when present.
    public let key: String?

    init(tenant: TenantID?, key: String?) {
        self.tenant = tenant
        self.key = key
    }

    enum CodingKeys: String, CodingKey { case tenant_id }

    /// Decodes the tenant only (the stream built by `watchTenantChanges` also fills `key`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tenant = (try? c.decodeIfPresent(String.self, forKey: .tenant_id)).flatMap { $0.flatMap { try? TenantID(validating: $0) } }
        key = nil
    }
}

extension MongoDatabase {
    /// One change stream over a tenant collection for every tenant at once, reduced to `TenantChange`s: which
    /// tenant (and which `keyField` value) changed, never the document itself. Like `tenantIDs(in:)`, this is the
    /// platform-wide view a cache needs to learn *that* a tenant's data changed; the data is then read through that
    /// tenant's scope. One stream (one blocking thread) serves every tenant, where a stream per tenant would take a
    /// thread each.
    ///
    /// ```swift
    /// for try await change in db.watchTenantChanges(in: "model_versions") {
    ///     if let tenant = change.fullDocument?.tenant { await cache.refresh(tenant) }
    /// }
    /// ```
    public func watchTenantChanges(in collection: String, keyField: String? = nil, maxAwait: Duration = .seconds(1))
        -> ChangeStream<TenantChange>
    {
        let core = CollectionCore(client: client, database: name, name: collection, session: nil)
        let pipeline: [BSONDocument] = [["$match": ["operationType": ["$in": ["insert", "update", "replace"]]]]]
        return ChangeStream(core: core, pipeline: pipeline, resumeToken: nil, maxAwait: maxAwait, decode: { doc in
            let tenant = doc["tenant_id"]?.stringValue.flatMap { try? TenantID(validating: $0) }
            return TenantChange(tenant: tenant, key: keyField.flatMap { doc[$0]?.stringValue })
        })
    }
}
