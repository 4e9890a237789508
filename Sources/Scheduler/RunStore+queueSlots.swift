import Foundation
import MongoStore

/// `max_queued`: a triggered run holds one of its (job, tenant)'s `max_queued` queue slots (`queue_slot` =
/// `job|tenant|k` under a unique sparse index) from its insert to its end, so however many API replicas take
/// triggers at once, no (job, tenant) ever has more than `max_queued` triggered runs queued or running: of two
/// inserts racing for the last slot, the unique index refuses one.
extension RunStore {
    /// What `enqueueTriggered` did.
    enum TriggerOutcome: Equatable {
        /// Every run was queued (with its slot and fair round).
        case queued([RunDocument])
        /// This tenant has no free slot; nothing of the trigger is queued.
        case full(tenant: String)
    }

    static func queueSlotPrefix(job: String, tenant: String) -> String { "\(job)|\(tenant)|" }

    /// Queues triggered runs, each in a free queue slot of its (job, tenant), all or none: when a tenant has no free
    /// slot (`max_queued` runs from triggers queued or running), nothing is queued. A slot lost to a concurrent
    /// trigger is looked for again; if the tenant filled up meanwhile, the runs this call queued are removed
    /// (those a replica already claimed stay).
    func enqueueTriggered(_ docs: [RunDocument], maxQueued: Int) async throws -> TriggerOutcome {
        guard !docs.isEmpty else { return .queued([]) }
        var pending = docs
        try await assignRounds(&pending)
        var inserted: [RunDocument] = []
        for _ in 0..<5 {
            let prefixes = Set(pending.map { Self.queueSlotPrefix(job: $0.job, tenant: $0.tenant_id) })
            let all = prefixes.flatMap { p in (0..<maxQueued).map { BSON.string("\(p)\($0)") } }
            var taken = Set(try await runs.distinct("queue_slot", ["queue_slot": ["$in": .array(all)]]).compactMap(\.stringValue))
            var batch: [RunDocument] = []
            for var d in pending {
                let prefix = Self.queueSlotPrefix(job: d.job, tenant: d.tenant_id)
                guard let k = (0..<maxQueued).first(where: { !taken.contains("\(prefix)\($0)") }) else {
                    try await withdraw(inserted)
                    return .full(tenant: d.tenant_id)
                }
                d.queue_slot = "\(prefix)\(k)"
                taken.insert("\(prefix)\(k)")
                batch.append(d)
            }
            var raced = false
            do { try await runs.insertMany(batch) } catch let e as MongoError where e.isDuplicateKey { raced = true }
            if !raced { return .queued(inserted + batch) }
            // Unordered insert: the runs whose slot was free went in; the others look again.
            let present = Set(try await runs.find(["_id": ["$in": .array(batch.map { .string($0._id) })]]).collect()
                .filter { d in batch.contains { $0._id == d._id && $0.queue_slot == d.queue_slot } }.map(\._id))
            inserted += batch.filter { present.contains($0._id) }
            pending = batch.filter { !present.contains($0._id) }.map { var d = $0; d.queue_slot = nil; return d }
            if pending.isEmpty { return .queued(inserted) }
        }
        try await withdraw(inserted)
        return .full(tenant: pending[0].tenant_id)
    }

    /// Removes runs of a refused trigger that are still queued.
    func withdraw(_ docs: [RunDocument]) async throws {
        guard !docs.isEmpty else { return }
        try await runs.deleteMany(["_id": ["$in": .array(docs.map { .string($0._id) })], "status": .string(RunStatus.queued.rawValue)])
    }

    /// Seconds until a queue slot of (job, tenant) is likely to free: the mean duration of its last finished runs
    /// (5 s…1 h), or 60 s without history.
    func expectedWait(job: String, tenant: String) async throws -> Int {
        let recent = try await runs.find(["job": .string(job), "tenant_id": .string(tenant), "duration_seconds": ["$exists": true]],
                                         sort: ["created_at": -1], limit: 5).collect()
        let durations = recent.compactMap(\.duration_seconds).filter(\.isFinite)
        guard !durations.isEmpty else { return 60 }
        let mean = durations.reduce(0, +) / Double(durations.count)
        return Int(min(3600, max(5, mean.rounded(.up))))
    }
}
