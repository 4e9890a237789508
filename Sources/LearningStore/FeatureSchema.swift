/// The risk model's features, defined once: each one's name, the raw input it reads (a `learner_features`
/// field, or a course-level value of the ``CourseContext``) and its transform. Training builds its matrix with
/// `vector(_:)`; the schema, course context included, is written into the risk version's document, its card and
/// `features.json` in its artifact folder, so any consumer (the API's live inference, the stream) computes exactly
/// the training features from a `learner_features` row.
///
/// ```swift
/// let x = version.feature_schema!.vector(featureDocument)   // [Float], in `names` order
/// ```
public struct FeatureSchema: Sendable, Equatable, Codable {
    /// One feature.
    public struct Feature: Sendable, Equatable, Codable {
        public var name: String
        public var input: FeatureInput
        public var transform: FeatureTransform
        /// The value used when the input is unknown.
        public var missing: Double

        public init(_ name: String, _ input: FeatureInput, _ transform: FeatureTransform = .identity, missing: Double = 0) {
            self.name = name
            self.input = input
            self.transform = transform
            self.missing = missing
        }
    }

    /// Bumped when a feature's meaning changes.
    public var version: Int
    public var features: [Feature]
    /// The course-level inputs of the version (from its training data); nil in ``current`` and in schemas written
    /// before version 2, where course-level features take their `missing` value.
    public var courses: CourseContext?

    public init(version: Int, features: [Feature], courses: CourseContext? = nil) {
        self.version = version
        self.features = features
        self.courses = courses
    }

    /// Feature names in column order (these name the `factors` of a risk score).
    public var names: [String] { features.map(\.name) }

    /// The same features with `context` as their course-level inputs.
    public func with(courses context: CourseContext?) -> FeatureSchema {
        FeatureSchema(version: version, features: features, courses: context)
    }

    /// The raw (untransformed) input of one feature for one enrolment.
    public func raw(_ input: FeatureInput, _ source: some FeatureInputSource) -> Double? {
        guard input.isCourseLevel else { return source.featureInput(input) }
        guard let courses else { return nil }
        switch input {
        case .courseDropoutRate: return courses.dropoutRate(source.featureCourseID)
        case .paceVsCohort: return source.featureInput(.lessonsPerWeek).map { $0 / courses.pace(source.featureCourseID) }
        default: return nil
        }
    }

    /// The model's input for one enrolment, in `names` order.
    public func vector(_ source: some FeatureInputSource) -> [Float] {
        features.map { f in Float(f.transform.apply(raw(f.input, source), missing: f.missing)) }
    }

    /// The schema this build trains with (version 2: the survival model's features; version 1 had the first 13).
    public static let current = FeatureSchema(version: 2, features: [
        Feature("days_since_last_activity", .daysSinceLastActivity, .clamp(upper: 90)),
        Feature("active_days_7", .activeDays7),
        Feature("active_days_14", .activeDays14),
        Feature("active_days_28", .activeDays28),
        Feature("completion_ratio", .completionRatio),
        Feature("log_lessons_completed", .lessonsCompleted, .log1p(divisor: 1)),
        Feature("log_views", .views, .log1p(divisor: 1)),
        Feature("log_hours_spent", .timeSpentSeconds, .log1p(divisor: 3600)),
        Feature("quiz_attempts", .quizAttempts),
        Feature("quiz_mean_score", .quizMeanScore),
        Feature("has_quiz", .quizMeanScore, .present),
        Feature("quiz_score_trend", .quizScoreTrend, .clip(lower: -2, upper: 2)),
        Feature("days_enrolled", .daysEnrolled, .clamp(upper: 365)),
        Feature("last_quiz_score", .lastQuizScore),
        Feature("quiz_score_gap", .quizScoreGap),
        Feature("longest_gap_days", .longestGapDays, .clamp(upper: 63)),
        Feature("gap_trend", .gapTrend, .clip(lower: -14, upper: 14)),
        Feature("log_decayed_activity", .decayedActivity, .log1p(divisor: 1)),
        Feature("pace_vs_cohort", .paceVsCohort, .clip(lower: 0, upper: 4), missing: 1),
        Feature("course_dropout_rate", .courseDropoutRate, .clip(lower: 0, upper: 1)),
    ])
}
