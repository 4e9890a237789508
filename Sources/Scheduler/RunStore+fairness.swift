import Foundation
import MongoStore

/// Fair turns across tenants: start-time fair queuing with rounds instead of times.
///
/// Every queued run carries a `fair_round`. Claims read the queue in (priority, round, due time) order, so within a
/// priority the lowest round goes first. When runs are queued, each tenant's new runs take consecutive rounds that
/// start at the later of the round being served now (the lowest round queued at the best priority) and the tenant's
/// own last queued round plus one. So a tenant that queues 300 runs holds rounds r…r+299, and a tenant that queues one
/// run afterwards gets round r (or the round served by then): it is claimed within the first claims, never after the
/// 300. Rounds live in the run documents, so every replica reads the same order through one index, and a claim stays
/// one conditional update (`RunStore.claim`). Two replicas queuing for the same tenant at once may give equal rounds;
/// ties go by due time, which costs a little fairness and nothing else.
extension RunStore {
    /// The round the queue is serving: the lowest round queued at the best priority (0 for an empty queue).
    func servingRound() async throws -> Int64 {
        let head = try await runs.find(["status": .string(RunStatus.queued.rawValue)],
                                       sort: ["priority": -1, "fair_round": 1, "due_at": 1], limit: 1).collect()
        return head.first?.fair_round ?? 0
    }

    /// The highest round among the queued runs of each of `tenants` (tenants with none queued are absent).
    func lastQueuedRounds(tenants: [String]) async throws -> [String: Int64] {
        guard !tenants.isEmpty else { return [:] }
        let docs = try await db.system(.jobRuns, as: PairDocument.self).aggregate([
            ["$match": ["status": .string(RunStatus.queued.rawValue), "tenant_id": ["$in": .array(Array(Set(tenants)).map { .string($0) })],
                        "fair_round": ["$exists": true]]],
            ["$group": ["_id": "$tenant_id", "round": ["$max": "$fair_round"]]],
        ]).collect()
        var out: [String: Int64] = [:]
        for d in docs {
            guard let t = d["_id"]?.stringValue, let r = d["round"]?.int64Value else { continue }
            out[t] = r
        }
        return out
    }

    /// Gives each of `docs` its round: per tenant, in the order given, consecutive rounds from
    /// `max(serving, last queued + 1)`.
    func assignRounds(_ docs: inout [RunDocument]) async throws {
        guard !docs.isEmpty else { return }
        let serving = try await servingRound()
        let last = try await lastQueuedRounds(tenants: docs.map(\.tenant_id))
        Self.assignRounds(&docs, serving: serving, lastQueued: last)
    }

    /// The pure part of `assignRounds` (tests).
    static func assignRounds(_ docs: inout [RunDocument], serving: Int64, lastQueued: [String: Int64]) {
        var next: [String: Int64] = [:]
        for i in docs.indices {
            let t = docs[i].tenant_id
            let r = next[t] ?? max(serving, lastQueued[t].map { $0 + 1 } ?? serving)
            docs[i].fair_round = r
            next[t] = r + 1
        }
    }
}
