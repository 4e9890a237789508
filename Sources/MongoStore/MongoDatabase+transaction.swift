import CMongoC

extension MongoDatabase {
    /// Runs `body` in a multi-document transaction: commits when it returns, aborts when it throws.
    /// The `MongoDatabase` passed to `body` routes every operation (tenant scopes included) through the
    /// transaction's session.
    ///
    /// As the drivers' convenient transaction API does, the whole transaction is retried (up to `attempts`
    /// times) when the server labels an error `TransientTransactionError` (a write conflict with another
    /// transaction, a failover), and the commit alone is retried when its outcome is unknown
    /// (`UnknownTransactionCommitResult`). `body` may therefore run more than once: it must only read and write
    /// through the transaction it is given.
    ///
    /// ```swift
    /// try await db.withTransaction { tx in
    ///     try await tx.tenant(t).collection("model_versions", as: ModelVersion.self).updateMany(…)
    /// }
    /// ```
    public func withTransaction<T: Sendable>(attempts: Int = 5, _ body: @Sendable (MongoDatabase) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transactionOnce(body)
            } catch let error as MongoError where error.isTransientTransactionError && attempt < attempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(20 * attempt * attempt))
            }
        }
    }

    private func transactionOnce<T: Sendable>(_ body: @Sendable (MongoDatabase) async throws -> T) async throws -> T {
        let client = client
        // The session keeps its pooled client (and the client's permit) until `end()`.
        await client.permits.acquire()
        let session: TransactionSession
        do {
            session = try await client.blocking.run { () throws -> TransactionSession in
                guard let c = mongoc_client_pool_pop(client.pool) else {
                    throw MongoError(kind: .server, operation: "transaction", collection: nil, message: "no client from the pool")
                }
                let error = lodestar_error_new()
                defer { lodestar_error_free(error) }
                guard let s = mongoc_client_start_session(c, nil, error) else {
                    mongoc_client_pool_push(client.pool, c)
                    throw MongoError.from(error, operation: "start session", collection: nil)
                }
                guard mongoc_client_session_start_transaction(s, nil, error) else {
                    mongoc_client_session_destroy(s)
                    mongoc_client_pool_push(client.pool, c)
                    throw MongoError.from(error, operation: "start transaction", collection: nil)
                }
                return TransactionSession(owner: client, client: c, session: s)
            }
        } catch {
            client.permits.release()
            throw error
        }
        defer { session.end() }
        let scoped = MongoDatabase(client: client, name: name, session: session)
        let result: T
        do {
            result = try await body(scoped)
        } catch {
            _ = try? await client.blocking.run {
                let e = lodestar_error_new()
                defer { lodestar_error_free(e) }
                _ = mongoc_client_session_abort_transaction(session.session, e)
            }
            throw error
        }
        var commitAttempts = 0
        while true {
            do {
                try await client.blocking.run {
                    let error = lodestar_error_new()
                    defer { lodestar_error_free(error) }
                    let reply = NativeDocument()
                    guard mongoc_client_session_commit_transaction(session.session, reply.pointer, error) else {
                        throw MongoError.from(error, operation: "commit transaction", collection: nil, reply: reply)
                    }
                }
                return result
            } catch let error as MongoError where error.isUnknownCommitResult && commitAttempts < 3 {
                commitAttempts += 1
            }
        }
    }
}
