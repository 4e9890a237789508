/// The time columns of a discrete-time survival model's person-period rows, appended after the features: weeks
/// since the moment the features were taken (capped) and the week of enrolment (capped), each also as `log1p`, so the
/// baseline hazard can rise and fall over an enrolment's weeks.
public struct SurvivalTimeBasis: Sendable, Equatable, Codable {
    /// Weeks since the features' moment beyond this count as this many (the training data follow rows this far).
    public var sinceCap: Double
    /// Weeks of enrolment beyond this count as this many.
    public var weekCap: Double

    public init(sinceCap: Double = 12, weekCap: Double = 52) {
        self.sinceCap = sinceCap
        self.weekCap = weekCap
    }

    public static let names = ["weeks_since_features", "log_weeks_since_features", "week_of_enrolment", "log_week_of_enrolment"]
    public var count: Int { Self.names.count }

    /// The columns of week `s` after the features' moment, at week `w` of enrolment.
    public func values(weeksSince s: Double, weekOfEnrolment w: Double) -> [Double] {
        let a = min(max(0, s), sinceCap), b = min(max(0, w), weekCap)
        return [a, mathLog1p(a), b, mathLog1p(b)]
    }
}
