import LearningEvents
import LearningStore

/// One (learner, course) enrolment while the batch streams an export: its ``EnrolmentState`` as of the score cutoff
/// (anchored at the cutoff's day). Its snapshots at earlier moments live in `TenantAggregator` (only those its events reached). The
/// arithmetic is `LearningStore`'s, the same the stream applies to `learner_features.state`.
struct EnrolmentAggregate: Sendable {
    let learner: Int32
    let course: Int32
    /// As of the score cutoff.
    var state: EnrolmentState

    init(learner: Int32, course: Int32, cutoffs: Cutoffs) {
        self.learner = learner
        self.course = course
        state = EnrolmentState(anchorDay: EnrolmentState.day(cutoffs.score))
    }
}
