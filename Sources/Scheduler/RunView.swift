public import Foundation

/// A run as the CLI (`--json`) and the HTTP API show it.
public struct RunView: Codable, Sendable, Equatable {
    public var id: String
    public var job: String
    public var kind: String
    public var tenant: String
    public var status: RunStatus
    public var trigger: RunTrigger
    public var attempt: Int
    public var maxAttempts: Int
    public var owner: String?
    public var dueAt: Date
    public var notBefore: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var durationSeconds: Double?
    public var leaseExpiresAt: Date?
    public var progress: String?
    public var metrics: RunMetrics?
    public var error: String?
    public var params: [String: String]
    public var backfill: String?
    public var cancelRequested: Bool
    public var requestedBy: String?
    public var attempts: [AttemptRecord]

    init(_ d: RunDocument) {
        id = d._id
        job = d.job
        kind = d.kind
        tenant = d.tenant_id
        status = d.status
        trigger = d.trigger
        attempt = d.attempt
        maxAttempts = d.max_attempts
        owner = d.owner
        dueAt = d.due_at
        notBefore = d.not_before
        startedAt = d.started_at
        endedAt = d.ended_at
        durationSeconds = d.duration_seconds
        leaseExpiresAt = d.lease_expires_at
        progress = d.progress
        metrics = d.metrics
        error = d.error
        params = d.params
        backfill = d.backfill_id
        cancelRequested = d.cancel_requested ?? false
        requestedBy = d.requested_by
        attempts = d.attempts
    }
}

/// Which runs to list.
public struct RunQuery: Sendable, Equatable {
    public var job: String?
    public var tenant: String?
    public var status: RunStatus?
    public var backfill: String?
    public var limit: Int

    public init(job: String? = nil, tenant: String? = nil, status: RunStatus? = nil, backfill: String? = nil, limit: Int = 50) {
        self.job = job
        self.tenant = tenant
        self.status = status
        self.backfill = backfill
        self.limit = limit
    }
}

/// A job as `jobs list` and `GET /v1/jobs` show it: the definition and its state.
public struct JobView: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var kind: String
    public var schedule: String
    public var timeZone: String
    public var tenants: String
    public var params: [String: String]
    public var timeout: String?
    public var retries: Int
    public var missedRuns: String
    public var priority: Int
    public var concurrency: Int?
    public var file: String
    public var nextDueAt: Date?
    public var lastDueAt: Date?
    public var lastError: String?
    /// The newest run of each covered tenant (within the caller's access).
    public var lastRuns: [RunView]
}

/// What `backfill` made.
public struct BackfillView: Codable, Sendable, Equatable {
    public var id: String
    public var job: String
    public var days: [String]
    public var tenants: [String]
    public var concurrency: Int
    public var runs: [RunView]
}
