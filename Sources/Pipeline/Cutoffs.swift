/// The moments a refresh looks at: `score` (features for today's scores and recommendations), `train` =
/// `score − horizon` (where the risk backtest scores, its model trained as of `score − 2·horizon`), and the risk
/// model's landmarks ``landmarkWeeks`` before `score` (and before the backtest's training cutoff), at each of which
/// the batch keeps a snapshot of every enrolment's state. No information after a snapshot's moment enters it.
package struct Cutoffs: Sendable, Equatable {
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Microseconds since the epoch.
    public let score: Int64
    public let horizonDays: Int
    public var train: Int64 { score - Int64(horizonDays) * Cutoffs.microsPerDay }
    /// Days before `score` at which enrolment states are kept, ascending (the landmarks, `horizon` and `2·horizon`).
    public let snapshotDays: [Int]

    /// Active days are tracked for this many days back from `score` (one bit a day).
    public static let trackedDays = 64
    /// Landmarks of the survival model's training rows, in weeks before its training cutoff: features are taken at
    /// each, and the weeks after it until the cutoff are the rows' follow-up. Far landmarks follow enrolments long
    /// enough to learn the later weeks' hazards.
    public static let landmarkWeeks = [1, 2, 4, 8, 12, 16, 20, 24]

    /// The longest backtest horizon (each snapshot keeps its own active days, so this is a bound on work and on
    /// how much history a backtest needs, not on the masks).
    public static let maxHorizonDays = 56

    /// Throws for a horizon outside 1…``maxHorizonDays``.
    public init(score: Int64, horizonDays: Int) throws {
        guard horizonDays >= 1, horizonDays <= Cutoffs.maxHorizonDays else {
            throw PipelineError.invalidOption("horizon must be 1…\(Cutoffs.maxHorizonDays) days, got \(horizonDays)")
        }
        self.score = score
        self.horizonDays = horizonDays
        snapshotDays = Array(Set(Self.landmarkWeeks.map { $0 * 7 } + [horizonDays, 2 * horizonDays])).sorted()
    }

    /// The moment `days` before the score cutoff.
    public func time(daysBefore days: Int) -> Int64 { score - Int64(days) * Cutoffs.microsPerDay }
}
