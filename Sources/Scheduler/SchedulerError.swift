/// Errors of the scheduler and of `JobService` (the HTTP API maps them to statuses: `notFound` → 404,
/// `invalid*`/`forbidden` → 400/403, `conflict` → 409, `tooManyRuns` → 429 `too_many_runs` with `Retry-After`).
public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownJob(String)
    case runNotFound(String)
    case invalidParameter(String, String)
    case invalidRequest(String)
    /// The caller's tenant scope does not cover this tenant (reported as not found to the caller).
    case forbiddenTenant(String)
    case conflict(String)
    case noTenants(job: String, reason: String)
    /// The (job, tenant) already has `limit` queued or running runs from triggers (the job file's `max_queued`);
    /// one of them is expected to end in about `retryAfter` seconds.
    case tooManyRuns(job: String, tenant: String, limit: Int, retryAfter: Int)

    public var description: String {
        switch self {
        case .unknownJob(let n): "unknown job '\(n)'"
        case .runNotFound(let id): "no run '\(id)'"
        case .invalidParameter(let k, let m): "param \(k): \(m)"
        case .invalidRequest(let m): m
        case .forbiddenTenant(let t): "tenant '\(t)' is outside your scope"
        case .conflict(let m): m
        case .noTenants(let job, let reason): "job \(job) has no tenants to run: \(reason)"
        case .tooManyRuns(let job, let tenant, let limit, let after):
            "job \(job) already has \(limit) queued or running \(limit == 1 ? "run" : "runs") of tenant \(tenant) from triggers "
                + "(max_queued: \(limit)); try again in about \(after) s"
        }
    }
}
