import Foundation
import MongoStore

extension Scheduler {
    /// Takes over lapsed runs, then claims queued ones, up to this replica's free slots; returns how many.
    func claimWork() async throws -> Int {
        var free = configuration.maxConcurrentRuns - inFlight.count
        let slots = free
        guard free > 0, !draining else { return 0 }
        let now = clock.now()
        let lapsed: [RunDocument]
        if nextExpiryCheck.map({ now >= $0 }) ?? true {
            nextExpiryCheck = now.addingTimeInterval(configuration.leaseDuration.seconds / 6)
            lapsed = try await store.expired(now: now, limit: free)
        } else { lapsed = [] }
        for run in lapsed {
            let losses = run.attempts.filter { $0.result == .leaseLost }.count + 1
            if losses >= configuration.maxLeaseLosses {
                if try await store.abandon(run, now: now, reason: "gave up: the lease was lost \(losses) times (the replicas running it kept dying)") {
                    logger.error("run abandoned", metadata: ["run": "\(run._id)", "losses": "\(losses)"])
                }
                continue
            }
            guard let taken = try await store.reclaim(run, owner: configuration.owner, now: now, lease: configuration.leaseDuration) else { continue }
            logger.warning("run taken over", metadata: ["run": "\(run._id)", "from": "\(run.owner ?? "?")", "attempt": "\(taken.attempt)"])
            start(taken)
            free -= 1
            if free == 0 { return slots }
        }
        let candidates = try await store.candidates(now: now, limit: max(configuration.claimBatch, free) * 3)
        guard !candidates.isEmpty else { return slots - free }
        // Candidates come in (priority, fair round, due) order: within a priority, tenants take turns. Replicas read
        // the same queue: each starts at its own offset within the first round of the best priority, so they rarely
        // race for the same run while priorities and turns still hold.
        let top = candidates.prefix { $0.priority == candidates[0].priority && $0.fair_round == candidates[0].fair_round }.count
        let offset = top > free ? Int(random() * Double(top)) : 0
        let ordered = Array(candidates[offset..<top] + candidates[..<offset] + candidates[top...])
        let batchStartFree = free
        var batch: [(RunDocument, RunStore.Slots)] = []
        var liveKeys = Set(inFlight.values.map { RunDocument.liveKey(job: $0.run.job, tenant: $0.run.tenant_id) })
        var usedSlots: [String: Set<String>] = [:]  // slot field prefix → values in use
        var full = Set<String>()  // slot prefixes with no free slot this pass
        for run in ordered where free > 0 {
            guard !draining else { return slots - batchStartFree }
            let key = RunDocument.liveKey(job: run.job, tenant: run.tenant_id)
            guard !liveKeys.contains(key) else { continue }
            if run.backfill_id != nil, try await store.hasEarlierLive(run) { continue }
            var slotsOf = RunStore.Slots()
            var wanted: [(field: String, prefix: String, limit: Int)] = []
            if let l = run.job_limit { wanted.append(("job_slot", "job:\(run.job):", l)) }
            if let l = configuration.clusterMaxRuns { wanted.append(("global_slot", "global:", l)) }
            if let b = run.backfill_id, let l = run.backfill_limit { wanted.append(("group_slot", "backfill:\(b):", l)) }
            var blocked = false
            for w in wanted {
                if full.contains(w.prefix) { blocked = true; break }
                if !slotIndexesReady.contains(w.field) {
                    try await store.ensureSlotIndex(w.field)
                    slotIndexesReady.insert(w.field)
                }
                if usedSlots[w.prefix] == nil { usedSlots[w.prefix] = try await slotsInUse(field: w.field, prefix: w.prefix) }
                guard let k = (0..<w.limit).first(where: { !usedSlots[w.prefix]!.contains("\(w.prefix)\($0)") }) else {
                    full.insert(w.prefix)
                    blocked = true
                    break
                }
                slotsOf.fields.append((w.field, "\(w.prefix)\(k)"))
            }
            if blocked { continue }
            batch.append((run, slotsOf))
            liveKeys.insert(key)
            for (f, v) in slotsOf.fields { usedSlots[wanted.first { $0.field == f }!.prefix]!.insert(v) }
            free -= 1
        }
        // One round trip for the batch: each claim is its own conditional update.
        let taken = try await store.claimMany(batch, owner: configuration.owner, now: now, lease: configuration.leaseDuration)
        for run in taken { start(run) }
        return (slots - batchStartFree) + taken.count
    }


    /// Slot values of `field` held by running runs.
    func slotsInUse(field: String, prefix: String) async throws -> Set<String> {
        let docs = try await store.runs.find(["status": .string(RunStatus.running.rawValue), field: ["$exists": true]], limit: 100_000).collect()
        var out = Set<String>()
        for d in docs {
            let v: String? = switch field {
            case "job_slot": d.job_slot
            case "global_slot": d.global_slot
            default: d.group_slot
            }
            if let v, v.hasPrefix(prefix) { out.insert(v) }
        }
        return out
    }

    /// Starts carrying out a claimed run.
    func start(_ run: RunDocument) {
        let handle = InFlightRun(run: run)
        inFlight[run._id] = handle
        handle.task = Task { [self] in
            await self.carryOut(handle)
            await self.finished(run._id)
        }
    }
}
