/// One course a learner interacted with, weighted like the training data (`r`, before `alpha`).
public struct HistoryItem: Sendable, Equatable {
    /// Course index.
    public let course: Int
    /// Summed interaction weight `r`.
    public let weight: Float

    /// A history item.
    public init(course: Int, weight: Float) {
        self.course = course
        self.weight = weight
    }
}

/// How much one history item contributes to a recommended course's score (Hu et al. 2008, §5).
public struct Explanation: Sendable, Equatable {
    /// The history course.
    public let course: Int
    /// Its contribution `c_uj · s^u_ij`; the contributions sum to the learner's score for the recommended course.
    public let contribution: Float
}
