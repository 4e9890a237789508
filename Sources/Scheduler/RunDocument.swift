public import Foundation

/// A document of `job_runs`: one run of a job for one tenant, from queued to its end, with its attempts.
///
/// The run is leased by its `owner` (`host:pid:uuid`) until `lease_expires_at`; the owner renews it by heartbeat.
/// While a run is `running` it carries `live_key` (`job|tenant`) under a unique sparse index, so two live runs of
/// the same (job, tenant) cannot exist whatever the number of replicas; `job_slot`, `global_slot` and `group_slot`
/// hold the per-job, cluster-wide and backfill concurrency slots the same way.
public struct RunDocument: Codable, Sendable, Equatable {
    public var _id: String
    public var job: String
    public var kind: String
    public var tenant_id: String
    public var status: RunStatus
    public var trigger: RunTrigger
    /// When the run became due (the cron firing, the trigger time).
    public var due_at: Date
    /// Not claimed before this (retry backoff).
    public var not_before: Date
    public var priority: Int
    /// Position within a backfill (dates in order).
    public var seq: Int?
    public var backfill_id: String?
    /// Live runs of the backfill at once.
    public var backfill_limit: Int?
    /// Live runs of the job at once (the job file's `concurrency`).
    public var job_limit: Int?
    /// Claims so far (the current attempt's number while running).
    public var attempt: Int
    public var max_attempts: Int
    public var retry_backoff: String
    public var retry_initial_ms: Int64
    public var retry_max_delay_ms: Int64
    public var retry_jitter: Bool
    public var timeout_ms: Int64?
    /// Job parameters (validated text), the job file's merged with the trigger's.
    public var params: [String: String]
    public var owner: String?
    public var lease_expires_at: Date?
    public var heartbeat_at: Date?
    public var started_at: Date?
    public var ended_at: Date?
    public var duration_seconds: Double?
    public var metrics: RunMetrics?
    public var error: String?
    /// The phase running now (`recommender tenant-000`), updated with each heartbeat.
    public var progress: String?
    public var cancel_requested: Bool?
    public var created_at: Date
    public var requested_by: String?
    /// Finished attempts, oldest first.
    public var attempts: [AttemptRecord]
    /// Successful completions recorded (1 for a succeeded run; the exactly-once check of the tests).
    public var completions: Int?
    public var live_key: String?
    public var job_slot: String?
    public var global_slot: String?
    public var group_slot: String?
    /// The run's round in the fair queue: within a priority, runs are claimed in round order, and each tenant's
    /// queued runs take consecutive rounds from the round being served, so tenants take turns (see `RunStore+fairness`).
    public var fair_round: Int64?
    /// One of the `max_queued` slots of its (job, tenant) that a triggered run holds from its trigger to its end
    /// (`job|tenant|k`, under a unique sparse index).
    public var queue_slot: String?

    /// The run's live key: one live run per (job, tenant).
    static func liveKey(job: String, tenant: String) -> String { "\(job)|\(tenant)" }
}

/// One attempt of a run, kept in its history.
public struct AttemptRecord: Codable, Sendable, Equatable {
    public var attempt: Int
    public var owner: String
    public var started_at: Date
    public var ended_at: Date?
    /// `succeeded`, `failed`, `cancelled`, `lease lost`, `timed out`, `interrupted` (drained at shutdown).
    public var outcome: String
    public var error: String?
}

/// What a run returned (from the pipeline's summary of its tenant).
///
/// `rows_read`, `rows_valid` and `quarantined` count the whole export (which holds every tenant's rows): only a
/// platform administrator sees them (``RunView``). `tenant_rows` and the rest are the run's tenant's.
public struct RunMetrics: Codable, Sendable, Equatable {
    public var rows_read: Int?
    public var rows_valid: Int?
    public var quarantined: Int?
    /// Valid rows (events) of the run's tenant.
    public var tenant_rows: Int?
    public var learners: Int?
    public var courses: Int?
    public var ndcg10: Double?
    public var precision10: Double?
    public var popularity_ndcg10: Double?
    public var auc: Double?
    public var scored: Int?
    public var recommender_version: String?
    public var risk_version: String?
    public var notes: [String]?

    public init() {}
}
