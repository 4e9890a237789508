import Foundation
import LearningStore
import LinearAlgebra
import Models
import MongoStore

/// The tenants' active recommender and risk versions with their models loaded from the artifacts, looked up again
/// after `checkInterval` (a version published by the nightly run is picked up within that time).
actor ModelCache {
    /// The active recommender: the iALS model (nil for a popularity version, which the stream does not refresh).
    struct Recommender: Sendable {
        let version: ModelVersionDocument
        let model: ALSModel?
        let topK: Int
    }

    /// The active risk version's scorer (its model with the feature schema it was trained with: the batch's one
    /// scoring path) and live-enrolment rule.
    struct Risk: Sendable {
        let version: ModelVersionDocument
        let scorer: RiskScorer
        let inactivityDays: Int
    }

    struct Entry: Sendable {
        var checked: ContinuousClock.Instant
        var recommender: Recommender?
        var risk: Risk?
    }

    let db: MongoDatabase
    let checkInterval: Duration
    private var entries: [String: Entry] = [:]

    init(db: MongoDatabase, checkInterval: Duration) {
        self.db = db
        self.checkInterval = checkInterval
    }

    /// The tenant's active models (loaded once per version).
    func models(_ tenant: TenantID) async throws -> Entry {
        let now = ContinuousClock.now
        if let e = entries[tenant.rawValue], now - e.checked < checkInterval { return e }
        let previous = entries[tenant.rawValue]
        let results = ActiveResults(db: db)
        var entry = Entry(checked: now)
        if let v = try await results.activeVersion(tenant, .recommender) {
            if let p = previous?.recommender, p.version.version == v.version {
                entry.recommender = p
            } else {
                let topK = v.hyperparameters["top_k"].flatMap(Int.init).map { min(max($0, 1), 1000) } ?? 10
                let model: ALSModel?
                if v.hyperparameters["method"] == "popularity" {
                    model = nil
                } else {
                    let path = URL(fileURLWithPath: v.artifact).appendingPathComponent("model.bin").path
                    model = try await runOnDedicatedThread { _ in try ALSModel(artifact: try Self.read(path)) }
                }
                entry.recommender = Recommender(version: v, model: model, topK: topK)
            }
        }
        if let v = try await results.activeVersion(tenant, .risk) {
            if let p = previous?.risk, p.version.version == v.version {
                entry.risk = p
            } else {
                let path = URL(fileURLWithPath: v.artifact).appendingPathComponent("model.bin").path
                let model = try await runOnDedicatedThread { _ in try RiskModel(artifact: try Self.read(path)) }
                let schema = v.feature_schema ?? FeatureSchema.current
                let scorer: RiskScorer
                do {
                    scorer = try RiskScorer(model: model, schema: schema)
                } catch {
                    throw StreamingError.modelMismatch(tenant: tenant.rawValue, version: v.version, detail: "\(error)")
                }
                let inactivity = v.hyperparameters["inactivity_days"].flatMap(Int.init).map { min(max($0, 1), 3650) } ?? 21
                entry.risk = Risk(version: v, scorer: scorer, inactivityDays: inactivity)
            }
        }
        entries[tenant.rawValue] = entry
        return entry
    }

    /// Artifact bytes (at most 2 GiB).
    static func read(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StreamingError.artifactMissing(path: path) }
        defer { try? handle.close() }
        let data = try handle.readToEnd() ?? Data()
        guard data.count < (2 << 30) else { throw StreamingError.artifactMissing(path: path) }
        return [UInt8](data)
    }
}
