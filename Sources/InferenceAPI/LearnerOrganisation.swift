import LearningStore

/// A learner's organisation as its own rows say: the `org_id` of its most recently updated `learner_features` row
/// that names one (the batch and the stream write the newest event's organisation). This, never a token claim, is
/// the organisation of a learner on every route: live recommendations' candidates and similar courses.
enum LearnerOrganisation {
    /// The organisation of the learner whose rows these are; `nil` when no row names one (then only courses
    /// offered to the whole tenant are the learner's).
    static func of(_ rows: [FeatureDocument]) -> String? {
        rows.filter { $0.org_id != nil }.max { ($0.as_of, $0.course_id) < ($1.as_of, $1.course_id) }?.org_id
    }
}
