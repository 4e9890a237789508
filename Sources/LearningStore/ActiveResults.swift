public import MongoStore
public import LearningEvents

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

    /// A version that may still be read (a pager's version): complete and not `staging`, active or retired.
    public func readableVersion(_ tenant: TenantID, _ kind: ModelKind, _ version: String) async throws -> ModelVersionDocument? {
        guard let v = try await StoreLayout.modelVersions.collection(in: db.tenant(tenant))
            .findOne(["kind": .string(kind.rawValue), "version": .string(version)]), v.status != .staging, v.isComplete
        else { return nil }
        return v
    }

    /// The learner's risk scores (one per live enrolment) of the active risk version.
    public func risk(tenant: TenantID, learner: String) async throws -> [RiskDocument] {
        guard let v = try await activeVersion(tenant, .risk) else { return [] }
        return try await risk(tenant: tenant, learner: learner, version: v.version)
    }

    /// The learner's risk scores of `version`, by course (at most `limit`).
    public func risk(tenant: TenantID, learner: String, version: String, limit: Int = 10_000) async throws -> [RiskDocument] {
        try await StoreLayout.risk.collection(in: db.tenant(tenant))
            .find(["model_version": .string(version), "learner_id": .string(learner)], sort: ["course_id": 1], limit: max(1, limit)).collect()
    }

    /// Highest risks first, optionally for one course and above a threshold.
    public func atRisk(tenant: TenantID, course: String? = nil, minRisk: Double = 0, limit: Int = 20) async throws -> [RiskDocument] {
        guard let v = try await activeVersion(tenant, .risk) else { return [] }
        return try await atRiskPage(tenant: tenant, version: v.version, course: course, minRisk: minRisk, limit: limit)
    }

    /// Where a page of the at-risk list starts: after the row (risk, learner, course) of the previous page's end.
    public struct AtRiskPosition: Sendable, Equatable {
        public var risk: Double
        public var learner: String
        public var course: String
        public init(risk: Double, learner: String, course: String) {
            self.risk = risk
            self.learner = learner
            self.course = course
        }
    }

    /// One page of `version`'s scores, highest risk first (ties by learner, then course: the `at_risk_page` index),
    /// optionally for one course, at or above `minRisk`, within `organisations` (nil: every row), after `position`.
    public func atRiskPage(tenant: TenantID, version: String, course: String? = nil, minRisk: Double = 0,
                           organisations: [String]? = nil, after position: AtRiskPosition? = nil, limit: Int) async throws -> [RiskDocument] {
        var filter: BSONDocument = ["model_version": .string(version), "risk": ["$gte": .double(minRisk)]]
        if let course { filter["course_id"] = .string(course) }
        if let organisations { filter["org_id"] = ["$in": .array(organisations.map(BSON.string))] }
        if let p = position {
            filter["$or"] = .array([
                ["risk": ["$lt": .double(p.risk)]],
                ["risk": .double(p.risk), "learner_id": ["$gt": .string(p.learner)]],
                ["risk": .double(p.risk), "learner_id": .string(p.learner), "course_id": ["$gt": .string(p.course)]],
            ])
        }
        return try await StoreLayout.risk.collection(in: db.tenant(tenant))
            .find(filter, sort: ["risk": -1, "learner_id": 1, "course_id": 1], limit: max(1, limit)).collect()
    }
}
