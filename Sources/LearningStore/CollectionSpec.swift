public import MongoStore

/// A tenant collection of the data contract: its name, the natural key of its documents (without `tenant_id`,
/// which every key starts with) and its other indexes.
///
/// The unique index is derived from `key`, and upserts use the same `key`, so the two cannot drift apart.
public struct CollectionSpec<Document: Codable & Sendable>: Sendable {
    public let name: String
    /// Fields that, after `tenant_id`, identify a document (`model_version` first in versioned collections).
    public let key: [String]
    /// Further (non-unique or TTL) indexes.
    public let otherIndexes: [IndexSpec]

    public init(_ name: String, key: [String], otherIndexes: [IndexSpec] = []) {
        self.name = name
        self.key = key
        self.otherIndexes = otherIndexes
    }

    /// True when documents carry `model_version` (several versions side by side).
    public var isVersioned: Bool { key.first == "model_version" }

    /// The unique index on `tenant_id` + `key`.
    public var uniqueIndex: IndexSpec {
        var keys: BSONDocument = ["tenant_id": 1]
        for k in key { keys.append(k, 1) }
        return IndexSpec(keys: keys, unique: true)
    }

    /// Every index of the collection.
    public var indexes: [IndexSpec] { [uniqueIndex] + otherIndexes }

    /// The collection in a tenant's scope.
    public func collection(in scope: TenantScope) -> TenantCollection<Document> { scope.collection(name, as: Document.self) }

    /// Upserts `documents` by `key` (the unique index's fields).
    @discardableResult
    public func upsert(_ documents: [Document], in scope: TenantScope, batchSize: Int = 1000) async throws -> BulkResult {
        guard !documents.isEmpty else { return BulkResult() }
        return try await collection(in: scope).bulkUpsert(documents, key: key, batchSize: batchSize)
    }
}
