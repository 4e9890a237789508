import Foundation
import LearningStore
import MongoStore
import Testing

/// `model_versions.recommender_settings` / `risk_settings`: the typed contract readers use, with versions written
/// before the fields existed read from their string map with the defaults and clamps of before.
@Suite("Typed model settings")
struct ModelSettingsTests {
    func document(_ kind: ModelKind, _ hyper: [String: String], recommender: RecommenderSettings? = nil,
                  risk: RiskSettings? = nil) -> ModelVersionDocument {
        ModelVersionDocument(kind: kind, version: "v1", status: .active, metrics: [:], trained_at: Date(timeIntervalSince1970: 1_700_000_000),
                             artifact: "", data_window_start: nil, data_window_end: nil, hyperparameters: hyper,
                             recommenderSettings: recommender, riskSettings: risk)
    }

    /// A document as versions before the typed fields were written: no `recommender_settings` / `risk_settings`.
    func v1(_ kind: ModelKind, _ hyper: [String: String]) throws -> ModelVersionDocument {
        var bson = try BSONEncoder().encode(document(kind, hyper))
        #expect(bson["recommender_settings"] == nil && bson["risk_settings"] == nil)
        bson["recommender_settings"] = nil
        bson["risk_settings"] = nil
        return try BSONDecoder().decode(ModelVersionDocument.self, from: bson)
    }

    @Test func anOldRecommenderDocumentReadsWithTodaysDefaultsAndClamps() throws {
        let ials = try v1(.recommender, ["method": "ials", "top_k": "25", "factors": "32", "iterations": "15", "regularization": "5.0",
                                         "alpha": "1.0", "solver": "cg", "seed": "42"])
        #expect(ials.recommender_settings == nil)
        #expect(ials.recommenderSettings == RecommenderSettings(method: .ials, topK: 25, factors: 32, iterations: 15, regularization: 5, alpha: 1))
        #expect(!ModelArtifactLoader.isPopularity(ials))
        let popularity = try v1(.recommender, ["method": "popularity", "top_k": "5000"])
        #expect(popularity.recommenderSettings == RecommenderSettings(method: .popularity, topK: 1000))
        #expect(ModelArtifactLoader.isPopularity(popularity))
        #expect(try v1(.recommender, ["top_k": "ten"]).recommenderSettings == RecommenderSettings(method: .ials, topK: 10))
        #expect(try v1(.recommender, ["top_k": "0"]).recommenderSettings.topK == 1)
    }

    @Test func anOldRiskDocumentReadsWithTodaysDefaultsAndClamps() throws {
        let survival = try v1(.risk, ["method": "survival", "model_source": "pooled-prior", "horizon_days": "28", "inactivity_days": "14",
                                      "features": "a,b", "definition": "…"])
        #expect(survival.riskSettings == RiskSettings(method: .survival, source: .pooledPrior, horizonDays: 28, inactivityDays: 14))
        #expect(try v1(.risk, [:]).riskSettings == RiskSettings(method: nil, source: nil, horizonDays: nil, inactivityDays: 21))
        #expect(try v1(.risk, ["method": "logistic", "inactivity_days": "99999"]).riskSettings
            == RiskSettings(method: .logistic, source: nil, horizonDays: nil, inactivityDays: 3650))
    }

    @Test func theTypedFieldsRoundTripAndWinOverTheMap() throws {
        let rec = RecommenderSettings(method: .popularity, topK: 7)
        let doc = document(.recommender, ["method": "ials", "top_k": "99"], recommender: rec)
        let bson = try BSONEncoder().encode(doc)
        guard case .document(let stored)? = bson["recommender_settings"] else { Issue.record("no recommender_settings"); return }
        #expect(stored["method"] == .string("popularity") && stored["top_k"]?.int64Value == 7)
        let back = try BSONDecoder().decode(ModelVersionDocument.self, from: bson)
        #expect(back == doc && back.recommenderSettings == rec && ModelArtifactLoader.isPopularity(back))
        let risk = RiskSettings(method: .heuristic, source: .heuristic, horizonDays: 14, inactivityDays: 30)
        let r = try BSONDecoder().decode(ModelVersionDocument.self, from: BSONEncoder().encode(document(.risk, ["inactivity_days": "5"], risk: risk)))
        #expect(r.riskSettings == risk && r.hyperparameters == ["inactivity_days": "5"])
    }
}
