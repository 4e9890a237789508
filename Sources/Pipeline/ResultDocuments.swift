public import Foundation

/// The documents Lodestar writes for the core API (collections and fields of the architecture document).
/// Every one is written through a tenant scope, which stamps `tenant_id`; within a model version the
/// natural key is the one named on each type, and `model_version` tells versions apart.

/// `learner_recommendations`, key (tenant_id, learner_id) per version.
public struct RecommendationDocument: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var course_id: String
        public var score: Double
        /// `because you completed <course>`, `popular in your organisation`, …
        public var reason: String
    }
    public var learner_id: String
    public var items: [Item]
    public var model_version: String
    /// `ials`, `ials-shared` or `popularity`: which model produced the list.
    public var model_kind: String
    public var computed_at: Date
}

/// `dropout_risk`, key (tenant_id, learner_id, course_id) per version.
public struct RiskDocument: Codable, Sendable, Equatable {
    public struct Factor: Codable, Sendable, Equatable {
        public var feature: String
        public var value: Double
        /// Contribution to the log-odds (positive raises the risk).
        public var contribution: Double
    }
    public var learner_id: String
    public var course_id: String
    public var org_id: String?
    public var risk: Double
    public var band: String
    public var factors: [Factor]
    public var model_version: String
    public var computed_at: Date
}

/// `learner_embeddings` / `course_embeddings`, key (tenant_id, learner_id / course_id) per version.
public struct EmbeddingDocument: Codable, Sendable, Equatable {
    public var learner_id: String?
    public var course_id: String?
    public var vector: [Float]
    public var model_version: String
}

/// `learner_features`, key (tenant_id, learner_id, course_id): the features as of the last refresh's cutoff.
public struct FeatureDocument: Codable, Sendable, Equatable {
    public var learner_id: String
    public var course_id: String
    public var org_id: String?
    public var as_of: Date
    public var enrolled_at: Date?
    public var last_activity_at: Date?
    public var days_since_last_activity: Double
    public var active_days_7: Int
    public var active_days_14: Int
    public var active_days_28: Int
    public var lessons_completed: Int
    public var completion_ratio: Double
    public var views: Int
    public var time_spent_seconds: Int64
    public var quiz_attempts: Int
    public var quiz_mean_score: Double?
    public var quiz_score_trend: Double?
    public var course_completed: Bool
    public var unenrolled: Bool
}

/// `model_versions`, key (tenant_id, kind, version).
public struct ModelVersionDocument: Codable, Sendable, Equatable {
    public var kind: String
    public var version: String
    /// `staging`, `active` or `retired`.
    public var status: String
    public var metrics: [String: Double]
    public var trained_at: Date
    public var activated_at: Date?
    /// Path of the artifact folder (`models/<tenant>/<kind>/<version>/`).
    public var artifact: String
    public var data_window_start: Date?
    public var data_window_end: Date?
    public var hyperparameters: [String: String]
}

/// `quarantine`: a refused row, with where it came from and why.
public struct QuarantineDocument: Codable, Sendable, Equatable {
    public var source: String
    public var position: String
    public var raw: String
    public var reason: String
    public var field: String?
    public var run_id: String
    public var recorded_at: Date
}
