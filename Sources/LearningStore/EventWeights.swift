public import LearningEvents

/// Implicit-feedback confidence added by each event type (summed per learner and course for iALS).
/// Completion says most about taste, a view least; unenrolling adds nothing.
public struct EventWeights: Sendable, Equatable {
    public var values: [EventType: Float]

    public static let `default` = EventWeights(values: [
        .enrolled: 1, .lessonStarted: 0.5, .lessonCompleted: 1, .contentViewed: 0.25, .quizSubmitted: 1,
        .courseCompleted: 4, .unenrolled: 0,
    ])

    public init(values: [EventType: Float]) { self.values = values }

    public func weight(_ type: EventType) -> Float { values[type] ?? 0 }
}
