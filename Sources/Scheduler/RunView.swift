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

    /// The whole run, as a platform administrator sees it.
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

extension RunView {
    /// The run as a caller with `access` may see it (`JobService` hands out no other view).
    ///
    /// A platform administrator sees the whole run. A tenant's data scientist sees its tenant's run without what
    /// belongs to the platform: the owner and each attempt's owner (`host:pid:uuid`) are reduced to the replica's
    /// random tag (so attempts on different replicas can still be told apart), and the export-wide row counts
    /// (`rows_read`, `rows_valid`, `quarantined`: the shared export holds every tenant's rows) are left out, as is
    /// the running count of rows read in the progress text (`read 1200000 rows` shows as `read`); the tenant's own
    /// (`tenant_rows`, `learners`, `courses`) stay.
    init(_ d: RunDocument, for access: JobAccess) {
        self.init(d)
        guard case .tenant = access else { return }
        progress = progress.map(Self.withoutRowCount)
        owner = owner.map(Self.replicaTag)
        for k in attempts.indices { attempts[k].owner = Self.replicaTag(attempts[k].owner) }
        if var m = metrics {
            m.rows_read = nil
            m.rows_valid = nil
            m.quarantined = nil
            metrics = m
        }
    }

    /// A progress text without the export-wide count of a reading phase (`<phase> <n> rows`, as `RunProgress.text`
    /// writes it), else the text as it is.
    static func withoutRowCount(_ text: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count >= 3, words.last == "rows", words[words.count - 2].allSatisfy(\.isNumber) else { return text }
        return words.dropLast(2).joined(separator: " ")
    }

    /// The random part of an owner `host:pid:uuid` (after its last `:`), never the host or the process id; an owner
    /// of another shape is hidden whole.
    static func replicaTag(_ owner: String) -> String {
        let parts = owner.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let tag = parts.last, !tag.isEmpty else { return "hidden" }
        return "replica-\(tag)"
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
