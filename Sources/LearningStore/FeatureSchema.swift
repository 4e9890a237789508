/// The risk model's features, defined once: each one's name, the raw input it reads (a `learner_features`
/// field) and its transform. Training builds its matrix with `vector(_:)`; the schema is written into the risk
/// version's document, its card and `features.json` in its artifact folder, so any consumer (the API's live
/// inference, the stream) computes exactly the training features from a `learner_features` row.
///
/// ```swift
/// let x = FeatureSchema.current.vector(featureDocument)   // [Float], in `names` order
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

    public init(version: Int, features: [Feature]) {
        self.version = version
        self.features = features
    }

    /// Feature names in column order (these name the `factors` of a risk score).
    public var names: [String] { features.map(\.name) }

    /// The model's input for one enrolment, in `names` order.
    public func vector(_ source: some FeatureInputSource) -> [Float] {
        features.map { f in Float(f.transform.apply(source.featureInput(f.input), missing: f.missing)) }
    }

    /// The schema this build trains with.
    public static let current = FeatureSchema(version: 1, features: [
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
        Feature("quiz_score_trend", .quizScoreTrend),
        Feature("days_enrolled", .daysEnrolled, .clamp(upper: 365)),
    ])
}
