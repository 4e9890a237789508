import CMongoC

/// A server cursor (find, aggregate) read in batches on the blocking pool.
///
/// `@unchecked Sendable`: used by one iterator at a time; every call happens on a blocking thread, and the
/// cursor, collection and (when not in a transaction) the pooled client are freed together on one.
final class MongoCursor: @unchecked Sendable {
    private var cursor: OpaquePointer?
    private let collection: OpaquePointer
    private let client: OpaquePointer
    private let ownsClient: Bool
    private let owner: MongoClient
    let operation: String
    let collectionName: String

    init(cursor: OpaquePointer, collection: OpaquePointer, client: OpaquePointer, ownsClient: Bool,
         owner: MongoClient, operation: String, collectionName: String) {
        self.cursor = cursor
        self.collection = collection
        self.client = client
        self.ownsClient = ownsClient
        self.owner = owner
        self.operation = operation
        self.collectionName = collectionName
    }

    /// Reads up to `max` documents; an empty result means the cursor is exhausted. Blocking.
    func nextBatch(max: Int) throws -> [BSONDocument] {
        guard let cursor else { return [] }
        var out: [BSONDocument] = []
        out.reserveCapacity(max)
        var doc: OpaquePointer? = nil
        while out.count < max, mongoc_cursor_next(cursor, &doc) {
            if let doc { out.append(NativeDocument.read(doc)) }
        }
        if out.count < max {
            let error = lodestar_error_new()
            defer { lodestar_error_free(error) }
            if mongoc_cursor_error(cursor, error) {
                close()
                throw MongoError.from(error, operation: operation, collection: collectionName)
            }
            close()
        }
        return out
    }

    /// Frees the cursor now (blocking: may send killCursors).
    func close() {
        guard let c = cursor else { return }
        cursor = nil
        mongoc_cursor_destroy(c)
        mongoc_collection_destroy(collection)
        if ownsClient {
            mongoc_client_pool_push(owner.pool, client)
            owner.permits.release()
        }
    }

    deinit {
        guard let c = cursor else { return }
        let ptrs = UncheckedPointers(cursor: c, collection: collection, client: client)
        let owns = ownsClient, owner = owner
        owner.blocking.submit {
            mongoc_cursor_destroy(ptrs.cursor)
            mongoc_collection_destroy(ptrs.collection)
            if owns {
                mongoc_client_pool_push(owner.pool, ptrs.client)
                owner.permits.release()
            }
        }
    }
}

/// Pointers handed to a clean-up job. `@unchecked Sendable`: the owner gave them up; only the job uses them.
struct UncheckedPointers: @unchecked Sendable {
    let cursor: OpaquePointer
    let collection: OpaquePointer
    let client: OpaquePointer
}
