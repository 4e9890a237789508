public import MongoStore

/// Reads results the way the core API must: the tenant's active version first, then that version's documents
/// (so a version being written, or abandoned half-way, is never seen).
public struct ResultsReader: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    func activeVersion(_ tenant: TenantID, _ kind: ModelRegistry.Kind) async throws -> String? {
        try await db.tenant(tenant).collection(StoreLayout.modelVersions, as: ModelVersionDocument.self)
            .findOne(["kind": .string(kind.rawValue), "status": "active"])?.version
    }

    /// The learner's recommendations of the active recommender version, if any.
    public func recommendations(tenant: TenantID, learner: String) async throws -> RecommendationDocument? {
        guard let v = try await activeVersion(tenant, .recommender) else { return nil }
        return try await db.tenant(tenant).collection(StoreLayout.recommendations, as: RecommendationDocument.self)
            .findOne(["model_version": .string(v), "learner_id": .string(learner)])
    }

    /// Highest risks first, optionally for one course and above a threshold.
    public func atRisk(tenant: TenantID, course: String? = nil, minRisk: Double = 0, limit: Int = 20) async throws -> [RiskDocument] {
        guard let v = try await activeVersion(tenant, .risk) else { return [] }
        var filter: BSONDocument = ["model_version": .string(v), "risk": ["$gte": .double(minRisk)]]
        if let course { filter["course_id"] = .string(course) }
        return try await db.tenant(tenant).collection(StoreLayout.risk, as: RiskDocument.self)
            .find(filter, sort: ["risk": -1, "learner_id": 1], limit: max(1, limit)).collect()
    }
}
