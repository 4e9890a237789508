/// The two moments a refresh looks at: `score` (features for today's scores and recommendations) and
/// `train` = `score − horizon` (features for training the risk model, whose labels are read at `score`, so
/// no information from after a training row's cutoff leaks into it).
public struct Cutoffs: Sendable, Equatable {
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Microseconds since the epoch.
    public let score: Int64
    public let horizonDays: Int
    public var train: Int64 { score - Int64(horizonDays) * Cutoffs.microsPerDay }

    /// Active days are tracked for this many days back from `score` (one bit a day).
    public static let trackedDays = 64

    /// - Precondition of use: `horizonDays + 28 <= trackedDays` so both 28-day windows fit (checked: throws).
    public init(score: Int64, horizonDays: Int) throws {
        guard horizonDays >= 1, horizonDays + 28 <= Cutoffs.trackedDays else {
            throw PipelineError.invalidOption("horizon must be 1…\(Cutoffs.trackedDays - 28) days, got \(horizonDays)")
        }
        self.score = score
        self.horizonDays = horizonDays
    }
}
