public import Foundation

/// `learner_feedback`: what a learner did with a recommended course (key `learner_id`, `course_id`, `action`):
/// `dismissed` keeps the course out of the learner's list for the tenant's `dismissal_days`; `enrolled` and
/// `clicked` are kept as evaluation data (the share of recommended courses later enrolled). Expires at
/// `expires_at` (TTL index).
public struct FeedbackDocument: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable, CaseIterable {
        case dismissed, enrolled, clicked
    }

    public var learner_id: String
    public var course_id: String
    public var action: Action
    /// The latest time the learner did it.
    public var at: Date
    /// Recommender version that listed the course, when the caller says.
    public var model_version: String?
    public var expires_at: Date

    public init(learner_id: String, course_id: String, action: Action, at: Date, model_version: String? = nil, expires_at: Date) {
        self.learner_id = learner_id
        self.course_id = course_id
        self.action = action
        self.at = at
        self.model_version = model_version
        self.expires_at = expires_at
    }

    /// How long feedback is kept (and so the longest a dismissal can hold).
    public static let retentionDays = 3_650
}
