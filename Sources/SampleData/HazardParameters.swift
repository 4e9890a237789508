/// The planted withdrawal hazard. On each idle day `d` (1, 2, … since the last session) the learner withdraws with
/// probability `sigmoid(intercept + perLowEngagement·max(0, engagementThreshold − m/m₀) + perIdleDay·d +
/// perLowScore·max(0, lowScoreThreshold − s))`, where `m/m₀` is the engagement reached by the next session relative
/// to the enrolment's start (see ``EngagementParameters``) and `s` the last quiz score (1 before any quiz). So
/// withdrawals come after engagement has fallen to about half its start, or after a long silence; 60 % of them leave
/// an `unenrolled` event, the others just stop.
public struct HazardParameters: Sendable {
    /// Daily log-odds of withdrawing for an engaged learner.
    public var intercept = -11.0
    /// Added log-odds per unit of relative engagement below `engagementThreshold`.
    public var perLowEngagement = 10.0
    /// Relative engagement (`m/m₀`) below which the hazard rises.
    public var engagementThreshold = 0.5
    /// Added log-odds per idle day.
    public var perIdleDay = 0.3
    /// Added log-odds per unit of the last quiz score below `lowScoreThreshold`.
    public var perLowScore = 5.0
    /// Quiz score below which the hazard rises.
    public var lowScoreThreshold = 0.6

    /// The defaults the README describes.
    public init() {}
}
