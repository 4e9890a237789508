public import Foundation

/// `learner_features`: one enrolment's features as of the last refresh's cutoff (then kept fresh by the stream),
/// key (tenant_id, learner_id, course_id). The risk model's inputs are computed from these fields by
/// `FeatureSchema`, the same way in training and serving.
///
/// `state` holds the raw aggregates (``EnrolmentState``) the features were computed from, so the stream can apply
/// new events to it and recompute; `nil` in documents written before it existed.
public struct FeatureDocument: Codable, Sendable, Equatable {
    public var learner_id: String
    public var course_id: String
    public var org_id: String?
    public var as_of: Date
    public var enrolled_at: Date?
    public var last_activity_at: Date?
    public var days_since_last_activity: Double
    public var active_days_7: Int
    public var active_days_14: Int
    public var active_days_28: Int
    public var lessons_completed: Int
    public var completion_ratio: Double
    public var views: Int
    public var time_spent_seconds: Int64
    public var quiz_attempts: Int
    public var quiz_mean_score: Double?
    public var quiz_score_trend: Double?
    public var course_completed: Bool
    public var unenrolled: Bool
    /// The aggregates behind the features (see ``EnrolmentState``).
    public var state: EnrolmentState?
    /// Features added with the survival risk model (``EnrolmentFeatures``); nil in documents written before.
    public var last_quiz_score: Double?
    public var quiz_score_gap: Double?
    public var longest_gap_days: Double?
    public var gap_trend: Double?
    public var decayed_activity: Double?
    public var lessons_per_week: Double?

    public init(learner_id: String, course_id: String, org_id: String?, as_of: Date, enrolled_at: Date?, last_activity_at: Date?,
                days_since_last_activity: Double, active_days_7: Int, active_days_14: Int, active_days_28: Int,
                lessons_completed: Int, completion_ratio: Double, views: Int, time_spent_seconds: Int64, quiz_attempts: Int,
                quiz_mean_score: Double?, quiz_score_trend: Double?, course_completed: Bool, unenrolled: Bool,
                state: EnrolmentState? = nil) {
        self.learner_id = learner_id
        self.course_id = course_id
        self.org_id = org_id
        self.as_of = as_of
        self.enrolled_at = enrolled_at
        self.last_activity_at = last_activity_at
        self.days_since_last_activity = days_since_last_activity
        self.active_days_7 = active_days_7
        self.active_days_14 = active_days_14
        self.active_days_28 = active_days_28
        self.lessons_completed = lessons_completed
        self.completion_ratio = completion_ratio
        self.views = views
        self.time_spent_seconds = time_spent_seconds
        self.quiz_attempts = quiz_attempts
        self.quiz_mean_score = quiz_mean_score
        self.quiz_score_trend = quiz_score_trend
        self.course_completed = course_completed
        self.unenrolled = unenrolled
        self.state = state
    }

    /// The document of `features`, with the `state` they were computed from.
    public init(learner: String, course: String, org: String?, features f: EnrolmentFeatures, state: EnrolmentState?) {
        func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
        self.init(
            learner_id: learner, course_id: course, org_id: org, as_of: date(f.asOf), enrolled_at: f.enrolledAt.map(date),
            last_activity_at: f.lastActivityAt.map(date), days_since_last_activity: f.daysSinceLastActivity,
            active_days_7: f.activeDays7, active_days_14: f.activeDays14, active_days_28: f.activeDays28,
            lessons_completed: f.lessonsCompleted, completion_ratio: f.completionRatio, views: f.views,
            time_spent_seconds: f.timeSpentSeconds, quiz_attempts: f.quizAttempts, quiz_mean_score: f.quizMeanScore,
            quiz_score_trend: f.quizScoreTrend, course_completed: f.completed, unenrolled: f.unenrolled, state: state)
        last_quiz_score = f.lastQuizScore
        quiz_score_gap = f.quizScoreGap
        longest_gap_days = f.longestGapDays
        gap_trend = f.gapTrend
        decayed_activity = f.decayedActivity
        lessons_per_week = f.lessonsPerWeek
    }

    /// Days from enrolment to `as_of` (0 when the enrolment date is unknown).
    public var days_enrolled: Double {
        guard let enrolled_at else { return 0 }
        return max(0, as_of.timeIntervalSince(enrolled_at) / 86_400)
    }
}
