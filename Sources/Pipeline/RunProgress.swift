/// One step of a run's progress, as ``ProgressReporter`` reports it to its `onProgress` callback: a phase starting
/// (with its detail) or a running row count within a phase. The scheduler shows ``text`` as the run's progress;
/// the log lines the reporter writes are for people and are not parsed.
public struct RunProgress: Sendable, Equatable {
    /// The phase (`scan`, `read`, `features`, `recommender`, …).
    public var phase: String
    /// What the phase is working on (a tenant, the source) when it starts; nil for a row count.
    public var detail: String?
    /// Rows counted so far within the phase; nil when the phase starts.
    public var rows: Int?

    public init(phase: String, detail: String? = nil, rows: Int? = nil) {
        self.phase = phase
        self.detail = detail
        self.rows = rows
    }

    /// The progress text `lodestar jobs runs` shows: `features acme` when a phase starts, `read 1200000 rows` for a
    /// count.
    public var text: String {
        if let rows { return "\(phase) \(rows) rows" }
        return detail.map { "\(phase) \($0)" } ?? phase
    }
}
