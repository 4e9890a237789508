public import LearningEvents
/// A typed collection: `TenantCollection` (bound to one tenant) or `SystemCollection` (a platform collection).
///
/// There is no public initialiser: a tenant collection comes only from a `TenantScope`, a platform one only
/// names a `SystemCollectionName`. Every operation goes through `TenantGuard` first.
public struct MongoCollection<Document: Codable & Sendable, Access: CollectionAccess>: Sendable {
    let core: CollectionCore
    /// The tenant of a `TenantCollection`; `nil` exactly when `Access` is `PlatformAccess`.
    let scopeTenant: TenantID?

    init(core: CollectionCore, tenant: TenantID) where Access == TenantAccess {
        self.core = core
        scopeTenant = tenant
    }

    init(core: CollectionCore) where Access == PlatformAccess {
        self.core = core
        scopeTenant = nil
    }

    public var name: String { core.name }

    // MARK: scoping (identity for a platform collection)

    func scoped(_ filter: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard let tenant = scopeTenant else { return filter }
        return try TenantGuard.scoped(filter, tenant: tenant, operation, core.name)
    }

    func stamped(_ document: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard let tenant = scopeTenant else { return document }
        return try TenantGuard.stamped(document, tenant: tenant, operation, core.name)
    }

    func checkedUpdate(_ update: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard let tenant = scopeTenant else { return update }
        return try TenantGuard.checkedUpdate(update, tenant: tenant, operation, core.name)
    }

    private func encode(_ document: Document, _ operation: String) throws -> BSONDocument {
        do { return try stamped(try BSONEncoder().encode(document), operation) } catch let e as MongoError { throw e } catch {
            throw MongoError(kind: .encoding, operation: operation, collection: core.name, message: "\(error)")
        }
    }

    private func decoder(_ operation: String) -> @Sendable (BSONDocument) throws -> Document {
        let name = core.name
        return { doc in
            do { return try BSONDecoder().decode(Document.self, from: doc) } catch {
                throw MongoError(kind: .encoding, operation: operation, collection: name, message: "cannot decode \(Document.self): \(error)")
            }
        }
    }

    // MARK: writes

    public func insert(_ document: Document) async throws { try await insertMany([document]) }

    public func insertMany(_ documents: [Document]) async throws {
        try await core.insertMany(try documents.map { try encode($0, "insert") })
    }

    /// Upserts `documents` by their natural key (`key` fields, plus `tenant_id` in a tenant scope), unordered, in
    /// batches of `batchSize` with up to `concurrency` batches in flight.
    public func bulkUpsert(_ documents: [Document], key: [String], batchSize: Int = 1000, concurrency: Int = 4) async throws -> BulkResult {
        let writes = try documents.map { doc -> CollectionCore.BulkWrite in
            let d = try encode(doc, "bulk upsert")
            var selector: BSONDocument = scopeTenant.map { ["tenant_id": .string($0.rawValue)] } ?? [:]
            for k in key {
                guard let v = d[k] else {
                    throw MongoError(kind: .rejected, operation: "bulk upsert", collection: core.name, message: "document has no key field \(k)")
                }
                selector.append(k, v)
            }
            return .replace(selector: selector, document: d)
        }
        return try await core.bulkInBatches(writes, batchSize: batchSize, concurrency: concurrency)
    }

    /// Applies `update` (operators such as `$set`) to the document matching each selector, upserting.
    public func bulkUpdate(_ updates: [(filter: BSONDocument, update: BSONDocument)], batchSize: Int = 1000,
                           concurrency: Int = 4) async throws -> BulkResult {
        let writes = try updates.map { CollectionCore.BulkWrite.update(selector: try scoped($0.filter, "bulk update"),
                                                                        update: try checkedUpdate($0.update, "bulk update")) }
        return try await core.bulkInBatches(writes, batchSize: batchSize, concurrency: concurrency)
    }

    /// Applies each update to the one document its filter matches, if any (never inserting), in one unordered
    /// round trip per batch: conditional state changes of many documents at once. Returns the matched count; a
    /// write refused by the server (a duplicate key) throws after the others were applied, so callers that need to
    /// know which matched read the documents back.
    public func bulkUpdateExisting(_ updates: [(filter: BSONDocument, update: BSONDocument)], batchSize: Int = 1000) async throws -> BulkResult {
        let writes = try updates.map { CollectionCore.BulkWrite.updateExisting(selector: try scoped($0.filter, "bulk update"),
                                                                                update: try checkedUpdate($0.update, "bulk update")) }
        return try await core.bulkInBatches(writes, batchSize: batchSize, concurrency: 1)
    }

