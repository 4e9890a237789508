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
        RecommenderSnapshot(version: version, recommender: try await LearnerRecommender.load(tenant, version, db: db, artifacts: artifacts))
    }

    func loadRisk(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> RiskSnapshot {
        RiskSnapshot(version: version, scorer: try await artifacts.risk(tenant, version))
    }
}
