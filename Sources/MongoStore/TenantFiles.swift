import CMongoC
import Foundation
public import LearningEvents

/// A GridFS bucket (`fs.files` / `fs.chunks`, through libmongoc's `mongoc_gridfs_bucket_t`) seen by one tenant:
/// every file's id is `<tenant>/<name>` and its metadata carries `tenant_id`, so a tenant's files can be neither
/// named nor listed through another tenant's scope.
///
/// ```swift
/// let files = db.tenant(acme).files
/// try await files.put("recommender/v1/model.bin", bytes: bytes, metadata: ["kind": "recommender"])
/// let back = try await files.get("recommender/v1/model.bin", maxBytes: 1 << 30)
/// ```
///
/// Files are written whole (an upload stream closed only after every byte was written; a failed upload is
/// aborted, so no partial file is left under the id) with a majority write concern, and replaced by deleting the old
/// file first.
public struct TenantFiles: Sendable {
    public let database: MongoDatabase
    public let tenant: TenantID
    /// GridFS chunk size (GridFS's default, 255 KiB).
    public static let chunkSize: Int32 = 255 * 1024

    /// One stored file: its name within the tenant, its length and its metadata.
    public struct StoredFile: Sendable, Equatable {
        public let name: String
        public let length: Int64
        public let metadata: BSONDocument
    }

    func id(_ name: String) throws -> String {
        guard !name.isEmpty, !name.utf8.contains(0), name.utf8.count <= 1024 else {
            throw MongoError(kind: .rejected, operation: "gridfs", collection: "fs.files", message: "bad file name \(name.debugDescription)")
        }
        return "\(tenant.rawValue)/\(name)"
    }

    /// Stores `bytes` under `name` (replacing a file of that name). `metadata` is stored with `tenant_id` added.
    public func put(_ name: String, bytes: [UInt8], metadata: BSONDocument = [:]) async throws {
        let id = try id(name)
        var meta = metadata
        meta["tenant_id"] = .string(tenant.rawValue)
        let optsDocument: BSONDocument = ["chunkSizeBytes": .int32(Self.chunkSize), "metadata": .document(meta)]
        let dbName = database.name
        try await database.client.withClient { client in
            let opts = try NativeDocument(optsDocument, operation: "gridfs.upload", collection: "fs.files")
            try Self.withBucket(client, database: dbName) { bucket in
                try Self.deleteIfPresent(bucket, id: id)
                let error = lodestar_error_new()
                defer { lodestar_error_free(error) }
                guard let stream = lodestar_gridfs_open_upload(bucket, id, name, opts.pointer, error) else {
                    throw MongoError.from(error, operation: "gridfs.upload", collection: "fs.files")
                }
                var closed = false
                defer {
                    if !closed { mongoc_gridfs_bucket_abort_upload(stream) }
                    mongoc_stream_destroy(stream)
                }
                var offset = 0
                while offset < bytes.count {
                    let n = min(1 << 20, bytes.count - offset)
                    let written = bytes.withUnsafeBytes { raw in
                        mongoc_stream_write(stream, UnsafeMutableRawPointer(mutating: raw.baseAddress! + offset), n, 0)
                    }
                    guard written == n else {
                        _ = mongoc_gridfs_bucket_stream_error(stream, error)
                        throw MongoError.from(error, operation: "gridfs.upload", collection: "fs.chunks")
                    }
                    offset += n
                }
                closed = true
                guard mongoc_stream_close(stream) == 0 else {
                    _ = mongoc_gridfs_bucket_stream_error(stream, error)
                    throw MongoError.from(error, operation: "gridfs.upload", collection: "fs.files")
                }
            }
        }
    }

