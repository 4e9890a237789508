public import MongoStore

/// Collection names and the indexes Lodestar creates at start-up (idempotent).
///
/// Result collections hold several model versions side by side, so their unique keys include
/// `model_version`; within a version the key is the architecture's natural key.
public enum StoreLayout {
    public static let recommendations = "learner_recommendations"
    public static let risk = "dropout_risk"
    public static let learnerEmbeddings = "learner_embeddings"
    public static let courseEmbeddings = "course_embeddings"
    public static let modelVersions = "model_versions"
    public static let features = "learner_features"
    public static let processedEvents = "processed_events"

    /// Every result collection with the field that names its version (for pruning).
    public static let versionedCollections = [recommendations, risk, learnerEmbeddings, courseEmbeddings]

    public static func ensureIndexes(_ db: MongoDatabase) async throws {
        try await db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "learner_id": 1], unique: true)], on: recommendations)
        try await db.createIndexes([
            IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "learner_id": 1, "course_id": 1], unique: true),
            IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "risk": -1], name: "at_risk"),
        ], on: risk)
        try await db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "learner_id": 1], unique: true)], on: learnerEmbeddings)
        try await db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "model_version": 1, "course_id": 1], unique: true)], on: courseEmbeddings)
        try await db.createIndexes([
            IndexSpec(keys: ["tenant_id": 1, "kind": 1, "version": 1], unique: true),
            IndexSpec(keys: ["tenant_id": 1, "kind": 1, "status": 1], name: "by_status"),
        ], on: modelVersions)
        try await db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "learner_id": 1, "course_id": 1], unique: true)], on: features)
        try await db.createIndexes([
            IndexSpec(keys: ["tenant_id": 1, "event_id": 1], unique: true),
            IndexSpec(keys: ["processed_at": 1], name: "processed_ttl", expireAfterSeconds: 14 * 86_400),
        ], on: processedEvents)
        try await db.createIndexes([IndexSpec(keys: ["run_id": 1])], on: SystemCollectionName.quarantine.rawValue)
    }
}
