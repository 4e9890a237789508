import Foundation
public import LinearAlgebra
public import Models
import MongoStore
public import LearningEvents

/// The one loader of model versions for serving (the HTTP API's model cache and the Pub/Sub consumer's): artifact
/// files come from the shared ``ArtifactStore`` (checked against the sizes and SHA-256 recorded in `model_versions`,
/// cached per replica by checksum) at a location built from the validated tenant, kind and version names, never
/// from a stored path; decoding runs on the compute threads.
public struct ModelArtifactLoader: Sendable {
    public let store: ArtifactStore
    public let compute: ComputeThreads

    public init(store: ArtifactStore, compute: ComputeThreads) {
        self.store = store
        self.compute = compute
    }

    /// Whether a recommender version is the popularity fallback (no model file).
    public static func isPopularity(_ version: ModelVersionDocument) -> Bool { version.recommenderSettings.method == .popularity }

    /// The iALS model of a recommender version; nil for the popularity fallback.
    public func recommender(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> ALSModel? {
        if Self.isPopularity(version) { return nil }
        let key = try ArtifactKey(tenant: tenant, kind: .recommender, version: version.version, file: .model)
        guard let bytes = try await store.read(tenant: tenant, version: version, file: .model) else {
            throw LearningStoreError.artifactMissing(path: key.path, store: store.location)
        }
        do {
            return try await compute.run { try ALSModel(artifact: bytes) }
        } catch {
            throw LearningStoreError.artifactUnusable(path: key.path, detail: "\(error)")
        }
    }

    /// A recommender version's popularity table (`popularity.json`); nil for a version written before it existed.
    public func popularity(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> PopularityTable? {
        let key = try ArtifactKey(tenant: tenant, kind: .recommender, version: version.version, file: .popularity)
        guard let bytes = try await store.read(tenant: tenant, version: version, file: .popularity) else { return nil }
        return try await compute.run {
            do { return try JSONDecoder().decode(PopularityTable.self, from: Data(bytes)) } catch {
                throw LearningStoreError.artifactUnusable(path: key.path, detail: "popularity.json cannot be read: \(error)")
            }
        }
    }

    /// The risk model of a version with the feature schema it was trained with, as the one scorer. The schema comes
    /// from `features.json` or the version document; when both exist they must agree, and they must name the
    /// model's features in its order.
    public func risk(_ tenant: TenantID, _ version: ModelVersionDocument) async throws -> RiskScorer {
        let key = try ArtifactKey(tenant: tenant, kind: .risk, version: version.version, file: .model)
        guard let bytes = try await store.read(tenant: tenant, version: version, file: .model) else {
            throw LearningStoreError.artifactMissing(path: key.path, store: store.location)
        }
        let schemaBytes = try await store.read(tenant: tenant, version: version, file: .features)
        let (model, fileSchema) = try await compute.run { () -> (RiskModel, FeatureSchema?) in
            let model: RiskModel
            do { model = try RiskModel(artifact: bytes) } catch {
                throw LearningStoreError.artifactUnusable(path: key.path, detail: "\(error)")
            }
            let schema = try schemaBytes.map { b -> FeatureSchema in
                do { return try JSONDecoder().decode(FeatureSchema.self, from: Data(b)) } catch {
                    throw LearningStoreError.artifactUnusable(path: key.path, detail: "features.json cannot be read: \(error)")
                }
            }
            return (model, schema)
        }
        guard let schema = fileSchema ?? version.feature_schema else {
            throw LearningStoreError.artifactUnusable(path: key.path, detail: "no feature schema (features.json or the version document)")
        }
        if let stored = version.feature_schema, stored != schema {
            throw LearningStoreError.artifactUnusable(path: key.path, detail: "features.json differs from the version document's schema")
        }
        guard schema.names == model.featureNames else {
            throw LearningStoreError.artifactUnusable(path: key.path, detail: "schema features \(schema.names) ≠ model features \(model.featureNames)")
        }
        do {
            return try RiskScorer(model: model, schema: schema)
        } catch {
            throw LearningStoreError.artifactUnusable(path: key.path, detail: "\(error)")
        }
    }
}