    /// The bytes of `name`, or nil when there is no such file. Throws when the file is longer than `maxBytes` or
    /// its chunks do not add up to its recorded length.
    public func get(_ name: String, maxBytes: Int) async throws -> [UInt8]? {
        let id = try id(name)
        let dbName = database.name
        return try await database.client.withClient { client in
            try Self.withBucket(client, database: dbName) { bucket -> [UInt8]? in
                guard let file = try Self.find(bucket, filter: ["_id": .string(id)]).first else { return nil }
                guard let length = file["length"]?.int64Value, length >= 0, length <= Int64(maxBytes) else {
                    throw MongoError(kind: .rejected, operation: "gridfs.download", collection: "fs.files",
                                     message: "file \(id) has length \(file["length"].map { "\($0)" } ?? "none"), limit \(maxBytes)")
                }
                let error = lodestar_error_new()
                defer { lodestar_error_free(error) }
                guard let stream = lodestar_gridfs_open_download(bucket, id, error) else {
                    throw MongoError.from(error, operation: "gridfs.download", collection: "fs.files")
                }
                defer { mongoc_stream_destroy(stream) }
                var out = [UInt8](repeating: 0, count: Int(length))
                var offset = 0
                while offset < out.count {
                    let n = out.withUnsafeMutableBytes { raw in
                        mongoc_stream_read(stream, raw.baseAddress! + offset, raw.count - offset, 1, 0)
                    }
                    guard n > 0 else {
                        _ = mongoc_gridfs_bucket_stream_error(stream, error)
                        throw MongoError(kind: .server, operation: "gridfs.download", collection: "fs.chunks",
                                         message: "file \(id): \(offset) of \(length) bytes read: \(String(cString: lodestar_error_message(error)))")
                    }
                    offset += n
                }
                var extra: UInt8 = 0
                guard mongoc_stream_read(stream, &extra, 1, 0, 0) <= 0 else {
                    throw MongoError(kind: .server, operation: "gridfs.download", collection: "fs.chunks",
                                     message: "file \(id) has more bytes than its recorded length \(length)")
                }
                _ = mongoc_stream_close(stream)
                return out
            }
        }
    }

    /// Deletes `name` (its file document and chunks); false when there was none.
    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        let id = try id(name)
        let dbName = database.name
        return try await database.client.withClient { client in
            try Self.withBucket(client, database: dbName) { bucket in try Self.deleteIfPresent(bucket, id: id) }
        }
    }

    /// The tenant's files whose metadata has every field of `metadata` (e.g. `["kind": "risk"]`).
    public func list(metadata: BSONDocument = [:]) async throws -> [StoredFile] {
        var filter: BSONDocument = ["metadata.tenant_id": .string(tenant.rawValue)]
        for e in metadata.elements { filter["metadata.\(e.key)"] = e.value }
        let query = filter
        let prefix = "\(tenant.rawValue)/"
        let dbName = database.name
        return try await database.client.withClient { client in
            try Self.withBucket(client, database: dbName) { bucket in
                try Self.find(bucket, filter: query).compactMap { d -> StoredFile? in
                    guard let id = d["_id"]?.stringValue, id.hasPrefix(prefix) else { return nil }
                    var meta: BSONDocument = [:]
                    if case .document(let m)? = d["metadata"] { meta = m }
                    return StoredFile(name: String(id.dropFirst(prefix.count)), length: d["length"]?.int64Value ?? 0, metadata: meta)
                }
            }
        }
    }

    // MARK: C door

    private static func withBucket<T>(_ client: OpaquePointer, database: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let db = mongoc_client_get_database(client, database) else {
            throw MongoError(kind: .server, operation: "gridfs", collection: nil, message: "cannot open database \(database)")
        }
        defer { mongoc_database_destroy(db) }
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        // Majority-acknowledged writes: a file is durable in the replica set before the version recording it can be
        // activated (a failover cannot lose an artifact that `model_versions` already points at).
        let opts = try NativeDocument(["writeConcern": ["w": "majority"]], operation: "gridfs", collection: "fs.files")
        guard let bucket = mongoc_gridfs_bucket_new(db, opts.pointer, nil, error) else {
            throw MongoError.from(error, operation: "gridfs", collection: "fs.files")
        }
        defer { mongoc_gridfs_bucket_destroy(bucket) }
        return try body(bucket)
    }

    private static func find(_ bucket: OpaquePointer, filter: BSONDocument) throws -> [BSONDocument] {
        let f = try NativeDocument(filter, operation: "gridfs.find", collection: "fs.files")
        guard let cursor = mongoc_gridfs_bucket_find(bucket, f.pointer, nil) else {
            throw MongoError(kind: .server, operation: "gridfs.find", collection: "fs.files", message: "no cursor")
        }
        defer { mongoc_cursor_destroy(cursor) }
        var out: [BSONDocument] = []
        var doc: OpaquePointer? = nil
        while mongoc_cursor_next(cursor, &doc) {
            if let doc { out.append(NativeDocument.read(doc)) }
        }
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        if mongoc_cursor_error(cursor, error) { throw MongoError.from(error, operation: "gridfs.find", collection: "fs.files") }
        return out
    }

    @discardableResult
    private static func deleteIfPresent(_ bucket: OpaquePointer, id: String) throws -> Bool {
        guard try !find(bucket, filter: ["_id": .string(id)]).isEmpty else { return false }
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        guard lodestar_gridfs_delete(bucket, id, error) else {
            throw MongoError.from(error, operation: "gridfs.delete", collection: "fs.files")
        }
        return true
    }
}

extension TenantScope {
    /// The tenant's GridFS files (model artifacts when the artifact store is `mongodb`).
    public var files: TenantFiles { TenantFiles(database: database, tenant: tenant) }
}
