import CMongoC

/// The raw operations on one collection, on `BSONDocument`s. Internal: the public types above it
/// (`TenantCollection`, `SystemCollection`) decide what may be filtered and written.
struct CollectionCore: Sendable {
    let client: MongoClient
    let database: String
    let name: String
    let session: TransactionSession?

    /// Runs `body` with a libmongoc collection handle on a blocking thread (the session's client in a transaction).
    func perform<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (OpaquePointer, OpaquePointer) throws -> T) async throws -> T {
        let start = ContinuousClock.now
        do {
            let result = try await performUntimed(body)
            client.metrics.record(operation: operation, collection: name, since: start, failed: false)
            return result
        } catch {
            client.metrics.record(operation: operation, collection: name, since: start, failed: true)
            throw error
        }
    }

    private func performUntimed<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer, OpaquePointer) throws -> T) async throws -> T {
        let database = database, name = name
        if let session {
            return try await client.blocking.run {
                guard let coll = mongoc_client_get_collection(session.client, database, name) else {
                    throw MongoError(kind: .server, operation: "collection", collection: name, message: "no collection handle")
                }
                defer { mongoc_collection_destroy(coll) }
                return try body(session.client, coll)
            }
        }
        return try await client.withClient { c in
            guard let coll = mongoc_client_get_collection(c, database, name) else {
                throw MongoError(kind: .server, operation: "collection", collection: name, message: "no collection handle")
            }
            defer { mongoc_collection_destroy(coll) }
            return try body(c, coll)
        }
    }

    /// Options document with the session id when in a transaction.
    func options(_ base: BSONDocument, operation: String) throws -> NativeDocument {
        let opts = try NativeDocument(base, operation: operation, collection: name)
        if let session { try session.append(to: opts) }
        return opts
    }

    func insertMany(_ documents: [BSONDocument]) async throws {
        guard !documents.isEmpty else { return }
        let name = name
        try await perform("insert") { _, coll in
            let natives = try documents.map { try NativeDocument($0, operation: "insert", collection: name) }
            var pointers: [OpaquePointer?] = natives.map { $0.pointer }
            let opts = try options(["ordered": false], operation: "insert")
            let reply = NativeDocument()
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            let ok = pointers.withUnsafeMutableBufferPointer { buf in
                mongoc_collection_insert_many(coll, buf.baseAddress, buf.count, opts.pointer, reply.pointer, error)
            }
            withExtendedLifetime(natives) {}
            if !ok { throw MongoError.from(error, operation: "insert", collection: name, reply: reply) }
        }
    }

    /// One write of an unordered bulk: a replacement or an update by selector, with upsert.
    enum BulkWrite: Sendable {
        case replace(selector: BSONDocument, document: BSONDocument)
        case update(selector: BSONDocument, update: BSONDocument)
        /// An update that never inserts (a conditional state change).
        case updateExisting(selector: BSONDocument, update: BSONDocument)
    }

    /// Executes one unordered bulk with upsert on every write; returns (matched, modified, upserted).
    func bulk(_ writes: [BulkWrite]) async throws -> BulkResult {
        guard !writes.isEmpty else { return BulkResult() }
        let name = name
        return try await perform("bulk") { _, coll in
            let opts = try options(["ordered": false], operation: "bulk upsert")
            guard let bulk = mongoc_collection_create_bulk_operation_with_opts(coll, opts.pointer) else {
                throw MongoError(kind: .server, operation: "bulk upsert", collection: name, message: "cannot create a bulk operation")
            }
            defer { mongoc_bulk_operation_destroy(bulk) }
            let upsert = try NativeDocument(["upsert": true], operation: "bulk upsert", collection: name)
            let noUpsert = try NativeDocument(["upsert": false], operation: "bulk update", collection: name)
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            for write in writes {
                switch write {
                case .replace(let selector, let document):
                    let s = try NativeDocument(selector, operation: "bulk upsert", collection: name)
                    let d = try NativeDocument(document, operation: "bulk upsert", collection: name)
                    guard mongoc_bulk_operation_replace_one_with_opts(bulk, s.pointer, d.pointer, upsert.pointer, error) else {
                        throw MongoError.from(error, operation: "bulk upsert", collection: name)
                    }
                case .update(let selector, let update):
                    let s = try NativeDocument(selector, operation: "bulk upsert", collection: name)
                    let u = try NativeDocument(update, operation: "bulk upsert", collection: name)
                    guard mongoc_bulk_operation_update_one_with_opts(bulk, s.pointer, u.pointer, upsert.pointer, error) else {
                        throw MongoError.from(error, operation: "bulk upsert", collection: name)
                    }
                case .updateExisting(let selector, let update):
                    let s = try NativeDocument(selector, operation: "bulk update", collection: name)
                    let u = try NativeDocument(update, operation: "bulk update", collection: name)
                    guard mongoc_bulk_operation_update_one_with_opts(bulk, s.pointer, u.pointer, noUpsert.pointer, error) else {
                        throw MongoError.from(error, operation: "bulk update", collection: name)
                    }
                }
            }
            let reply = NativeDocument()
            let ok = mongoc_bulk_operation_execute(bulk, reply.pointer, error) != 0
            let r = reply.read()
            if !ok { throw MongoError.from(error, operation: "bulk upsert", collection: name, reply: reply) }
            return BulkResult(matched: Int(r["nMatched"]?.int64Value ?? 0),
                              modified: Int(r["nModified"]?.int64Value ?? 0),
                              upserted: Int(r["nUpserted"]?.int64Value ?? 0))
        }
    }

    func find(filter: BSONDocument, options findOptions: BSONDocument) async throws -> MongoCursor {
        try await openCursor(operation: "find") { coll in
            let f = try NativeDocument(filter, operation: "find", collection: name)
            let o = try options(findOptions, operation: "find")
            return mongoc_collection_find_with_opts(coll, f.pointer, o.pointer, nil)
        }
    }

    func aggregate(_ pipeline: [BSONDocument], batchSize: Int) async throws -> MongoCursor {
        try await openCursor(operation: "aggregate") { coll in
            let p = try NativeDocument(["pipeline": .array(pipeline.map(BSON.document))], operation: "aggregate", collection: name)
            let o = try options(["batchSize": .int64(Int64(max(1, batchSize)))], operation: "aggregate")
            return mongoc_collection_aggregate(coll, MONGOC_QUERY_NONE, p.pointer, o.pointer, nil)
        }
    }

    /// Opens a cursor that keeps its client until it is closed (a transaction's cursor uses the session's client).
    private func openCursor(operation: String, _ open: @escaping @Sendable (OpaquePointer) throws -> OpaquePointer?) async throws -> MongoCursor {
        let database = database, name = name, owner = client, session = session
        return try await client.blocking.run {
            let c: OpaquePointer
            if let session { c = session.client } else {
                guard let popped = mongoc_client_pool_pop(owner.pool) else {
                    throw MongoError(kind: .server, operation: operation, collection: name, message: "no client from the pool")
                }
                c = popped
            }
            guard let coll = mongoc_client_get_collection(c, database, name) else {
                if session == nil { mongoc_client_pool_push(owner.pool, c) }
                throw MongoError(kind: .server, operation: operation, collection: name, message: "no collection handle")
            }
            let cursor: OpaquePointer
            do {
                guard let opened = try open(coll) else {
                    throw MongoError(kind: .server, operation: operation, collection: name, message: "no cursor")
                }
                cursor = opened
            } catch {
                mongoc_collection_destroy(coll)
                if session == nil { mongoc_client_pool_push(owner.pool, c) }
                throw error
            }
            return MongoCursor(cursor: cursor, collection: coll, client: c, ownsClient: session == nil,
                               owner: owner, operation: operation, collectionName: name)
        }
    }

    func findAndModify(filter: BSONDocument, update: BSONDocument?, remove: Bool, upsert: Bool, returnNew: Bool,
                       sort: BSONDocument?) async throws -> BSONDocument? {
        let name = name
        return try await perform("findAndModify") { _, coll in
            guard let opts = mongoc_find_and_modify_opts_new() else {
                throw MongoError(kind: .server, operation: "findAndModify", collection: name, message: "out of memory")
            }
            defer { mongoc_find_and_modify_opts_destroy(opts) }
            var flags = MONGOC_FIND_AND_MODIFY_NONE.rawValue
            if remove { flags |= MONGOC_FIND_AND_MODIFY_REMOVE.rawValue }
            if upsert { flags |= MONGOC_FIND_AND_MODIFY_UPSERT.rawValue }
            if returnNew { flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW.rawValue }
            mongoc_find_and_modify_opts_set_flags(opts, mongoc_find_and_modify_flags_t(rawValue: flags))
            if let update {
                let u = try NativeDocument(update, operation: "findAndModify", collection: name)
                mongoc_find_and_modify_opts_set_update(opts, u.pointer)
            }
            if let sort {
                let s = try NativeDocument(sort, operation: "findAndModify", collection: name)
                mongoc_find_and_modify_opts_set_sort(opts, s.pointer)
            }
            if let session {
                let extra = NativeDocument()
                try session.append(to: extra)
                mongoc_find_and_modify_opts_append(opts, extra.pointer)
            }
            let q = try NativeDocument(filter, operation: "findAndModify", collection: name)
            let reply = NativeDocument()
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            guard mongoc_collection_find_and_modify_with_opts(coll, q.pointer, opts, reply.pointer, error) else {
                throw MongoError.from(error, operation: "findAndModify", collection: name, reply: reply)
            }
            if case .document(let value)? = reply.read()["value"] { return value }
            return nil
        }
    }

    func updateMany(filter: BSONDocument, update: BSONDocument, upsert: Bool) async throws -> BulkResult {
        let name = name
        return try await perform("update") { _, coll in
            let f = try NativeDocument(filter, operation: "update", collection: name)
            let u = try NativeDocument(update, operation: "update", collection: name)
            let o = try options(upsert ? ["upsert": true] : [:], operation: "update")
            let reply = NativeDocument()
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            guard mongoc_collection_update_many(coll, f.pointer, u.pointer, o.pointer, reply.pointer, error) else {
                throw MongoError.from(error, operation: "update", collection: name, reply: reply)
            }
            let r = reply.read()
            return BulkResult(matched: Int(r["matchedCount"]?.int64Value ?? 0), modified: Int(r["modifiedCount"]?.int64Value ?? 0),
                              upserted: Int(r["upsertedCount"]?.int64Value ?? 0))
        }
    }

    func deleteMany(filter: BSONDocument) async throws -> Int {
        let name = name
        return try await perform("delete") { _, coll in
            let f = try NativeDocument(filter, operation: "delete", collection: name)
            let o = try options([:], operation: "delete")
            let reply = NativeDocument()
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            guard mongoc_collection_delete_many(coll, f.pointer, o.pointer, reply.pointer, error) else {
                throw MongoError.from(error, operation: "delete", collection: name, reply: reply)
            }
            return Int(reply.read()["deletedCount"]?.int64Value ?? 0)
        }
    }

    func distinct(_ field: String, filter: BSONDocument) async throws -> [BSON] {
        let database = database, name = name, session = session
        let reply = try await perform("distinct") { client, _ in
            try MongoClient.command(client, database: database, ["distinct": .string(name), "key": .string(field), "query": .document(filter)],
                                    operation: "distinct", collection: name, session: session)
        }
        guard case .array(let values)? = reply["values"] else { return [] }
        return values
    }

    func count(filter: BSONDocument) async throws -> Int {
        let name = name
        return try await perform("count") { _, coll in
            let f = try NativeDocument(filter, operation: "count", collection: name)
            let o = try options([:], operation: "count")
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            let n = mongoc_collection_count_documents(coll, f.pointer, o.pointer, nil, nil, error)
            if n < 0 { throw MongoError.from(error, operation: "count", collection: name) }
            return Int(n)
        }
    }
}

/// Counts from a bulk or multi-document write.
public struct BulkResult: Sendable, Equatable {
    public var matched = 0
    public var modified = 0
    public var upserted = 0
    public init(matched: Int = 0, modified: Int = 0, upserted: Int = 0) {
        self.matched = matched
        self.modified = modified
        self.upserted = upserted
    }
    static func + (a: BulkResult, b: BulkResult) -> BulkResult {
        BulkResult(matched: a.matched + b.matched, modified: a.modified + b.modified, upserted: a.upserted + b.upserted)
    }
}
