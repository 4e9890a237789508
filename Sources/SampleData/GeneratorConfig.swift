public import LearningEvents

/// The knobs of ``Generator``.
public struct GeneratorConfig: Sendable {
    public var tenants: Int
    /// Learners over all tenants (split by Zipf weights, at least 12 per tenant).
    public var learners: Int
    public var seed: UInt64
    /// Latent topics of courses and tastes.
    public var topics: Int = 12
    /// Mean enrolments per learner.
    public var enrolmentsPerLearner: Double = 2.5
    /// The moment the snapshot is taken (microseconds since the epoch): the export holds every event before it and
    /// none after. Default 2026-06-01 00:00 UTC.
    public var exportDate: Int64 = Timestamp.daysFromCivil(year: 2026, month: 6, day: 1) * Timestamp.microsPerDay
    /// Days before the export date over which enrolments arrive (uniformly, up to the export date itself).
    public var historyDays: Int = 182
    /// How learners work through a course and lose interest.
    public var engagement = EngagementParameters()
    /// The daily withdrawal hazard.
    public var hazard = HazardParameters()

    /// A configuration with the default timeline and planted parameters.
    public init(tenants: Int, learners: Int, seed: UInt64) {
        self.tenants = tenants
        self.learners = learners
        self.seed = seed
    }

    /// The first day enrolments can start (microseconds since the epoch).
    public var start: Int64 { exportDate - Int64(historyDays) * Timestamp.microsPerDay }
}
