import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
import Logging
import Models
import MongoStore

/// Reads a tenant's active versions from MongoDB and their artifacts from disk into snapshots. Artifact paths are
/// built from the validated tenant, kind and version names under the configured models folder (the `artifact` path
/// stored in MongoDB is not followed). Decoding runs on the compute threads.
struct ModelLoader: Sendable {
    let db: MongoDatabase
    let registry: ModelRegistry
    let compute: ComputeThreads

    /// Why a version cannot be served.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The active version of `kind`, if any.
    func activeVersion(_ tenant: TenantID, _ kind: ModelKind) async throws -> ModelVersionDocument? {
        try await registry.active(tenant: tenant, kind: kind)
    }

    func artifactFolder(_ tenant: TenantID, _ version: ModelVersionDocument) throws -> URL {
        guard Identifier.isValid(version.version) else {
            throw LoadError(description: "version name \(version.version.debugDescription) is not an identifier")
        }
        return registry.artifactDirectory(tenant: tenant, kind: version.kind, version: version.version)
    }

    func loadRecommender(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> RecommenderSnapshot {
        let folder = try artifactFolder(tenant, version)
        let file = folder.appendingPathComponent("model.bin")
        let engine: RecommenderSnapshot.Engine
        if version.hyperparameters["method"] == "popularity" || !FileManager.default.fileExists(atPath: file.path) {
            guard version.hyperparameters["method"] == "popularity" else {
                throw LoadError(description: "recommender \(version.version): \(file.path) is missing")
            }
            let rows = try await StoreLayout.features.collection(in: db.tenant(tenant))
                .aggregate([["$group": ["_id": "$course_id", "learners": ["$sum": 1]]]]).collect()
            let counts = rows.compactMap { d -> (course: String, learners: Int)? in
                guard let c = d["_id"]?.stringValue, Identifier.isValid(c) else { return nil }
                return (c, Int(d["learners"]?.int64Value ?? 0))
            }
            engine = .popularity(PopularityModel(counts: counts))
        } else {
            let model = try await compute.run { try ALSModel(artifact: Array(try Data(contentsOf: file))) }
            engine = .ials(model)
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
        let folder = try artifactFolder(tenant, version)
        let (model, fileSchema) = try await compute.run { () -> (RiskModel, FeatureSchema?) in
            let model = try RiskModel(artifact: Array(try Data(contentsOf: folder.appendingPathComponent("model.bin"))))
            let schemaFile = folder.appendingPathComponent("features.json")
            let schema = FileManager.default.fileExists(atPath: schemaFile.path)
                ? try JSONDecoder().decode(FeatureSchema.self, from: Data(contentsOf: schemaFile)) : nil
            return (model, schema)
        }
        guard let schema = fileSchema ?? version.feature_schema else {
            throw LoadError(description: "risk \(version.version): no feature schema (features.json or the version document)")
        }
        if let stored = version.feature_schema, stored != schema {
            throw LoadError(description: "risk \(version.version): features.json differs from the version document's schema")
        }
        guard schema.names == model.featureNames else {
            throw LoadError(description: "risk \(version.version): schema features \(schema.names) ≠ model features \(model.featureNames)")
        }
        return RiskSnapshot(version: version, scorer: try RiskScorer(model: model, schema: schema))
    }
}
