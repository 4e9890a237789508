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
    public var hazard = HazardParameters()

    public init(tenants: Int, learners: Int, seed: UInt64) {
        self.tenants = tenants
        self.learners = learners
        self.seed = seed
    }
}

/// The planted dropout hazard: before lesson `k`, after a gap of `gap` days since the last activity, with last quiz
/// score `s` (1 before any quiz), the learner withdraws with probability
/// `sigmoid(intercept + perGapDay·gap + perLowScore·max(0, 0.6 − s) + perLesson·k)`.
public struct HazardParameters: Sendable {
    public var intercept = -4.9
    public var perGapDay = 0.55
    public var perLowScore = 6.0
    public var perLesson = 0.0

    public init() {}
}
