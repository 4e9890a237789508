public import Foundation

/// `learner_recommendations`: a learner's top-K list of one recommender version, key (tenant_id, model_version,
/// learner_id). Written through a tenant scope, which stamps `tenant_id`.
public struct RecommendationDocument: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var course_id: String
        public var score: Double
        /// `because you took <course>`, `popular in your organisation`, …
        public var reason: String
        /// Which rule placed it: `model`, `boost`, `pinned` or `fallback` (absent in lists written before rules).
        public var rule: String?

        public init(course_id: String, score: Double, reason: String, rule: String? = nil) {
            self.course_id = course_id
            self.score = score
            self.reason = reason
            self.rule = rule
        }
    }
    public var learner_id: String
    public var items: [Item]
    public var model_version: String
    /// `ials` or `popularity`: which model produced the list.
    public var model_kind: String
    public var computed_at: Date
    /// The tenant's rules version the list was ranked with (0: the defaults; absent before rules existed).
    public var rules_version: Int?

    public init(learner_id: String, items: [Item], model_version: String, model_kind: String, computed_at: Date,
                rules_version: Int? = nil) {
        self.learner_id = learner_id
        self.items = items
        self.model_version = model_version
        self.model_kind = model_kind
        self.computed_at = computed_at
        self.rules_version = rules_version
    }

    /// The document of an engine's list.
    public init(learner_id: String, list: LearnerRecommender.List, model_version: String, model_kind: String, computed_at: Date) {
        self.init(learner_id: learner_id,
                  items: list.items.map { Item(course_id: $0.courseID, score: $0.score, reason: $0.reason, rule: $0.rule) },
                  model_version: model_version, model_kind: model_kind, computed_at: computed_at, rules_version: list.rulesVersion)
    }
}
