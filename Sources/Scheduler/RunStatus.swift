/// The state of a job run. `queued` and `running` are live; the others are final.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    /// True for `succeeded`, `failed` and `cancelled`.
    public var isFinal: Bool { self != .queued && self != .running }
}

/// Why a run exists.
public enum RunTrigger: String, Sendable, Codable {
    /// Its job's cron fired.
    case schedule
    /// `lodestar jobs trigger` / `POST /v1/jobs/{name}/runs`.
    case manual
    /// One date of `lodestar jobs backfill`.
    case backfill
}
