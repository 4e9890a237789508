public import Foundation

/// Takes, renews, checks and releases leases in the `leases` platform collection (the Agenda / Quartz pattern:
/// a lock document with an owner and an expiry, renewed by a heartbeat, taken over when it lapses).
///
/// ```swift
/// let leases = LeaseManager(db: db, duration: .seconds(60))
/// try await leases.withLease("publish:acme:risk", waitingUpTo: .seconds(600)) { lease in
///     … write …
///     try await db.withTransaction { tx in
///         try await leases.confirm(lease, in: tx)   // still ours: commit
///         …
///     }
/// }
/// ```
///
/// Clocks: expiry is written with the holder's clock and read with the taker's, so replicas' clocks must agree
/// to well within the lease duration (NTP does this; the default duration is a minute).
public struct LeaseManager: Sendable {
    public let db: MongoDatabase
    /// How long a lease lasts without renewal; heartbeats renew it every third of it.
    public let duration: Duration
    /// `host:pid` of this process; each acquisition appends a fresh UUID.
    public let holder: String
    let now: @Sendable () -> Date

    public init(db: MongoDatabase, duration: Duration = .seconds(60), holder: String = LeaseManager.processHolder(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.db = db
        self.duration = duration
        self.holder = holder
        self.now = now
    }

    /// `host:pid` of the running process.
    public static func processHolder() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    var collection: SystemCollection<LeaseDocument> { db.system(.leases, as: LeaseDocument.self) }

    var seconds: TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Takes `name` if it is free or lapsed; `nil` when another holder has it.
    public func tryAcquire(_ name: String) async throws -> Lease? {
        let t = now()
        let owner = "\(holder):\(UUID().uuidString.lowercased())"
        do {
            let doc = try await collection.findOneAndUpdate(
                ["_id": .string(name), "expires_at": ["$lte": .date(t)]],
                ["$set": ["owner": .string(owner), "acquired_at": .date(t), "expires_at": .date(t.addingTimeInterval(seconds)),
                          "renewed_at": .null],
                 "$inc": ["token": 1]],
                upsert: true, returnNew: true)
            guard let doc, doc.owner == owner else { return nil }
            return Lease(name: name, owner: owner, token: doc.token, expiresAt: doc.expires_at)
        } catch let e as MongoError where e.isDuplicateKey {
            return nil  // the name exists and has not lapsed: the upsert's insert collided
        }
    }

    /// The current holder of `name`, if any (for messages).
    public func holder(of name: String) async throws -> (owner: String, expiresAt: Date)? {
        guard let d = try await collection.findOne(["_id": .string(name)]) else { return nil }
        return (d.owner, d.expires_at)
    }

    /// Takes `name`, polling every `poll` for up to `wait`; throws `LeaseError.held` when it stays taken.
    public func acquire(_ name: String, waitingUpTo wait: Duration = .zero, poll: Duration = .milliseconds(500)) async throws -> Lease {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            if let lease = try await tryAcquire(name) { return lease }
            if clock.now >= deadline {
                let h = try await holder(of: name)
                throw LeaseError.held(name: name, by: h?.owner ?? "another holder", until: h?.expiresAt)
            }
            try await Task.sleep(for: min(poll, deadline - clock.now))
        }
    }

    /// Extends the lease by `duration` from now; throws `LeaseError.lost` when it is no longer this holder's.
    @discardableResult
    public func renew(_ lease: Lease) async throws -> Lease {
        let t = now()
        let expires = t.addingTimeInterval(seconds)
        guard try await collection.findOneAndUpdate(
            ["_id": .string(lease.name), "owner": .string(lease.owner), "token": .int64(lease.token), "expires_at": ["$gt": .date(t)]],
            ["$set": ["expires_at": .date(expires), "renewed_at": .date(t)]], returnNew: true) != nil
        else { throw LeaseError.lost(name: lease.name) }
        var renewed = lease
        renewed.expiresAt = expires
        return renewed
    }

    /// Inside a transaction: checks that `lease` is still this holder's and unexpired, and writes to the lease
    /// document so that a concurrent takeover conflicts with the transaction (one of the two aborts). Call it
    /// in the transaction that commits the leased work; throws `LeaseError.lost` otherwise.
    public func confirm(_ lease: Lease, in transaction: MongoDatabase) async throws {
        let t = now()
        let r = try await transaction.system(.leases, as: LeaseDocument.self).updateMany(
            ["_id": .string(lease.name), "owner": .string(lease.owner), "token": .int64(lease.token), "expires_at": ["$gt": .date(t)]],
            ["$set": ["confirmed_at": .date(t)]])
        guard r.matched == 1 else { throw LeaseError.lost(name: lease.name) }
    }

    /// Gives the lease up (a no-op when it was already lost).
    public func release(_ lease: Lease) async throws {
        try await collection.deleteMany(["_id": .string(lease.name), "owner": .string(lease.owner), "token": .int64(lease.token)])
    }

    /// Runs `body` holding `name`: waits up to `wait` to take it, renews it every third of `duration` while
    /// `body` runs, cancels `body` and throws `LeaseError.lost` if a renewal finds it gone, and releases it at
    /// the end whatever happens (a process killed outright leaves it to lapse).
    public func withLease<T: Sendable>(_ name: String, waitingUpTo wait: Duration = .zero,
                                       _ body: @escaping @Sendable (Lease) async throws -> T) async throws -> T {
        let lease = try await acquire(name, waitingUpTo: wait)
        let interval = duration / 3
        let result: Result<T, any Error>
        do {
            let value = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(lease) }
                group.addTask {
                    var current = lease
                    while true {
                        try await Task.sleep(for: interval)
                        current = try await renewRetrying(current)
                    }
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw LeaseError.lost(name: name)  // unreachable: the heartbeat never returns normally
            }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        try? await release(lease)
        return try result.get()
    }

    /// Renews, retrying transient failures until the lease would have lapsed by this holder's clock.
    func renewRetrying(_ lease: Lease) async throws -> Lease {
        var delay = Duration.milliseconds(200)
        while true {
            do { return try await renew(lease) } catch let e as LeaseError { throw e } catch {
                if now() >= lease.expiresAt { throw LeaseError.lost(name: lease.name) }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, duration / 6)
            }
        }
    }
}
