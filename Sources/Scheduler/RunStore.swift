package import Foundation
package import MongoStore

/// Every read and write of `job_runs`. Each change of a run's state is one conditional update on its `_id` whose
/// filter pins the state the caller read (status, owner, attempt), so of two replicas racing for a run exactly one
/// matches; the unique sparse indexes on `live_key` and the slot fields turn a second live run of the same
/// (job, tenant), or a run past a concurrency limit, into a duplicate-key refusal.
///
/// Why conditional updates and not `findAndModify`: the caller already holds the document (from the candidate
/// query) and the filter pins the exact state it read, so the update is the same single atomic compare-and-set;
/// and SecantusDB, the test server, runs `findAndModify` as a collection scan (190 ms at 1,000 runs against 47 ms
/// for an update by `_id` on this machine), which would make the scheduler a benchmark of that scan.
package struct RunStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    var runs: SystemCollection<RunDocument> { db.system(.jobRuns, as: RunDocument.self) }

    /// The indexes `job_runs` needs (idempotent). Lapsed leases are found through `fair_queue_order`'s `status` prefix (few
    /// runs are running at once), which saves an index write on every claim, heartbeat and end.
    ///
    /// The slot indexes are made when a slot is first used (`ensureSlotIndex`): every index costs each write, and
    /// most deployments set no limit.
    public static let indexes: [IndexSpec] = [
        IndexSpec(keys: ["live_key": 1], name: "one_live_run_per_job_tenant", unique: true, sparse: true),
        // Claims read the queue in (priority, fair round, due time) order (`RunStore+fairness`). (Databases made
        // before fair rounds also hold the older `queue_order` index; it can be dropped.)
        IndexSpec(keys: ["status": 1, "priority": -1, "fair_round": 1, "due_at": 1], name: "fair_queue_order"),
        IndexSpec(keys: ["tenant_id": 1, "job": 1, "created_at": -1], name: "history_by_tenant"),
        IndexSpec(keys: ["job": 1, "created_at": -1], name: "history_by_job"),
        IndexSpec(keys: ["backfill_id": 1, "seq": 1], name: "backfill_order", sparse: true),
    ]

    /// The unique sparse index of a slot field (`job_slot`, `global_slot`, `group_slot`, and `queue_slot`: the
    /// `max_queued` slots of triggered runs).
    static let slotIndexes: [String: IndexSpec] = [
        "job_slot": IndexSpec(keys: ["job_slot": 1], name: "job_concurrency_slot", unique: true, sparse: true),
        "global_slot": IndexSpec(keys: ["global_slot": 1], name: "global_concurrency_slot", unique: true, sparse: true),
        "group_slot": IndexSpec(keys: ["group_slot": 1], name: "backfill_concurrency_slot", unique: true, sparse: true),
        "queue_slot": IndexSpec(keys: ["queue_slot": 1], name: "triggered_queue_slot", unique: true, sparse: true),
    ]

    /// Creates the unique index of a slot field before runs use it (idempotent).
    func ensureSlotIndex(_ field: String) async throws {
        guard let spec = Self.slotIndexes[field] else { return }
        try await db.createIndexes([spec], on: SystemCollectionName.jobRuns.rawValue)
    }

    public func ensureIndexes() async throws {
        try await db.createIndexes(Self.indexes, on: SystemCollectionName.jobRuns.rawValue)
        try await db.createIndexes([IndexSpec(keys: ["next_due_at": 1], name: "next_due")], on: SystemCollectionName.jobs.rawValue)
    }

    // MARK: queue

    /// Inserts runs, each with its fair round (`assignRounds`); ids that exist already (a firing another replica
    /// enqueued) are left as they are. Returns how many were new.
    @discardableResult
    public func enqueue(_ docs: [RunDocument]) async throws -> Int {
        guard !docs.isEmpty else { return 0 }
        var docs = docs
        try await assignRounds(&docs)
        let before = try await runs.count(["_id": ["$in": .array(docs.map { .string($0._id) })]])
        do { try await runs.insertMany(docs) } catch let e as MongoError where e.isDuplicateKey {}
        let after = try await runs.count(["_id": ["$in": .array(docs.map { .string($0._id) })]])
        return after - before
    }

    /// Queued runs whose time has come, best first: priority, then fair round (tenants take turns), then due time,
    /// then backfill order.
    func candidates(now: Date, limit: Int) async throws -> [RunDocument] {
        try await runs.find(["status": .string(RunStatus.queued.rawValue), "not_before": ["$lte": .date(now)]],
                            sort: ["priority": -1, "fair_round": 1, "due_at": 1, "seq": 1], limit: limit).collect()
    }

    /// Running runs whose lease has lapsed (their owner died or hung).
    func expired(now: Date, limit: Int) async throws -> [RunDocument] {
        try await runs.find(["status": .string(RunStatus.running.rawValue), "lease_expires_at": ["$lt": .date(now)]],
                            sort: ["lease_expires_at": 1], limit: limit).collect()
    }

    /// True when an earlier run of the same backfill and tenant is still live (backfills run in date order).
    func hasEarlierLive(_ run: RunDocument) async throws -> Bool {
        guard let b = run.backfill_id, let seq = run.seq else { return false }
        return try await runs.count(["backfill_id": .string(b), "tenant_id": .string(run.tenant_id), "seq": ["$lt": .int64(Int64(seq))],
                                     "status": ["$in": [.string(RunStatus.queued.rawValue), .string(RunStatus.running.rawValue)]]]) > 0
    }

    /// Slots a claim takes: field → value (each under a unique sparse index).
    struct Slots {
        var fields: [(String, String)] = []
    }

    enum ClaimOutcome {
        case claimed(RunDocument)
        /// Another replica changed the run first (claimed, cancelled or retried it).
        case gone
        /// A unique index refused: `live_key` (the (job, tenant) has a live run) or a slot field.
        case conflict(field: String)
    }

    /// The conditional update that claims `run` (queued, same `attempt`) for `owner`.
    func claimUpdate(_ run: RunDocument, owner: String, now: Date, lease: Duration, slots: Slots) -> (filter: BSONDocument, update: BSONDocument) {
        var set: BSONDocument = [
            "status": .string(RunStatus.running.rawValue), "owner": .string(owner), "lease_expires_at": .date(now.adding(lease)),
            "heartbeat_at": .date(now), "progress": "claimed",
            "live_key": .string(RunDocument.liveKey(job: run.job, tenant: run.tenant_id)),
        ]
        for (f, v) in slots.fields { set[f] = .string(v) }
        // `started_at` and `ended_at` are the server's time of the write, so the run records order live runs as the
        // unique index did (a replica's own clock reading, taken before its request reached the server, may not).
        return (["_id": .string(run._id), "status": .string(RunStatus.queued.rawValue), "attempt": .int64(Int64(run.attempt))],
                ["$set": .document(set), "$currentDate": ["started_at": true], "$inc": ["attempt": 1],
                 "$unset": ["ended_at": "", "duration_seconds": ""]])
    }

    func claimed(_ run: RunDocument, owner: String, now: Date, lease: Duration) -> RunDocument {
        var c = run
        c.status = .running
        c.owner = owner
        c.attempt += 1
        c.lease_expires_at = now.adding(lease)
        c.heartbeat_at = now.bsonMillis
        c.started_at = now.bsonMillis
        return c
    }

    /// Claims a queued run: one conditional update from the state read (`status: queued`, same `attempt`).
    func claim(_ run: RunDocument, owner: String, now: Date, lease: Duration, slots: Slots) async throws -> ClaimOutcome {
        let (filter, update) = claimUpdate(run, owner: owner, now: now, lease: lease, slots: slots)
        do {
            let r = try await runs.updateMany(filter, update)
            guard r.matched == 1 else { return .gone }
        } catch let e as MongoError where e.isDuplicateKey {
            for f in ["live_key", "job_slot", "global_slot", "group_slot"] where e.message.contains(f) || e.message.contains(Self.indexName(f)) {
                return .conflict(field: f)
            }
            return .conflict(field: "live_key")
        }
        return .claimed(claimed(run, owner: owner, now: now, lease: lease))
    }

    /// Claims several queued runs in one round trip: the same conditional update for each (each atomic on its own
    /// document; a run another replica changed first, or whose (job, tenant) has a live run, is simply not
    /// matched or refused). Returns the runs this owner now holds.
    func claimMany(_ items: [(RunDocument, Slots)], owner: String, now: Date, lease: Duration) async throws -> [RunDocument] {
        guard items.count > 1 else {
            guard let (run, slots) = items.first else { return [] }
            if case .claimed(let c) = try await claim(run, owner: owner, now: now, lease: lease, slots: slots) { return [c] }
            return []
        }
        var allMatched = false
        do {
            let r = try await runs.bulkUpdateExisting(items.map { claimUpdate($0.0, owner: owner, now: now, lease: lease, slots: $0.1) })
            allMatched = r.matched == items.count
        } catch let e as MongoError where e.isDuplicateKey {}
        if allMatched { return items.map { claimed($0.0, owner: owner, now: now, lease: lease) } }
        // Which claims matched: the runs now this owner's at the attempt this batch gave them.
        let mine = try await runs.find(["_id": ["$in": .array(items.map { .string($0.0._id) })], "owner": .string(owner),
                                        "status": .string(RunStatus.running.rawValue)]).collect()
        let attempts = Dictionary(mine.map { ($0._id, $0.attempt) }, uniquingKeysWith: { a, _ in a })
        return items.filter { attempts[$0.0._id] == $0.0.attempt + 1 }.map { claimed($0.0, owner: owner, now: now, lease: lease) }
    }

    static func indexName(_ field: String) -> String {
        slotIndexes[field]?.name ?? indexes.first { $0.keys.keys.first == field }?.name ?? field
    }

    /// Takes over a running run whose lease lapsed: one conditional update from the state read (same owner, lease
    /// still lapsed). The lost attempt goes into the history; `attempt` grows by one.
    func reclaim(_ run: RunDocument, owner: String, now: Date, lease: Duration) async throws -> RunDocument? {
        guard let old = run.owner, let expired = run.lease_expires_at else { return nil }
        let lost = AttemptRecord(attempt: run.attempt, owner: old, started_at: run.started_at ?? run.created_at, ended_at: nil,
                                 outcome: AttemptOutcome.leaseLost.rawValue, error: "the owner stopped renewing; the lease lapsed at \(ISO8601DateFormatter().string(from: expired))")
        let r = try await runs.updateMany(
            ["_id": .string(run._id), "status": .string(RunStatus.running.rawValue), "owner": .string(old),
             "attempt": .int64(Int64(run.attempt)), "lease_expires_at": ["$lt": .date(now)]],
            ["$set": ["owner": .string(owner), "lease_expires_at": .date(now.adding(lease)), "heartbeat_at": .date(now),
                      "progress": "reclaimed"],
             "$currentDate": ["started_at": true], "$inc": ["attempt": 1], "$push": ["attempts": .document(try BSONEncoder().encode(lost))]])
        guard r.matched == 1 else { return nil }
        var claimed = run
        claimed.owner = owner
        claimed.attempt += 1
        claimed.lease_expires_at = now.adding(lease)
        claimed.started_at = now.bsonMillis
        claimed.attempts.append(lost)
        return claimed
    }

    enum Heartbeat: Equatable {
        case held
        case cancelRequested
        case lost
    }

    /// Renews the lease of a run this owner holds and records its progress.
    func heartbeat(_ id: String, owner: String, now: Date, lease: Duration, progress: String?) async throws -> Heartbeat {
        var set: BSONDocument = ["lease_expires_at": .date(now.adding(lease)), "heartbeat_at": .date(now)]
        if let progress { set["progress"] = .string(progress) }
        let r = try await runs.updateMany(
            ["_id": .string(id), "owner": .string(owner), "status": .string(RunStatus.running.rawValue), "cancel_requested": ["$ne": true]],
            ["$set": .document(set)])
        if r.matched == 1 { return .held }
        guard let doc = try await runs.findOne(["_id": .string(id)]) else { return .lost }
        if doc.owner == owner, doc.status == .running, doc.cancel_requested == true { return .cancelRequested }
        return .lost
    }

    /// Writes a running run's progress text (between heartbeats).
    func progress(_ id: String, owner: String, text: String) async throws {
        _ = try await runs.updateMany(["_id": .string(id), "owner": .string(owner), "status": .string(RunStatus.running.rawValue)],
                                      ["$set": ["progress": .string(text)]])
    }

    /// The check publishing runs in its activation transaction: the run is still this owner's and its lease
    /// unexpired; the write makes a concurrent takeover conflict with the transaction.
    public static func confirm(runID: String, owner: String, now: Date, in tx: MongoDatabase) async throws {
        let r = try await tx.system(.jobRuns, as: RunDocument.self).updateMany(
            ["_id": .string(runID), "owner": .string(owner), "status": .string(RunStatus.running.rawValue), "lease_expires_at": ["$gt": .date(now)]],
            ["$set": ["confirmed_at": .date(now)]])
        guard r.matched == 1 else { throw LeaseError.lost(name: "job run \(runID)") }
    }

    static let slotFields: BSONDocument = ["live_key": "", "job_slot": "", "global_slot": "", "group_slot": "", "lease_expires_at": ""]

    /// How an attempt ended, as the owner writes it.
    enum Ending {
        case succeeded(RunMetrics)
        /// Failed; `retryAt` set when another attempt follows.
        case failed(error: String, outcome: AttemptOutcome, retryAt: Date?)
        case cancelled(reason: String)
        /// Stopped by a shutdown: back to the queue without using up an attempt.
        case interrupted

        /// One word for logs (`succeeded`, `retry`, `failed`, `cancelled`, `interrupted`).
        var summary: String {
            switch self {
            case .succeeded: "succeeded"
            case .failed(_, _, let retryAt): retryAt == nil ? "failed" : "retry"
            case .cancelled: "cancelled"
            case .interrupted: "interrupted"
            }
        }
    }

    /// The conditional update that records the end of this owner's attempt.
    func finishUpdate(_ run: RunDocument, owner: String, now: Date, ending: Ending) throws -> (filter: BSONDocument, update: BSONDocument) {
        let started = run.started_at ?? now
        let duration = max(0, now.timeIntervalSince(started))
        var set: BSONDocument = [:]
        var inc: BSONDocument = [:]
        var unset = Self.slotFields
        unset["progress"] = ""
        var record = AttemptRecord(attempt: run.attempt, owner: owner, started_at: started, ended_at: now.bsonMillis, outcome: "", error: nil)
        switch ending {
        case .succeeded(let metrics):
            set = ["status": .string(RunStatus.succeeded.rawValue), "duration_seconds": .double(duration),
                   "metrics": .document(try BSONEncoder().encode(metrics))]
            inc = ["completions": 1]
            unset["error"] = ""
            record.outcome = AttemptOutcome.succeeded.rawValue
        case .failed(let error, let outcome, let retryAt):
            record.outcome = outcome.rawValue
            record.error = error
            set = ["error": .string(error), "duration_seconds": .double(duration)]
            if let retryAt {
                set["status"] = .string(RunStatus.queued.rawValue)
                set["not_before"] = .date(retryAt)
                unset["owner"] = ""
            } else {
                set["status"] = .string(RunStatus.failed.rawValue)
            }
        case .cancelled(let reason):
            set = ["status": .string(RunStatus.cancelled.rawValue), "error": .string(reason), "duration_seconds": .double(duration)]
            record.outcome = AttemptOutcome.cancelled.rawValue
            record.error = reason
        case .interrupted:
            set = ["status": .string(RunStatus.queued.rawValue), "not_before": .date(now)]
            inc = ["attempt": -1]
            unset["owner"] = ""
            record.outcome = AttemptOutcome.interrupted.rawValue
            record.error = "the replica shut down before the run finished; queued again"
        }
        let final: Bool = switch ending {
        case .succeeded, .cancelled: true
        case .failed(_, _, let retryAt): retryAt == nil
        case .interrupted: false
        }
        // A triggered run holds its queue slot until its end (a retry waits in the queue, still holding it).
        if final { unset["queue_slot"] = "" }
        var update: BSONDocument = ["$set": .document(set), "$unset": .document(unset),
                                    "$push": ["attempts": .document(try BSONEncoder().encode(record))]]
        if !inc.isEmpty { update["$inc"] = .document(inc) }
        if final { update["$currentDate"] = ["ended_at": true] }
        return (["_id": .string(run._id), "owner": .string(owner), "status": .string(RunStatus.running.rawValue),
                 "attempt": .int64(Int64(run.attempt))], update)
    }

    /// Records the end of this owner's attempt; false when the run is no longer this owner's (its result is dropped).
    func finish(_ run: RunDocument, owner: String, now: Date, ending: Ending) async throws -> Bool {
        try await finishMany([(run, now, ending)], owner: owner)[0]
    }

    /// Records the ends of several attempts in one round trip; for each, false when the run was no longer this owner's.
    func finishMany(_ items: [(run: RunDocument, now: Date, ending: Ending)], owner: String) async throws -> [Bool] {
        let updates = try items.map { try finishUpdate($0.run, owner: owner, now: $0.now, ending: $0.ending) }
        if items.count == 1 {
            return [try await runs.updateMany(updates[0].filter, updates[0].update).matched == 1]
        }
        let r = try await runs.bulkUpdateExisting(updates)
        if r.matched == items.count { return items.map { _ in true } }
        let docs = try await runs.find(["_id": ["$in": .array(items.map { .string($0.run._id) })]]).collect()
        let byID = Dictionary(docs.map { ($0._id, $0) }, uniquingKeysWith: { a, _ in a })
        return items.map { item in
            byID[item.run._id]?.attempts.contains { $0.attempt == item.run.attempt && $0.owner == owner && $0.ended_at == item.now.bsonMillis } ?? false
        }
    }

    /// Gives up a reclaimed run whose owners keep dying (a crash loop).
    func abandon(_ run: RunDocument, now: Date, reason: String) async throws -> Bool {
        var unset = Self.slotFields
        unset["progress"] = ""
        unset["queue_slot"] = ""
        let r = try await runs.updateMany(
            ["_id": .string(run._id), "status": .string(RunStatus.running.rawValue), "owner": .string(run.owner ?? ""),
             "attempt": .int64(Int64(run.attempt)), "lease_expires_at": ["$lt": .date(now)]],
            ["$set": ["status": .string(RunStatus.failed.rawValue), "ended_at": .date(now), "error": .string(reason)],
             "$unset": .document(unset),
             "$push": ["attempts": .document(try BSONEncoder().encode(AttemptRecord(
                attempt: run.attempt, owner: run.owner ?? "", started_at: run.started_at ?? run.created_at, ended_at: nil,
                outcome: AttemptOutcome.leaseLost.rawValue, error: reason)))]])
        return r.matched == 1
    }

    // MARK: requests

    /// Cancels a run: a queued one at once; a running one by request (its owner stops it at its next heartbeat), or
    /// at once when its lease has lapsed. Returns the run as it is afterwards; `nil` when there is no such run.
    func cancel(_ id: String, now: Date, reason: String) async throws -> RunDocument? {
        var unset = Self.slotFields
        unset["progress"] = ""
        unset["queue_slot"] = ""
        let queued = try await runs.updateMany(
            ["_id": .string(id), "status": .string(RunStatus.queued.rawValue)],
            ["$set": ["status": .string(RunStatus.cancelled.rawValue), "ended_at": .date(now), "error": .string(reason)], "$unset": .document(unset)])
        if queued.matched == 0 {
            let lapsed = try await runs.updateMany(
                ["_id": .string(id), "status": .string(RunStatus.running.rawValue), "lease_expires_at": ["$lt": .date(now)]],
                ["$set": ["status": .string(RunStatus.cancelled.rawValue), "ended_at": .date(now), "error": .string(reason)], "$unset": .document(unset)])
            if lapsed.matched == 0 {
                _ = try await runs.updateMany(["_id": .string(id), "status": .string(RunStatus.running.rawValue)],
                                              ["$set": ["cancel_requested": true, "cancel_reason": .string(reason)]])
            }
        }
        return try await runs.findOne(["_id": .string(id)])
    }

    /// One run by id.
    func run(_ id: String) async throws -> RunDocument? { try await runs.findOne(["_id": .string(id)]) }

    /// Runs matching a filter, newest first.
    func find(_ filter: BSONDocument, limit: Int) async throws -> [RunDocument] {
        try await runs.find(filter, sort: ["created_at": -1, "_id": -1], limit: limit).collect()
    }

    /// Deletes finished runs of (job, tenant) beyond the newest `keep` and those created before `before`.
    @discardableResult
    func prune(job: String, tenant: String, keep: Int, createdBefore before: Date) async throws -> Int {
        let finals: BSON = ["$in": .array(RunStatus.allCases.filter(\.isFinal).map { .string($0.rawValue) })]
        var removed = try await runs.deleteMany(["job": .string(job), "tenant_id": .string(tenant), "status": finals, "created_at": ["$lt": .date(before)]])
        let kept = try await runs.find(["job": .string(job), "tenant_id": .string(tenant), "status": finals],
                                       sort: ["ended_at": -1], limit: keep + 1, projection: nil).collect()
        if kept.count > keep, let cut = kept.last?.ended_at {
            removed += try await runs.deleteMany(["job": .string(job), "tenant_id": .string(tenant), "status": finals, "ended_at": ["$lte": .date(cut)]])
        }
        return removed
    }

    /// The (job, tenant) pairs with finished runs (for retention).
    func finishedPairs() async throws -> [(String, String)] {
        let docs = try await db.system(.jobRuns, as: PairDocument.self).aggregate([
            ["$match": ["status": ["$in": .array(RunStatus.allCases.filter(\.isFinal).map { .string($0.rawValue) })]]],
            ["$group": ["_id": ["job": "$job", "tenant": "$tenant_id"]]],
        ]).collect()
        return docs.compactMap { d in
            guard case .document(let k)? = d["_id"], let j = k["job"]?.stringValue, let t = k["tenant"]?.stringValue else { return nil }
            return (j, t)
        }
    }
}

/// Placeholder type for aggregation over `job_runs` (rows are read as raw documents).
struct PairDocument: Codable, Sendable {}
