/// A raw value of an enrolment that the risk model may read: the fields of `learner_features` (the raw value is
/// the field's name). Batch (`FeatureRow`), stream and API (`FeatureDocument`) provide the same values.
public enum FeatureInput: String, Sendable, Codable, CaseIterable {
    case daysSinceLastActivity = "days_since_last_activity"
    case activeDays7 = "active_days_7"
    case activeDays14 = "active_days_14"
    case activeDays28 = "active_days_28"
    case completionRatio = "completion_ratio"
    case lessonsCompleted = "lessons_completed"
    case views
    case timeSpentSeconds = "time_spent_seconds"
    case quizAttempts = "quiz_attempts"
    case quizMeanScore = "quiz_mean_score"
    case quizScoreTrend = "quiz_score_trend"
    /// Days from enrolment to `as_of`.
    case daysEnrolled = "days_enrolled"
}

/// Something the feature schema can read raw inputs from (`nil`: not known, e.g. no quiz yet).
public protocol FeatureInputSource {
    func featureInput(_ input: FeatureInput) -> Double?
}

extension FeatureDocument: FeatureInputSource {
    public func featureInput(_ input: FeatureInput) -> Double? {
        switch input {
        case .daysSinceLastActivity: days_since_last_activity
        case .activeDays7: Double(active_days_7)
        case .activeDays14: Double(active_days_14)
        case .activeDays28: Double(active_days_28)
        case .completionRatio: completion_ratio
        case .lessonsCompleted: Double(lessons_completed)
        case .views: Double(views)
        case .timeSpentSeconds: Double(time_spent_seconds)
        case .quizAttempts: Double(quiz_attempts)
        case .quizMeanScore: quiz_mean_score
        case .quizScoreTrend: quiz_score_trend
        case .daysEnrolled: days_enrolled
        }
    }
}
