package import Foundation

/// A document of `jobs`: a job's definition as last loaded (for `jobs list` and the API) and its next due time.
/// One due time per job: every tenant of a job shares its schedule, and the runs are per (job, tenant).
package struct JobStateDocument: Codable, Sendable, Equatable {
    /// The job name.
    public var _id: String
    public var fingerprint: String
    public var kind: String
    public var schedule: String
    public var time_zone: String
    public var tenants: String
    public var params: [String: String]
    public var next_due_at: Date?
    /// The last firing runs were made for.
    public var last_due_at: Date?
    /// Firings dropped by `missed_runs: skip` (or folded by `run_once`), in all.
    public var missed_firings: Int?
    /// Why the last firing made no runs (tenants could not be listed), if it did not.
    public var last_error: String?
    public var updated_at: Date
}
