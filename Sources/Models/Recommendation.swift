/// One recommended course and its score.
public struct Recommendation: Sendable, Equatable, Codable {
    /// Course index (row of the model's course factors / its ``IDMap``).
    public let course: Int
    /// Predicted preference (`x_uᵀ y_i`; for a popularity fallback, the course's learner count).
    public let score: Float

    /// A recommendation.
    public init(course: Int, score: Float) {
        self.course = course
        self.score = score
    }
}
