/// How much one event of each type adds to a (learner, course) interaction's weight `r`.
///
/// The default ranks completion > quiz > lesson completion > enrolment > lesson start / view; `unenrolled` adds
/// nothing. Weights of repeated events are summed, and the model's `alpha` turns the sum into confidence.
public struct ConfidenceWeights: Sendable, Equatable, Codable {
    /// Weight per `event_type`.
    public var weights: [String: Float]
    /// Weight of an event type not in `weights`.
    public var defaultWeight: Float

    /// Weights per event type; unknown types get `defaultWeight`.
    public init(_ weights: [String: Float], defaultWeight: Float = 0) {
        self.weights = weights
        self.defaultWeight = defaultWeight
    }

    /// completed course 8, quiz 4, lesson completed 3, enrolled 2, lesson started 1, content viewed 1, unenrolled 0.
    public static let standard = ConfidenceWeights([
        "course_completed": 8, "quiz_submitted": 4, "lesson_completed": 3, "enrolled": 2,
        "lesson_started": 1, "content_viewed": 1, "unenrolled": 0,
    ])

    /// The weight of one event of `eventType`.
    public func weight(for eventType: String) -> Float { weights[eventType] ?? defaultWeight }
}
