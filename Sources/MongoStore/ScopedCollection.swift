/// A collection bound to one tenant: the only way to read or write tenant data.
///
/// Filters may not mention `tenant_id` (the scope adds it); documents are written with the scope's
/// `tenant_id`, and a document or update that names another tenant is refused with `MongoError.Kind.rejected`.
/// Built only by `TenantScope.collection(_:as:)`.
public typealias TenantCollection<Document: Codable & Sendable> = ScopedCollection<Document>

/// A platform collection (`SystemCollectionName`): no tenant, no scoping. Built only by `MongoDatabase.system(_:as:)`.
public typealias SystemCollection<Document: Codable & Sendable> = ScopedCollection<Document>

/// The one implementation behind `TenantCollection` and `SystemCollection`. It has no public initialiser:
/// a tenant collection can only come from a `TenantScope`, a system one only names a `SystemCollectionName`.
public struct ScopedCollection<Document: Codable & Sendable>: Sendable {
    enum Scope: Sendable {
        case tenant(TenantID)
        case system
    }

    let core: CollectionCore
    let scope: Scope

    init(core: CollectionCore, tenant: TenantID) {
        self.core = core
        scope = .tenant(tenant)
    }

    init(core: CollectionCore) {
        self.core = core
        scope = .system
    }

    public var name: String { core.name }

    /// The tenant this collection is bound to (`nil` for a system collection).
    public var tenant: TenantID? {
        if case .tenant(let t) = scope { return t }
        return nil
    }

    // MARK: scoping

    func scoped(_ filter: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard case .tenant(let tenant) = scope else { return filter }
        if filter["tenant_id"] != nil {
            throw MongoError(kind: .rejected, operation: operation, collection: core.name,
                             message: "a tenant-scoped filter may not name tenant_id; the scope adds \(tenant)")
        }
        var out: BSONDocument = ["tenant_id": .string(tenant.rawValue)]
        for e in filter { out.append(e.key, e.value) }
        return out
    }

    func stamped(_ document: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard case .tenant(let tenant) = scope else { return document }
        if let existing = document["tenant_id"], existing != .string(tenant.rawValue) {
            throw MongoError(kind: .rejected, operation: operation, collection: core.name,
                             message: "document names tenant_id \(existing) in the scope of \(tenant)")
        }
        var out: BSONDocument = ["tenant_id": .string(tenant.rawValue)]
        for e in document where e.key != "tenant_id" { out.append(e.key, e.value) }
        return out
    }

    func checkedUpdate(_ update: BSONDocument, _ operation: String) throws -> BSONDocument {
        guard tenant != nil else { return update }
        guard update.keys.allSatisfy({ $0.hasPrefix("$") }) else { return try stamped(update, operation) }
        for op in update {
            if case .document(let fields) = op.value, fields.keys.contains(where: { $0 == "tenant_id" || $0.hasPrefix("tenant_id.") }) {
                throw MongoError(kind: .rejected, operation: operation, collection: core.name,
                                 message: "an update may not change tenant_id (\(op.key))")
            }
        }
        return update
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

    /// Upserts `documents` by their natural key (`key` fields, plus `tenant_id`), unordered, in batches of
    /// `batchSize` with up to `concurrency` batches in flight.
    public func bulkUpsert(_ documents: [Document], key: [String], batchSize: Int = 1000, concurrency: Int = 4) async throws -> BulkResult {
        let writes = try documents.map { doc -> CollectionCore.BulkWrite in
            let d = try encode(doc, "bulk upsert")
            var selector: BSONDocument = tenant.map { ["tenant_id": .string($0.rawValue)] } ?? [:]
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

    /// The tenant's documents matching `filter`, streamed in batches.
    public func find(_ filter: BSONDocument = [:], sort: BSONDocument? = nil, limit: Int? = nil,
                     projection: BSONDocument? = nil, batchSize: Int = 500) -> FindSequence<Document> {
        let core = core
        let scopedFilter = Result { try scoped(filter, "find") }
        var opts: BSONDocument = [:]
        if let sort { opts["sort"] = .document(sort) }
        if let limit { opts["limit"] = .int64(Int64(limit)) }
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

    /// Stages an aggregation may use in a tenant scope: none of them reads another collection or writes.
    static var allowedStages: Set<String> {
        ["$match", "$group", "$sort", "$limit", "$skip", "$project", "$addFields", "$set", "$unset", "$unwind",
         "$count", "$sortByCount", "$bucket", "$replaceRoot", "$replaceWith", "$sample"]
    }

    /// Runs `pipeline` after a `$match` on the tenant. Stages that read other collections or write
    /// (`$lookup`, `$unionWith`, `$out`, `$merge`, …) are refused.
    public func aggregate(_ pipeline: [BSONDocument], batchSize: Int = 500) -> FindSequence<BSONDocument> {
        let core = core
        let tenant = tenant
        let checked = Result { () throws -> [BSONDocument] in
            guard let tenant else { return pipeline }
            for stage in pipeline {
                guard stage.count == 1, let op = stage.keys.first, Self.allowedStages.contains(op) else {
                    throw MongoError(kind: .rejected, operation: "aggregate", collection: core.name,
                                     message: "stage \(stage.keys.first ?? "{}") is not allowed in a tenant scope")
                }
            }
            return [["$match": ["tenant_id": .string(tenant.rawValue)]]] + pipeline
        }
        return FindSequence(open: { try await core.aggregate(try checked.get(), batchSize: batchSize) }, transform: { $0 },
                            client: core.client, batchSize: batchSize)
    }

    /// Inserts, updates and replacements of this tenant's documents as they happen (change stream with
    /// `fullDocument: updateLookup`). Pass a saved `resumeToken` to continue after a restart.
    public func watch(resumeAfter resumeToken: BSONDocument? = nil, maxAwait: Duration = .seconds(1)) -> ChangeStream<Document> {
        let pipeline: [BSONDocument] = tenant.map { [["$match": ["fullDocument.tenant_id": .string($0.rawValue)]]] } ?? []
        return ChangeStream(core: core, pipeline: pipeline, resumeToken: resumeToken, maxAwait: maxAwait, decode: decoder("watch"))
    }
}

extension CollectionCore {
    func bulkInBatches(_ writes: [BulkWrite], batchSize: Int, concurrency: Int) async throws -> BulkResult {
        let size = max(1, batchSize)
        let batches = stride(from: 0, to: writes.count, by: size).map { Array(writes[$0..<min($0 + size, writes.count)]) }
        if session != nil || concurrency <= 1 {
            var total = BulkResult()
            for b in batches { total = total + (try await bulk(b)) }
            return total
        }
        return try await withThrowingTaskGroup(of: BulkResult.self) { group in
            var total = BulkResult()
            var next = 0
            while next < batches.count && next < concurrency {
                let b = batches[next]
                group.addTask { try await bulk(b) }
                next += 1
            }
            while let r = try await group.next() {
                total = total + r
                if next < batches.count {
                    let b = batches[next]
                    group.addTask { try await bulk(b) }
                    next += 1
                }
            }
            return total
        }
    }
}
