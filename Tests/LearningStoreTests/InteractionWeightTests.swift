import Foundation
import LearningEvents
import LearningStore
import Testing

/// The fold-in weight of a `learner_features` row is the confidence training summed for the enrolment.
@Suite struct InteractionWeightTests {
    static func row(state: EnrolmentState?) -> FeatureDocument {
        FeatureDocument(learner_id: "l", course_id: "c", org_id: nil, as_of: Date(), enrolled_at: Date(), last_activity_at: nil,
                        days_since_last_activity: 0, active_days_7: 0, active_days_14: 0, active_days_28: 0,
                        lessons_completed: 2, completion_ratio: 0.5, views: 4, time_spent_seconds: 0, quiz_attempts: 1,
                        quiz_mean_score: 0.5, quiz_score_trend: nil, course_completed: true, unenrolled: false, state: state)
    }

    @Test func stateConfidenceOrTheCountsWithTheDefaultWeights() {
        // Without state: enrolment 1 + 2 lessons × (0.5 start + 1 completion) + 4 views × 0.25 + 1 quiz + completion 4.
        #expect(Self.row(state: nil).interactionWeight == 10)
        let w = EventWeights.default
        var s = EnrolmentState(anchorDay: 20_000)
        let t: Int64 = 20_000 * EnrolmentState.microsPerDay
        for type in [EventType.enrolled, .lessonStarted, .lessonCompleted, .contentViewed] {
            s.apply(type, at: t, duration: nil, score: nil, weight: w.weight(type))
        }
        #expect(Self.row(state: s).interactionWeight == 1 + 0.5 + 1 + 0.25)
        // An enrolment without activity is left out of training: weight 0.
        #expect(Self.row(state: EnrolmentState(anchorDay: 20_000)).interactionWeight == 0)
    }
}
