public import MongoStore

/// Reads results the way the core API must: the tenant's active version first, then that version's documents
/// (so a version being written, or abandoned half-way, is never seen).
public struct ActiveResults: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    /// The active version of `kind`, if any.
    public func activeVersion(_ tenant: TenantID, _ kind: ModelKind) async throws -> ModelVersionDocument? {
        try await StoreLayout.modelVersions.collection(in: db.tenant(tenant))
            .findOne(["kind": .string(kind.rawValue), "status": .string(VersionStatus.active.rawValue)])
    }

    /// The learner's recommendations of the active recommender version, if any.
    public func recommendations(tenant: TenantID, learner: String) async throws -> RecommendationDocument? {
        guard let v = try await activeVersion(tenant, .recommender) else { return nil }
        return try await StoreLayout.recommendations.collection(in: db.tenant(tenant))
            .findOne(["model_version": .string(v.version), "learner_id": .string(learner)])
    }

    /// The learner's risk scores (one per live enrolment) of the active risk version.
    public func risk(tenant: TenantID, learner: String) async throws -> [RiskDocument] {
        guard let v = try await activeVersion(tenant, .risk) else { return [] }
        return try await StoreLayout.risk.collection(in: db.tenant(tenant))
            .find(["model_version": .string(v.version), "learner_id": .string(learner)], sort: ["course_id": 1]).collect()
    }

    /// Highest risks first, optionally for one course and above a threshold.
    public func atRisk(tenant: TenantID, course: String? = nil, minRisk: Double = 0, limit: Int = 20) async throws -> [RiskDocument] {
        guard let v = try await activeVersion(tenant, .risk) else { return [] }
        var filter: BSONDocument = ["model_version": .string(v.version), "risk": ["$gte": .double(minRisk)]]
        if let course { filter["course_id"] = .string(course) }
        return try await StoreLayout.risk.collection(in: db.tenant(tenant))
            .find(filter, sort: ["risk": -1, "learner_id": 1, "course_id": 1], limit: max(1, limit)).collect()
    }
}
