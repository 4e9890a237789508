import LearningEvents
import LearningStore

/// One (learner, course) enrolment while the batch streams an export: its ``EnrolmentState`` as of the score cutoff
/// (anchored at the cutoff's day) plus the totals as of the training cutoff, which share the state's dates and
/// active days. The arithmetic is `LearningStore`'s, the same the stream applies to `learner_features.state`.
struct EnrolmentAggregate: Sendable {
    let learner: Int32
    let course: Int32
    /// As of the score cutoff.
    var state: EnrolmentState
    /// Totals of the events up to the training cutoff (never nil; optional only for `EnrolmentState.apply(also:)`).
    var trainTotals: ActivityTotals? = ActivityTotals()

    init(learner: Int32, course: Int32, cutoffs: Cutoffs) {
        self.learner = learner
        self.course = course
        state = EnrolmentState(anchorDay: EnrolmentState.day(cutoffs.score))
    }

    mutating func add(_ type: EventType, at t: Int64, duration: Int64?, score: Double?, cutoffs: Cutoffs, weights: EventWeights) {
        guard t <= cutoffs.score else { return }  // after the cutoff: not known yet
        let w = weights.weight(type)
        if t <= cutoffs.train {
            state.apply(type, at: t, duration: duration, score: score, weight: w, also: &trainTotals)
        } else {
            state.apply(type, at: t, duration: duration, score: score, weight: w)
        }
    }

    /// The totals as of `cutoff`.
    func totals(_ cutoff: TenantAggregator.Cutoff) -> ActivityTotals {
        cutoff == .train ? (trainTotals ?? ActivityTotals()) : state.totals
    }
}
