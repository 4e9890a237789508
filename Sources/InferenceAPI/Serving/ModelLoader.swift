import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
import Logging
import Models
import MongoStore

/// Reads a tenant's active versions from MongoDB and their artifacts through the one ``ModelArtifactLoader`` (the
/// shared artifact store, checked against `model_versions`, cached per replica; the location is built from the
/// validated tenant, kind and version names, never from the stored `artifact` path) into snapshots. Decoding runs on
/// the compute threads.
struct ModelLoader: Sendable {
    let db: MongoDatabase
    let registry: ModelRegistry
    let artifacts: ModelArtifactLoader

    /// The active version of `kind`, if any.
    func activeVersion(_ tenant: TenantID, _ kind: ModelKind) async throws -> ModelVersionDocument? {
        try await registry.active(tenant: tenant, kind: kind)
    }

    func loadRecommender(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> RecommenderSnapshot {
        let engine: RecommenderSnapshot.Engine
        if let model = try await artifacts.recommender(tenant, version) {
            engine = .ials(model)
        } else {
            let rows = try await StoreLayout.features.collection(in: db.tenant(tenant))
                .aggregate([["$group": ["_id": "$course_id", "learners": ["$sum": 1]]]]).collect()
            let counts = rows.compactMap { d -> (course: String, learners: Int)? in
                guard let c = d["_id"]?.stringValue, Identifier.isValid(c) else { return nil }
                return (c, Int(d["learners"]?.int64Value ?? 0))
            }
            engine = .popularity(PopularityModel(counts: counts))
        }
        let courses = try await StoreLayout.courses.collection(in: db.tenant(tenant)).find(sort: ["course_id": 1]).collect()
        let ids: IDMap
        switch engine {
        case .ials(let m): ids = m.courses
        case .popularity(let p): ids = p.courses
        }
        return RecommenderSnapshot(version: version, engine: engine, catalog: CatalogView(courses: ids, catalog: courses))
    }

    func loadRisk(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> RiskSnapshot {
        RiskSnapshot(version: version, scorer: try await artifacts.risk(tenant, version))
    }
}
