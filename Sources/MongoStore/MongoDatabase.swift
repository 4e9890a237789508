public import LearningEvents
/// One database: the entry to tenant-scoped collections, the few platform collections, indexes,
/// commands and transactions.
public struct MongoDatabase: Sendable {
    public let client: MongoClient
    public let name: String
    let session: TransactionSession?

    init(client: MongoClient, name: String, session: TransactionSession? = nil) {
        self.client = client
        self.name = name
        self.session = session
    }

    /// The tenant's view of this database: every collection reached through it is bound to `tenant`.
    public func tenant(_ tenant: TenantID) -> TenantScope { TenantScope(database: self, tenant: tenant) }

    /// A platform collection (job definitions, job runs): data that belongs to no tenant.
    public func system<Document: Codable & Sendable>(_ collection: SystemCollectionName, as type: Document.Type = Document.self)
        -> SystemCollection<Document>
    {
        SystemCollection(core: CollectionCore(client: client, database: name, name: collection.rawValue, session: session))
    }

    /// The tenants that have documents in `collection` (platform-wide jobs iterate these explicitly).
    /// Values that are not valid tenant ids are skipped.
    public func tenantIDs(in collection: String) async throws -> [TenantID] {
        let reply = try await runCommand(["distinct": .string(collection), "key": "tenant_id"], collection: collection)
        guard case .array(let values)? = reply["values"] else { return [] }
        return values.compactMap { $0.stringValue.flatMap { try? TenantID(validating: $0) } }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Runs a database command. Internal: a raw command has no tenant scope, so only the typed operations of
    /// this module (`createIndexes`, `drop`, `tenantIDs`, `listIndexes`) send commands.
    func runCommand(_ command: BSONDocument, collection: String? = nil) async throws -> BSONDocument {
        let name = name, session = session
        let op = command.keys.first ?? "command"
        if let session {
            return try await client.blocking.run {
                try MongoClient.command(session.client, database: name, command, operation: op, collection: collection, session: session)
            }
        }
        return try await client.withClient { c in
            try MongoClient.command(c, database: name, command, operation: op, collection: collection)
        }
    }

    /// Creates indexes (idempotent: an existing index with the same name and spec is left alone).
    public func createIndexes(_ indexes: [IndexSpec], on collection: String) async throws {
        guard !indexes.isEmpty else { return }
        _ = try await runCommand(["createIndexes": .string(collection), "indexes": .array(indexes.map { .document($0.document) })],
                                 collection: collection)
    }

    /// The names of the indexes on `collection` (for checks and `lodestar doctor`).
    public func listIndexes(_ collection: String) async throws -> [IndexInfo] {
        let reply = try await runCommand(["listIndexes": .string(collection)], collection: collection)
        guard case .document(let cursor)? = reply["cursor"], case .array(let batch)? = cursor["firstBatch"] else { return [] }
        return batch.compactMap { value -> IndexInfo? in
            guard case .document(let d) = value, let name = d["name"]?.stringValue else { return nil }
            var keys: BSONDocument = [:]
            if case .document(let k)? = d["key"] { keys = k }
            return IndexInfo(name: name, keys: keys, unique: d["unique"] == .bool(true),
                             expireAfterSeconds: d["expireAfterSeconds"]?.int64Value.map { Int($0) })
        }
    }

    /// Drops the whole database (tests and `generate --reset` only).
    public func drop() async throws { _ = try await runCommand(["dropDatabase": 1]) }
}

/// Collections that hold no tenant data and so may be used without a tenant. Tenant collections are not
/// in this list, so there is no way to open one unscoped.
///
/// `quarantine` is here because a refused row cannot be trusted to name its tenant (a bad `tenant_id` is one
/// reason to refuse it); it is operational data for the platform's data engineers, not a tenant's.
public enum SystemCollectionName: String, Sendable, CaseIterable {
    case jobs
    case jobRuns = "job_runs"
    case leases
    case quarantine
    /// Platform-level settings of each tenant (consent to pooled models).
    case tenants
}

/// An index as the server lists it.
public struct IndexInfo: Sendable, Equatable {
    public var name: String
    public var keys: BSONDocument
    public var unique: Bool
    public var expireAfterSeconds: Int?
}

/// An index to create: keys in order, optional unique and TTL.
public struct IndexSpec: Sendable {
    public var keys: BSONDocument
    public var name: String
    public var unique: Bool
    public var expireAfterSeconds: Int?
    /// Leave out documents that lack the indexed field (with `unique`: at most one document per value among
    /// those that have it, e.g. one live job run per (job, tenant)).
    public var sparse: Bool = false

    /// `keys` such as `["tenant_id": 1, "learner_id": 1]`; the name defaults to MongoDB's `field_1_field_1` form.
    public init(keys: BSONDocument, name: String? = nil, unique: Bool = false, expireAfterSeconds: Int? = nil, sparse: Bool = false) {
        self.sparse = sparse
        self.keys = keys
        self.name = name ?? keys.map { "\($0.key)_\($0.value.int64Value.map(String.init) ?? $0.value.stringValue ?? "x")" }.joined(separator: "_")
        self.unique = unique
        self.expireAfterSeconds = expireAfterSeconds
    }

    var document: BSONDocument {
        var d: BSONDocument = ["key": .document(keys), "name": .string(name)]
        if unique { d["unique"] = true }
        if sparse { d["sparse"] = true }
        if let expireAfterSeconds { d["expireAfterSeconds"] = .int64(Int64(expireAfterSeconds)) }
        return d
    }
}
