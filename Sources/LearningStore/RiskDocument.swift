public import Foundation

/// `dropout_risk`: one enrolment's score under one risk version, key (tenant_id, model_version, learner_id,
/// course_id), with the factors that move its log-odds most, each with its reason in words.
public struct RiskDocument: Codable, Sendable, Equatable {
    public struct Factor: Codable, Sendable, Equatable {
        public var feature: String
        /// The raw value the feature was computed from (days, lessons, a score; before the schema's transform).
        public var value: Double
        /// Contribution to the log-odds (positive raises the risk).
        public var contribution: Double
        /// The factor in words an admin reads ("no activity for 20 days"); nil in documents written before.
        public var reason: String?

        public init(feature: String, value: Double, contribution: Double, reason: String? = nil) {
            self.feature = feature
            self.value = value
            self.contribution = contribution
            self.reason = reason
        }
    }
    public var learner_id: String
    public var course_id: String
    public var org_id: String?
    public var risk: Double
    /// `low`, `medium` or `high`.
    public var band: String
    public var factors: [Factor]
    public var model_version: String
    public var computed_at: Date
    /// `survival` (the model) or `heuristic` (days since last activity over the inactivity limit, for a tenant
    /// without a model); nil in documents written before.
    public var model_kind: String?
    /// Survival scores: the expected week of enrolment of the dropout, given that it comes.
    public var expected_dropout_week: Double?

    public init(learner_id: String, course_id: String, org_id: String?, risk: Double, band: String, factors: [Factor],
                model_version: String, computed_at: Date, model_kind: String? = nil, expected_dropout_week: Double? = nil) {
        self.model_kind = model_kind
        self.expected_dropout_week = expected_dropout_week
        self.learner_id = learner_id
        self.course_id = course_id
        self.org_id = org_id
        self.risk = risk
        self.band = band
        self.factors = factors
        self.model_version = model_version
        self.computed_at = computed_at
    }
}
