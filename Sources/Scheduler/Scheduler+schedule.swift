import Foundation
import MongoStore

extension Scheduler {
    var jobStates: SystemCollection<JobStateDocument> { db.system(.jobs, as: JobStateDocument.self) }

    /// Makes runs for every job whose next firing has come, under the lease `schedule:<job>` so one replica does
    /// each firing (run ids are derived from the firing, so a second one would only find them made).
    func scheduleDue() async throws {
        let now = clock.now()
        if let next = nextStateCheck, now < next { return }
        let states = Dictionary(try await jobStates.find().collect().map { ($0._id, $0) }, uniquingKeysWith: { a, _ in a })
        let earliest = jobs.compactMap { states[$0.name]?.fingerprint == $0.fingerprint ? states[$0.name]?.next_due_at : nil }.min()
            .map { $0.addingTimeInterval(-configuration.lookahead.seconds) }
        let recheck = now.addingTimeInterval(max(configuration.pollInterval.seconds * 5, 1))
        nextStateCheck = jobs.allSatisfy({ states[$0.name]?.fingerprint == $0.fingerprint }) ? min(earliest ?? recheck, recheck) : nil
        for job in jobs {
            guard !draining else { return }
            guard let state = states[job.name], state.fingerprint == job.fingerprint else {
                try await register(job, now: now, previous: states[job.name])
                continue
            }
            guard let due = state.next_due_at, due.addingTimeInterval(-configuration.lookahead.seconds) <= now else { continue }
            let leases = LeaseManager(db: db, duration: configuration.leaseDuration, holder: configuration.owner, now: { [clock] in clock.now() })
            guard let lease = try await leases.tryAcquire("schedule:\(job.name)") else { continue }
            do {
                try await fire(job, due: due, now: now)
            } catch {
                try? await leases.release(lease)
                throw error
            }
            try? await leases.release(lease)
        }
    }

    /// Records a job (new or changed file): its definition and first due time.
    func register(_ job: JobDefinition, now: Date, previous: JobStateDocument?) async throws {
        let next = job.schedule.next(after: now)
        var set: BSONDocument = [
            "fingerprint": .string(job.fingerprint), "kind": .string(job.kind.name), "schedule": .string(job.schedule.expression.text),
            "time_zone": .string(job.schedule.zoneName), "tenants": .string("\(job.tenants)"),
            "params": .document(try BSONEncoder().encode(job.params)), "updated_at": .date(now),
        ]
        set["next_due_at"] = next.map { .date($0) } ?? .null
        let filter: BSONDocument = previous.map { ["_id": .string(job.name), "fingerprint": .string($0.fingerprint)] } ?? ["_id": .string(job.name)]
        do {
            _ = try await jobStates.updateMany(filter, ["$set": .document(set)], upsert: true)
        } catch let e as MongoError where e.isDuplicateKey {}  // another replica registered it first
        logger.info("job registered", metadata: ["job": "\(job.name)", "next_due_at": "\(next.map { "\($0)" } ?? "never")"])
    }

    /// Handles one firing about to be due or due (and any missed since): makes the runs (claimable from their
    /// firing on), then moves the job's due time on.
    func fire(_ job: JobDefinition, due: Date, now: Date) async throws {
        guard let state = try await jobStates.findOne(["_id": .string(job.name)]), state.next_due_at == due else { return }
        var firings = [due] + job.schedule.firings(after: due, upTo: now, limit: 100_000)
        let graceLimit = now.addingTimeInterval(-configuration.misfireGrace.seconds)
        let onTime = firings.filter { $0 >= graceLimit }
        let missed = firings.count - onTime.count
        var runFor: [Date] = onTime
        if missed > 0 {
            switch job.missedRuns {
            case .skip:
                logger.warning("missed firings skipped", metadata: ["job": "\(job.name)", "missed": "\(missed)"])
            case .runOnce:
                if onTime.isEmpty, let latest = firings.last { runFor = [latest] }
                logger.warning("missed firings run once", metadata: ["job": "\(job.name)", "missed": "\(missed)"])
            }
        }
        firings = runFor
        var problem: String?
        if !firings.isEmpty {
            do {
                let tenants = try await tenantDirectory.tenants(for: job, params: job.params)
                if tenants.isEmpty { problem = "no tenants to run for" }
                var docs: [RunDocument] = []
                for f in firings {
                    for t in tenants {
                        var d = RunFactory.make(job: job, tenant: t, trigger: .schedule, dueAt: f, now: now, params: job.params,
                                                id: RunFactory.scheduledID(job: job.name, tenant: t, firing: f))
                        d.not_before = max(f, now).bsonMillis
                        docs.append(d)
                    }
                }
                let made = try await store.enqueue(docs)
                logger.info("job fired", metadata: ["job": "\(job.name)", "firing": "\(firings.last!)", "runs": "\(made)"])
            } catch {
                problem = "\(error)"
                logger.error("job fired but no runs were made", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
        }
        let next = job.schedule.next(after: max(now, firings.last ?? due))
        var set: BSONDocument = ["next_due_at": next.map { .date($0) } ?? .null, "updated_at": .date(now)]
        if let last = firings.last { set["last_due_at"] = .date(last) }
        var update: BSONDocument = ["$set": .document(set), "$inc": ["missed_firings": .int64(Int64(missed))]]
        if let problem { set["last_error"] = .string(problem); update["$set"] = .document(set) } else { update["$unset"] = ["last_error": ""] }
        _ = try await jobStates.updateMany(["_id": .string(job.name), "next_due_at": .date(due)], update)
    }
}
