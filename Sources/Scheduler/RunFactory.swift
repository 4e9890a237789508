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

    /// The separator of a run id's parts: `~` is neither in job names (`A–Z a–z 0–9 . _ -`) nor in identifiers
    /// (`A–Z a–z 0–9 . _ : @ -`), so a run id splits back into its job, tenant and suffix in one way only, and two
    /// different (job, tenant) pairs never make the same id (with `.`, job `a.b` of tenant `c` and job `a` of tenant
    /// `b.c` did). It is unreserved in URLs (RFC 3986), so ids stay as they are in `/v1/runs/{id}`. Ids made before
    /// (`job.tenant.suffix`) are still found: an id is only ever looked up whole, never parsed.
    static let separator = "~"

    /// `nightly-refresh~tenant-000~20261128T0100Z`: one id per (job, tenant, firing), so replicas cannot make a
    /// firing twice.
    static func scheduledID(job: String, tenant: String, firing: Date) -> String {
        "\(job)\(separator)\(tenant)\(separator)\(compact(firing))"
    }

    /// `nightly-refresh~tenant-000~m20261128T101502Z-3fa9c0e2d1b7a645`: a manual trigger (64 random bits, so
    /// triggers of the same second do not collide).
    static func manualID(job: String, tenant: String, now: Date) -> String {
        "\(job)\(separator)\(tenant)\(separator)m\(compact(now, seconds: true))-\(suffix())\(suffix())\(suffix())\(suffix())"
    }

    /// `nightly-refresh~tenant-000~b20260401-3fa9c0e2`: one date of a backfill (`batch` is the backfill's).
    static func backfillID(job: String, tenant: String, day: String, batch: String) -> String {
        "\(job)\(separator)\(tenant)\(separator)b\(day.replacingOccurrences(of: "-", with: ""))-\(batch)"
    }

    /// The (job, tenant, suffix) of a run id made by this factory, or nil for another string (ids made before the
    /// `~` separator, whose split is ambiguous, included).
    static func parts(of id: String) -> (job: String, tenant: String, suffix: String)? {
        let p = id.split(separator: Character(separator), omittingEmptySubsequences: false)
        guard p.count == 3, p.allSatisfy({ !$0.isEmpty }) else { return nil }
        return (String(p[0]), String(p[1]), String(p[2]))
    }

    /// Four random hex digits.
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
