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
    case lastQuizScore = "last_quiz_score"
    case quizScoreGap = "quiz_score_gap"
    case longestGapDays = "longest_gap_days"
    case gapTrend = "gap_trend"
    case decayedActivity = "decayed_activity"
    case lessonsPerWeek = "lessons_per_week"
    /// Course-level (from the schema's ``CourseContext``, built from training data and stored with the model
    /// version): the course's dropout rate.
    case courseDropoutRate = "course_dropout_rate"
    /// Course-level: `lessons_per_week` divided by the course cohort's median pace.
    case paceVsCohort = "pace_vs_cohort"

    /// Inputs read from the course context rather than from the enrolment.
    public var isCourseLevel: Bool { self == .courseDropoutRate || self == .paceVsCohort }
}

/// Something the feature schema can read raw inputs from (`nil`: not known, e.g. no quiz yet).
public protocol FeatureInputSource {
    func featureInput(_ input: FeatureInput) -> Double?
    /// The enrolment's course, for course-level inputs (nil: the context's defaults apply).
    var featureCourseID: String? { get }
}

extension FeatureInputSource {
    public var featureCourseID: String? { nil }
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
        case .lastQuizScore: last_quiz_score
        case .quizScoreGap: quiz_score_gap
        case .longestGapDays: longest_gap_days
        case .gapTrend: gap_trend
        case .decayedActivity: decayed_activity
        case .lessonsPerWeek: lessons_per_week
        case .courseDropoutRate, .paceVsCohort: nil
        }
    }

    public var featureCourseID: String? { course_id }
}