    public func updateMany(_ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false) async throws -> BulkResult {
        try await core.updateMany(filter: try scoped(filter, "update"), update: try checkedUpdate(update, "update"), upsert: upsert)
    }

    /// Atomically finds one document and updates it (or inserts it when `upsert`); returns the document
    /// after the update when `returnNew`, before it otherwise.
    public func findOneAndUpdate(_ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false, returnNew: Bool = true,
                                 sort: BSONDocument? = nil) async throws -> Document? {
        let doc = try await core.findAndModify(filter: try scoped(filter, "findAndModify"),
                                               update: try checkedUpdate(update, "findAndModify"),
                                               remove: false, upsert: upsert, returnNew: returnNew, sort: sort)
        return try doc.map(decoder("findAndModify"))
    }

    @discardableResult
    public func deleteMany(_ filter: BSONDocument) async throws -> Int {
        try await core.deleteMany(filter: try scoped(filter, "delete"))
    }

    // MARK: reads

    public func count(_ filter: BSONDocument = [:]) async throws -> Int {
        try await core.count(filter: try scoped(filter, "count"))
    }

    /// The matching documents (only the tenant's in a tenant scope), streamed in batches.
    public func find(_ filter: BSONDocument = [:], sort: BSONDocument? = nil, limit: Int? = nil,
                     projection: BSONDocument? = nil, batchSize: Int = 500) -> FindSequence<Document> {
        let core = core
        let scopedFilter = Result { try scoped(filter, "find") }
        var opts: BSONDocument = [:]
        if let sort { opts["sort"] = .document(sort) }
        if let limit { opts["limit"] = .int64(Int64(max(0, limit))) }
        if let projection { opts["projection"] = .document(projection) }
        opts["batchSize"] = .int64(Int64(max(1, min(batchSize, limit ?? batchSize))))
        let options = opts
        return FindSequence(open: { try await core.find(filter: try scopedFilter.get(), options: options) },
                            transform: decoder("find"), client: core.client, batchSize: batchSize)
    }

    public func findOne(_ filter: BSONDocument = [:], sort: BSONDocument? = nil) async throws -> Document? {
        var it = find(filter, sort: sort, limit: 1, batchSize: 1).makeAsyncIterator()
        return try await it.next()
    }

    /// The distinct values of `field` among the matching documents.
    public func distinct(_ field: String, _ filter: BSONDocument = [:]) async throws -> [BSON] {
        try await core.distinct(field, filter: try scoped(filter, "distinct"))
    }

    /// Runs `pipeline`, after a `$match` on the tenant in a tenant scope. Stages that read other collections or
    /// write (`$lookup`, `$unionWith`, `$out`, `$merge`, …) are refused in every scope.
    public func aggregate(_ pipeline: [BSONDocument], batchSize: Int = 500) -> FindSequence<BSONDocument> {
        let core = core
        let tenant = scopeTenant
        let checked = Result { () throws -> [BSONDocument] in
            try TenantGuard.checkedPipeline(pipeline, core.name)
            guard let tenant else { return pipeline }
            return [["$match": ["tenant_id": .string(tenant.rawValue)]]] + pipeline
        }
        return FindSequence(open: { try await core.aggregate(try checked.get(), batchSize: batchSize) }, transform: { $0 },
                            client: core.client, batchSize: batchSize)
    }

    /// Inserts, updates and replacements (of this tenant's documents in a tenant scope) as they happen (change
    /// stream with `fullDocument: updateLookup`). Pass a saved `resumeToken` to continue after a restart.
    public func watch(resumeAfter resumeToken: BSONDocument? = nil, maxAwait: Duration = .seconds(1)) -> ChangeStream<Document> {
        let pipeline: [BSONDocument] = scopeTenant.map { [["$match": ["fullDocument.tenant_id": .string($0.rawValue)]]] } ?? []
        return ChangeStream(core: core, pipeline: pipeline, resumeToken: resumeToken, maxAwait: maxAwait, decode: decoder("watch"))
    }
}

extension MongoCollection where Access == TenantAccess {
    /// The tenant this collection is bound to.
    public var tenant: TenantID { scopeTenant! }  // non-nil by construction: the only initialiser for TenantAccess sets it
}
