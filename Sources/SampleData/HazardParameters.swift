/// The planted withdrawal hazard. On each idle day `d` (1, 2, … since the last session) of an enrolment with
/// engagement `m` (see ``EngagementParameters``) and last quiz score `s` (1 before any quiz), the learner withdraws
/// with probability `sigmoid(intercept + perLowEngagement·max(0, engagementThreshold − m) + perIdleDay·d +
/// perLowScore·max(0, lowScoreThreshold − s))`.
public struct HazardParameters: Sendable {
    public var intercept = -9.0
    public var perLowEngagement = 10.0
    public var engagementThreshold = 0.5
    public var perIdleDay = 0.12
    public var perLowScore = 5.0
    public var lowScoreThreshold = 0.6

    /// The defaults the README describes.
    public init() {}
}
