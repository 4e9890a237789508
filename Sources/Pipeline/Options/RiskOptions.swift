public import Models

/// What the risk phase (`score-risk`) reads: the horizon and inactivity rule that define a dropout, the fit, and
/// when a small tenant borrows the pooled model. Set by the CLI flags and the job parameters `horizon_days` and
/// `inactivity_days`.
public struct RiskOptions: Sendable {
    /// The risk backtest trains as of `cutoff − 2·horizonDays`, scores as of `cutoff − horizonDays` and reads
    /// outcomes at the cutoff. The export's reading uses it too (the cutoffs every aggregate is built for).
    public var horizonDays = 28
    /// An open enrolment with no activity for this many days is a dropout.
    public var inactivityDays = 21
    public var logistic = LogisticRegressionConfiguration()
    /// A tenant whose risk training data hold fewer dropped enrolments than this is small: it gets its own fit
    /// shrunk towards the pooled platform model when it consents, else the heuristic score.
    public var minDropoutsForOwnModel = 150
    /// How hard a small tenant's fit is pulled towards the pooled prior (L2 on standardised weights).
    public var priorStrength = 50.0
    /// Run the risk backtest (a second training as of `cutoff − 2·horizon`).
    public var backtest = true

    public init() {}
}
