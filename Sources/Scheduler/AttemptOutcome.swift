/// How an attempt of a run ended. The raw values are the text stored in `job_runs.attempts[].outcome` (and shown by
/// `lodestar jobs runs` and the API), so code compares the typed value and the stored text never changes.
package enum AttemptOutcome: String, Codable, Sendable, CaseIterable {
    case succeeded
    case failed
    case cancelled
    /// The owner stopped renewing the run's lease (it died or lost the database); another replica took the run over.
    case leaseLost = "lease lost"
    case timedOut = "timed out"
    /// Drained at shutdown: queued again without using up an attempt.
    case interrupted

    /// Whether the attempt counts against the run's retries (`failed`, `timed out`).
    public var usesARetry: Bool { self == .failed || self == .timedOut }
}

extension AttemptRecord {
    /// The stored outcome, typed; nil for text this version does not know.
    package var result: AttemptOutcome? { AttemptOutcome(rawValue: outcome) }
}
