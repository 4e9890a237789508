import CMongoC
import DedicatedThreads
import Foundation
import Logging
public import Metrics
import LearningEvents

private let mongocLogger = Logger(label: "lodestar.mongoc")

/// libmongoc's own log lines go to swift-log: warnings and errors only (its debug chatter is dropped).
private let mongocInitialized: Void = {
    mongoc_init()
    mongoc_log_set_handler({ level, domain, message, _ in
        guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
        let text = String(cString: message)
        let dom = domain.map { String(cString: $0) } ?? "mongoc"
        if level.rawValue <= MONGOC_LOG_LEVEL_CRITICAL.rawValue {
            mongocLogger.error("\(text)", metadata: ["domain": "\(dom)"])
        } else {
            mongocLogger.warning("\(text)", metadata: ["domain": "\(dom)"])
        }
    }, nil)
}()

/// A connection pool to one MongoDB deployment (libmongoc's thread-safe client pool).
///
/// All libmongoc calls run on the client's own `BlockingPool` threads; the API above is `async`.
///
/// ```swift
/// let client = try MongoClient(uri: "mongodb://127.0.0.1:27017/")
/// let db = client.database("lodestar")
/// let recs = db.tenant(try TenantID("acme")).collection("learner_recommendations", as: Recommendation.self)
/// ```
///
/// `@unchecked Sendable`: `mongoc_client_pool_t` is documented thread-safe; the URI is only read.
public final class MongoClient: @unchecked Sendable {
    let pool: OpaquePointer
    private let uri: OpaquePointer
    let blocking: DedicatedThreadPool
    /// One per pooled client (`ClientPermits`): every pop waits for one first.
    let permits: ClientPermits
    let metrics: MongoMetrics
    /// The connection string as given (credentials included: do not log it; see `redactedURI`).
    public let uriString: String

    /// Connects lazily: libmongoc opens sockets on first use. Throws for a connection string it rejects.
    /// - Parameters:
    ///   - uri: a MongoDB connection string (`mongodb://` or `mongodb+srv://`); its own options apply.
    ///   - appName: the application name sent in the connection handshake (the server's logs and `currentOp` show it).
    ///   - maxPoolSize: most connections at once (also caps concurrent operations).
    ///   - threads: threads running blocking libmongoc calls.
    ///   - metrics: where operation timings and errors go (`lodestar_mongo_operation_seconds`,
    ///     `lodestar_mongo_errors_total`, by operation and collection).
    public init(uri: String, appName: String = "lodestar", maxPoolSize: Int = 16, threads: Int = 8,
                metrics: any MetricsFactory = MetricsSystem.factory) throws {
        _ = mongocInitialized
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        guard let u = mongoc_uri_new_with_error(uri, error) else {
            throw MongoError(kind: .invalidURI, operation: "connect", collection: nil,
                             message: "invalid connection string \(MongoClient.redact(uri)): \(String(cString: lodestar_error_message(error)))")
        }
        guard let p = mongoc_client_pool_new(u) else {
            mongoc_uri_destroy(u)
            throw MongoError(kind: .invalidURI, operation: "connect", collection: nil, message: "cannot create a client pool")
        }
        mongoc_client_pool_set_error_api(p, 2)
        mongoc_client_pool_set_appname(p, appName)
        mongoc_client_pool_max_size(p, UInt32(max(1, maxPoolSize)))
        self.uri = u
        self.pool = p
        self.uriString = uri
        self.blocking = DedicatedThreadPool(threads: threads, name: "mongoc", stackSize: 1 << 20)
        self.permits = ClientPermits(max(1, maxPoolSize))
        self.metrics = MongoMetrics(factory: metrics)
    }

    deinit {
        blocking.shutdown()
        mongoc_client_pool_destroy(pool)
        mongoc_uri_destroy(uri)
    }

    /// The connection string with any password replaced by `***`.
    public var redactedURI: String { MongoClient.redact(uriString) }

    /// `uri` with any password replaced by `***`, for logs and error messages.
    public static func redactForDisplay(_ uri: String) -> String { redact(uri) }

    static func redact(_ uri: String) -> String { ConnectionStringRedaction.redact(uri) }

    /// A database handle (no I/O).
    public func database(_ name: String) -> MongoDatabase { MongoDatabase(client: self, name: name) }

    /// Runs `body` with a pooled client on a blocking thread.
    func withClient<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        await permits.acquire()
        defer { permits.release() }
        return try await blocking.run { [self] in
            guard let client = mongoc_client_pool_pop(self.pool) else {
                throw MongoError(kind: .server, operation: "connect", collection: nil, message: "no client from the pool")
            }
            defer { mongoc_client_pool_push(self.pool, client) }
            return try body(client)
        }
    }

    /// Runs an admin command (e.g. `["ping": 1]`) and returns the reply. Internal: callers use the typed
    /// operations (`ping()`, `serverInfo()`), so no raw command can bypass the tenant scope.
    func runAdminCommand(_ command: BSONDocument) async throws -> BSONDocument {
        try await withClient { client in
            try MongoClient.command(client, database: "admin", command, operation: command.keys.first ?? "command")
        }
    }

    static func command(_ client: OpaquePointer, database: String, _ command: BSONDocument, operation: String,
                        collection: String? = nil, session: TransactionSession? = nil) throws -> BSONDocument {
        let cmd = try NativeDocument(command, operation: operation, collection: collection)
        let opts = NativeDocument()
        if let session { try session.append(to: opts) }
        let reply = NativeDocument()
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        guard mongoc_client_command_with_opts(client, database, cmd.pointer, nil, opts.pointer, reply.pointer, error) else {
            throw MongoError.from(error, operation: operation, collection: collection, reply: reply)
        }
        return reply.read()
    }

    /// Round trip to the server (`ping`).
    public func ping() async throws { _ = try await runAdminCommand(["ping": 1]) }

    /// Server version, replica-set name and whether change streams can work (they need a replica set).
    public func serverInfo() async throws -> ServerInfo {
        let build = try await runAdminCommand(["buildInfo": 1])
        let hello = try await runAdminCommand(["hello": 1])
        return ServerInfo(
            version: build["version"]?.stringValue ?? "unknown",
            replicaSetName: hello["setName"]?.stringValue,
            maxWireVersion: Int(hello["maxWireVersion"]?.int64Value ?? 0)
        )
    }
}

/// What the server says of itself.
public struct ServerInfo: Sendable {
    public let version: String
    public let replicaSetName: String?
    public let maxWireVersion: Int
    /// Change streams and transactions need a replica set (or a sharded cluster).
    public var supportsChangeStreams: Bool { replicaSetName != nil && maxWireVersion >= 6 }
}

extension MongoError {
    static func from(_ error: UnsafeMutablePointer<bson_error_t>?, operation: String, collection: String?,
                     reply: NativeDocument? = nil) -> MongoError {
        var labels: [String] = []
        if case .array(let values)? = reply?.read()["errorLabels"] { labels = values.compactMap(\.stringValue) }
        guard let error else {
            return MongoError(kind: .server, operation: operation, collection: collection, message: "unknown error", labels: labels)
        }
        return MongoError(kind: .server, code: Int(lodestar_error_code(error)), domain: Int(lodestar_error_domain(error)),
                          operation: operation, collection: collection,
                          message: String(cString: lodestar_error_message(error)), labels: labels)
    }
}
