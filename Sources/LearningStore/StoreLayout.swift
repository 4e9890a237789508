public import MongoStore

/// The collections of the data contract with the core API (docs/models.md, "Results in MongoDB") and the indexes
/// Lodestar creates at start-up (idempotent).
///
/// Result collections hold several model versions side by side, so their keys start with `model_version`;
/// within a version the key is the architecture's natural key.
public enum StoreLayout {
    public static let recommendations = CollectionSpec<RecommendationDocument>("learner_recommendations", key: ["model_version", "learner_id"])
    public static let risk = CollectionSpec<RiskDocument>(
        "dropout_risk", key: ["model_version", "learner_id", "course_id"],
        otherIndexes: [IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "risk": -1, "learner_id": 1, "course_id": 1], name: "at_risk_page")])
    public static let learnerEmbeddings = CollectionSpec<EmbeddingDocument>("learner_embeddings", key: ["model_version", "learner_id"])
    public static let courseEmbeddings = CollectionSpec<EmbeddingDocument>("course_embeddings", key: ["model_version", "course_id"])
    public static let modelVersions = CollectionSpec<ModelVersionDocument>(
        "model_versions", key: ["kind", "version"],
        otherIndexes: [IndexSpec(keys: ["tenant_id": 1, "kind": 1, "status": 1], name: "by_status")])
    public static let features = CollectionSpec<FeatureDocument>("learner_features", key: ["learner_id", "course_id"])
    public static let courses = CollectionSpec<CourseDocument>("courses", key: ["course_id"])
    /// One document per tenant: its recommendation rules, their version and history.
    public static let recommendationRules = CollectionSpec<RecommendationRulesDocument>("recommendation_rules", key: [])
    /// Learner feedback on recommended courses, expiring at `expires_at`.
    public static let feedback = CollectionSpec<FeedbackDocument>(
        "learner_feedback", key: ["learner_id", "course_id", "action"],
        otherIndexes: [IndexSpec(keys: ["expires_at": 1], name: "feedback_ttl", expireAfterSeconds: 0),
                       IndexSpec(keys: ["tenant_id": 1, "action": 1, "at": -1], name: "by_action")])
    public static let processedEvents = CollectionSpec<ProcessedEventDocument>(
        "processed_events", key: ["event_id"],
        otherIndexes: [IndexSpec(keys: ["processed_at": 1], name: "processed_ttl", expireAfterSeconds: 14 * 86_400)])

    /// Indexes of the `quarantine` platform collection: a tenant's rows by time, the run's rows, the fingerprint
    /// that keeps a rerun from storing the same rows again, and the TTL on `expires_at`.
    public static let quarantineIndexes: [IndexSpec] = [
        IndexSpec(keys: ["fingerprint": 1], unique: true),
        IndexSpec(keys: ["tenant_id": 1, "recorded_at": -1], name: "by_tenant"),
        IndexSpec(keys: ["run_id": 1]),
        IndexSpec(keys: ["expires_at": 1], name: "quarantine_ttl", expireAfterSeconds: 0),
    ]

    /// Every versioned result collection (for pruning).
    public static var versionedCollections: [String] {
        [recommendations.name, risk.name, learnerEmbeddings.name, courseEmbeddings.name]
    }

    public static func ensureIndexes(_ db: MongoDatabase) async throws {
        try await db.createIndexes(recommendations.indexes, on: recommendations.name)
        try await db.createIndexes(risk.indexes, on: risk.name)
        try await db.createIndexes(learnerEmbeddings.indexes, on: learnerEmbeddings.name)
        try await db.createIndexes(courseEmbeddings.indexes, on: courseEmbeddings.name)
        try await db.createIndexes(modelVersions.indexes, on: modelVersions.name)
        try await db.createIndexes(features.indexes, on: features.name)
        try await db.createIndexes(processedEvents.indexes, on: processedEvents.name)
        try await db.createIndexes(courses.indexes, on: courses.name)
        try await db.createIndexes(recommendationRules.indexes, on: recommendationRules.name)
        try await db.createIndexes(feedback.indexes, on: feedback.name)
        try await db.createIndexes(quarantineIndexes, on: SystemCollectionName.quarantine.rawValue)
    }
}
