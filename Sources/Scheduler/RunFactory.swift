import Foundation

/// Builds new `job_runs` documents and their ids.
enum RunFactory {
    static func make(job: JobDefinition, tenant: String, trigger: RunTrigger, dueAt: Date, now: Date, params: [String: String], id: String,
                     priority: Int? = nil, backfill: (id: String, seq: Int, limit: Int)? = nil, requestedBy: String? = nil) -> RunDocument {
        RunDocument(
            _id: id, job: job.name, kind: job.kind.name, tenant_id: tenant, status: .queued, trigger: trigger, due_at: dueAt.bsonMillis,
            not_before: now.bsonMillis, priority: priority ?? job.priority, seq: backfill?.seq, backfill_id: backfill?.id,
            backfill_limit: backfill?.limit, job_limit: job.concurrency, attempt: 0, max_attempts: job.retries.maxAttempts,
            retry_backoff: job.retries.backoff.rawValue, retry_initial_ms: millis(job.retries.initial),
            retry_max_delay_ms: millis(job.retries.maxDelay), retry_jitter: job.retries.jitter, timeout_ms: job.timeout.map(millis),
            params: params, owner: nil, lease_expires_at: nil, heartbeat_at: nil, started_at: nil, ended_at: nil, duration_seconds: nil,
            metrics: nil, error: nil, progress: nil, cancel_requested: nil, created_at: now.bsonMillis, requested_by: requestedBy, attempts: [],
            completions: nil, live_key: nil, job_slot: nil, global_slot: nil, group_slot: nil)
    }

    static func millis(_ d: Duration) -> Int64 { d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000 }

    /// `nightly-refresh.tenant-000.20261128T0100Z`: one id per (job, tenant, firing), so replicas cannot make a firing twice.
    static func scheduledID(job: String, tenant: String, firing: Date) -> String {
        "\(job).\(tenant).\(compact(firing))"
    }

    /// `nightly-refresh.tenant-000.m20261128T101502Z-3fa9`: a manual trigger.
    static func manualID(job: String, tenant: String, now: Date) -> String {
        "\(job).\(tenant).m\(compact(now, seconds: true))-\(suffix())"
    }

    /// `nightly-refresh.tenant-000.b20260401-3fa9`: one date of a backfill.
    static func backfillID(job: String, tenant: String, day: String, batch: String) -> String {
        "\(job).\(tenant).b\(day.replacingOccurrences(of: "-", with: ""))-\(batch)"
    }

    static func suffix() -> String {
        let s = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    /// `20261128T0100Z` (UTC), with seconds when asked.
    static func compact(_ d: Date, seconds: Bool = false) -> String {
        let s = Int64(d.timeIntervalSince1970.rounded(.down))
        let (y, m, day) = civil(fromDays: floorDiv(s, 86_400))
        let r = floorMod(s, 86_400)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)\(two(Int64(m)))\(two(Int64(day)))T\(two(r / 3600))\(two(r / 60 % 60))\(seconds ? two(r % 60) : "")Z"
    }
}
