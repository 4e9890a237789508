import Foundation
import LearningStore
import LinearAlgebra
import Models
import MongoStore
import LearningEvents

/// The tenants' active recommender and risk versions with their models loaded through the one
/// ``ModelArtifactLoader`` (the API's: the shared artifact store, checked against `model_versions`, locations from
/// validated names), looked up again after `checkInterval` (a version published by the nightly run is picked up
/// within that time).
actor ModelCache {
    /// The active recommender: the iALS model (nil for a popularity version, which the stream does not refresh).
    struct Recommender: Sendable {
        let version: ModelVersionDocument
        /// The one engine, loaded as the API loads it.
        let engine: LearnerRecommender

        var model: ALSModel? {
            if case .ials(let m) = engine.model { return m }
            return nil
        }
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
    let loader: ModelArtifactLoader
    let checkInterval: Duration
    private var entries: [String: Entry] = [:]

    init(db: MongoDatabase, loader: ModelArtifactLoader, checkInterval: Duration) {
        self.db = db
        self.loader = loader
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
                entry.recommender = Recommender(version: v, engine: try await LearnerRecommender.load(tenant, v, db: db, artifacts: loader))
            }
        }
        if let v = try await results.activeVersion(tenant, .risk) {
            if let p = previous?.risk, p.version.version == v.version {
                entry.risk = p
            } else {
                let scorer: RiskScorer
                do {
                    scorer = try await loader.risk(tenant, v)
                } catch let e as LearningStoreError {
                    throw StreamingError.modelMismatch(tenant: tenant.rawValue, version: v.version, detail: "\(e)")
                }
                let inactivity = v.riskSettings.inactivityDays
                entry.risk = Risk(version: v, scorer: scorer, inactivityDays: inactivity)
            }
        }
        entries[tenant.rawValue] = entry
        return entry
    }
}
