public import Foundation

/// `learner_recommendations`: a learner's top-K list of one recommender version, key (tenant_id, model_version,
/// learner_id). Written through a tenant scope, which stamps `tenant_id`.
public struct RecommendationDocument: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var course_id: String
        public var score: Double
        /// `because you took <course>`, `popular in your organisation`, …
        public var reason: String

        public init(course_id: String, score: Double, reason: String) {
            self.course_id = course_id
            self.score = score
            self.reason = reason
        }
    }
    public var learner_id: String
    public var items: [Item]
    public var model_version: String
    /// `ials` or `popularity`: which model produced the list.
    public var model_kind: String
    public var computed_at: Date

    public init(learner_id: String, items: [Item], model_version: String, model_kind: String, computed_at: Date) {
        self.learner_id = learner_id
        self.items = items
        self.model_version = model_version
        self.model_kind = model_kind
        self.computed_at = computed_at
    }
}
