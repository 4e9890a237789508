public import Foundation

/// `dropout_risk`: one enrolment's score under one risk version, key (tenant_id, model_version, learner_id,
/// course_id), with the factors that move its log-odds most.
public struct RiskDocument: Codable, Sendable, Equatable {
    public struct Factor: Codable, Sendable, Equatable {
        public var feature: String
        public var value: Double
        /// Contribution to the log-odds (positive raises the risk).
        public var contribution: Double

        public init(feature: String, value: Double, contribution: Double) {
            self.feature = feature
            self.value = value
            self.contribution = contribution
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

    public init(learner_id: String, course_id: String, org_id: String?, risk: Double, band: String, factors: [Factor],
                model_version: String, computed_at: Date) {
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
