import CMongoC

/// A client session holding one pooled client for the length of a multi-document transaction.
///
/// `@unchecked Sendable`: the session and its client are used by one operation at a time (the
/// transaction body awaits each call), each on a blocking-pool thread; libmongoc allows a client to
/// move between threads between calls.
final class TransactionSession: @unchecked Sendable {
    let client: OpaquePointer
    let session: OpaquePointer
    private let owner: MongoClient

    init(owner: MongoClient, client: OpaquePointer, session: OpaquePointer) {
        self.owner = owner
        self.client = client
        self.session = session
    }

    /// Adds `sessionId` to an operation's options.
    func append(to opts: NativeDocument) throws {
        let error = lodestar_error_new()
        defer { lodestar_error_free(error) }
        guard mongoc_client_session_append(session, opts.pointer, error) else {
            throw MongoError.from(error, operation: "transaction", collection: nil)
        }
    }

    /// Ends the session and returns the client to the pool (on a blocking thread).
    func end() {
        owner.blocking.submit { [self] in
            mongoc_client_session_destroy(self.session)
            mongoc_client_pool_push(self.owner.pool, self.client)
            self.owner.permits.release()
        }
    }
}
