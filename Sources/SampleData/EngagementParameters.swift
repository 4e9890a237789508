/// The planted engagement process of one enrolment.
///
/// Each enrolment draws a commitment `c` ~ N(0, 1); engagement starts at `m₀ = exp(commitmentSpread·c) ·
/// clamp(match, 0.4, 2)` (`match` = the learner's taste for the course's topic × topics; 1 = no better than chance).
/// Sessions follow one another after exponential gaps of mean `meanGapDays / max(m, 0.2)` days (at most 45); a
/// session holds Poisson(`0.4 + 1.8·min(m, 1.5)`) content views whose length shrinks with `m`, and finishes the
/// lesson with probability `clamp(0.1 + 0.4·m, 0.15, 0.9)`. A quiz follows every third lesson with score
/// `clamp(ability · (0.6 + 0.4·min(m/m₀, 1)) + 0.12·N(0, 1), 0, 1)`; engagement then moves by `exp(0.4·(score − 0.6))`.
/// Between sessions log engagement drifts by N(0, `noise`).
///
/// Some enrolments **disengage**, with probability `sigmoid(disengageIntercept − disengagePerLogMatch·ln(clamp(match,
/// 0.25, 8)) + disengagePerLowAbility·(0.65 − ability) − disengagePerCommitment·c)`: from an onset drawn exponentially
/// with mean `meanOnsetDays` after enrolment, log engagement falls by `weeklyDecline · (0.5 + u)` per week (`u`
/// uniform, per enrolment), so gaps lengthen, sessions shrink and quiz scores fall over the weeks before the
/// withdrawal that ``HazardParameters`` then brings.
public struct EngagementParameters: Sendable {
    /// Mean days between sessions at engagement 1.
    public var meanGapDays = 4.5
    /// Log-odds of disengaging for a learner of ability 0.65 and commitment 0 on a course of match 1.
    public var disengageIntercept = -0.9
    /// Log-odds taken off per unit of ln(match) (match clamped to 0.25…8): courses that fit a learner's tastes hold them.
    public var disengagePerLogMatch = 0.6
    /// Added log-odds per unit of ability below 0.65.
    public var disengagePerLowAbility = 3.0
    /// Spread of the starting engagement: `exp(commitmentSpread · c)` for a commitment `c` ~ N(0, 1).
    public var commitmentSpread = 0.5
    /// Log-odds of disengaging taken off per unit of commitment.
    public var disengagePerCommitment = 2.5
    /// Mean days from enrolment to the onset of disengagement.
    public var meanOnsetDays = 14.0
    /// Mean fall of log engagement per week after the onset.
    public var weeklyDecline = 0.25
    /// Standard deviation of the change of log engagement between two sessions.
    public var noise = 0.05

    /// The defaults the README describes.
    public init() {}
}
