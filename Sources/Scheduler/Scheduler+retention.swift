public import Foundation
import MongoStore

extension Scheduler {
    /// Deletes finished runs beyond each job's `history` (newest `keep` per (job, tenant), none created more than
    /// `max_age` ago), once per `retentionInterval`, under the lease `retention:job_runs`.
    func retainIfDue() async throws {
        let now = clock.now()
        if let last = lastRetention, now.timeIntervalSince(last) < configuration.retentionInterval.seconds { return }
        lastRetention = now
        try await applyRetention(now: now)
    }

    /// One retention pass (tests call it directly); returns how many runs were deleted.
    @discardableResult
    public func applyRetention(now: Date) async throws -> Int {
        let leases = LeaseManager(db: db, duration: configuration.leaseDuration, holder: configuration.owner, now: { [clock] in clock.now() })
        guard let lease = try await leases.tryAcquire("retention:job_runs") else { return 0 }
        var removed = 0
        do {
            let policies = Dictionary(jobs.map { ($0.name, $0.history) }, uniquingKeysWith: { a, _ in a })
            for (job, tenant) in try await store.finishedPairs() {
                let p = policies[job] ?? RetentionPolicy()
                removed += try await store.prune(job: job, tenant: tenant, keep: p.keep, createdBefore: now.addingTimeInterval(-p.maxAge.seconds))
            }
        } catch {
            try? await leases.release(lease)
            throw error
        }
        try? await leases.release(lease)
        if removed > 0 { logger.info("history pruned", metadata: ["runs": "\(removed)"]) }
        return removed
    }
}
