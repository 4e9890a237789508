import CMongoC

/// One change-stream event.
public struct ChangeEvent<Document: Sendable>: Sendable {
    /// `insert`, `update`, `replace`, `delete`, …
    public let operationType: String
    /// The document after the change (looked up for updates), when there is one.
    public let fullDocument: Document?
    public let documentKey: BSONDocument?
    /// Save this to resume after the event with `watch(resumeAfter:)`.
    public let resumeToken: BSONDocument
}

/// A change stream over a collection: an endless `AsyncSequence` that ends when its task is cancelled.
/// Each wait for the server lasts at most `maxAwait`, so cancellation is seen within that time.
public struct ChangeStream<Document: Decodable & Sendable>: AsyncSequence, Sendable {
    let core: CollectionCore
    let pipeline: [BSONDocument]
    let resumeToken: BSONDocument?
    let maxAwait: Duration
    let decode: @Sendable (BSONDocument) throws -> Document

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    /// An iterator whose server-side stream is already open: changes made after this returns are delivered.
    /// (`makeAsyncIterator()` opens lazily, on the first `next()`.)
    public func opened() async throws -> Iterator {
        var it = Iterator(stream: self)
        it.native = try await NativeChangeStream.open(self)
        return it
    }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: ChangeStream
        var native: NativeChangeStream?

        public mutating func next() async throws -> ChangeEvent<Document>? {
            if native == nil { native = try await NativeChangeStream.open(stream) }
            guard let native else { return nil }
            while !Task.isCancelled {
                let event = try await stream.core.client.blocking.run { try native.next() }
                guard let event else { continue }
                var full: Document? = nil
                if case .document(let d)? = event["fullDocument"] { full = try stream.decode(d) }
                var key: BSONDocument? = nil
                if case .document(let k)? = event["documentKey"] { key = k }
                var token = BSONDocument()
                if case .document(let t)? = event["_id"] { token = t }
                return ChangeEvent(operationType: event["operationType"]?.stringValue ?? "unknown", fullDocument: full,
                                   documentKey: key, resumeToken: token)
            }
            return nil
        }
    }
}

/// Owns a libmongoc change stream and the pooled client it runs on.
///
/// `@unchecked Sendable`: used by one iterator, one blocking call at a time; freed on a blocking thread.
final class NativeChangeStream: @unchecked Sendable {
    private let stream: OpaquePointer
    private let collection: OpaquePointer
    private let client: OpaquePointer
    private let owner: MongoClient
    private let name: String

    private init(stream: OpaquePointer, collection: OpaquePointer, client: OpaquePointer, owner: MongoClient, name: String) {
        self.stream = stream
        self.collection = collection
        self.client = client
        self.owner = owner
        self.name = name
    }

    static func open<D>(_ s: ChangeStream<D>) async throws -> NativeChangeStream {
        let core = s.core
        let ms = s.maxAwait.components.seconds * 1000 + s.maxAwait.components.attoseconds / 1_000_000_000_000_000
        var opts: BSONDocument = ["fullDocument": "updateLookup", "maxAwaitTimeMS": .int64(max(1, ms))]
        if let token = s.resumeToken { opts["resumeAfter"] = .document(token) }
        let options = opts, pipeline = s.pipeline
        // The stream keeps its pooled client (and the client's permit) until it is freed.
        await core.client.permits.acquire()
        do {
            return try await openNow(core: core, options: options, pipeline: pipeline)
        } catch {
            core.client.permits.release()
            throw error
        }
    }

    private static func openNow(core: CollectionCore, options: BSONDocument, pipeline: [BSONDocument]) async throws -> NativeChangeStream {
        try await core.client.blocking.run {
            guard let c = mongoc_client_pool_pop(core.client.pool) else {
                throw MongoError(kind: .server, operation: "watch", collection: core.name, message: "no client from the pool")
            }
            guard let coll = mongoc_client_get_collection(c, core.database, core.name) else {
                mongoc_client_pool_push(core.client.pool, c)
                throw MongoError(kind: .server, operation: "watch", collection: core.name, message: "no collection handle")
            }
            let p: NativeDocument, o: NativeDocument
            do {
                p = try NativeDocument(["pipeline": .array(pipeline.map(BSON.document))], operation: "watch", collection: core.name)
                o = try NativeDocument(options, operation: "watch", collection: core.name)
            } catch {
                mongoc_collection_destroy(coll)
                mongoc_client_pool_push(core.client.pool, c)
                throw error
            }
            guard let stream = mongoc_collection_watch(coll, p.pointer, o.pointer) else {
                mongoc_collection_destroy(coll)
                mongoc_client_pool_push(core.client.pool, c)
                throw MongoError(kind: .server, operation: "watch", collection: core.name, message: "cannot open a change stream")
            }
            let native = NativeChangeStream(stream: stream, collection: coll, client: c, owner: core.client, name: core.name)
            try native.checkError()
            return native
        }
    }

    private func checkError() throws {
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        var reply: OpaquePointer? = nil
        if mongoc_change_stream_error_document(stream, error, &reply) {
            throw MongoError.from(error, operation: "watch", collection: name)
        }
    }

    /// The next event, or `nil` when none arrived within maxAwaitTimeMS. Blocking.
    func next() throws -> BSONDocument? {
        var doc: OpaquePointer? = nil
        if mongoc_change_stream_next(stream, &doc), let doc { return NativeDocument.read(doc) }
        try checkError()
        return nil
    }

    deinit {
        let ptrs = UncheckedPointers(cursor: stream, collection: collection, client: client)
        let owner = owner
        owner.blocking.submit {
            mongoc_change_stream_destroy(ptrs.cursor)
            mongoc_collection_destroy(ptrs.collection)
            mongoc_client_pool_push(owner.pool, ptrs.client)
            owner.permits.release()
        }
    }
}
