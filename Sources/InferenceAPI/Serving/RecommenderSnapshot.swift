import Foundation
import LearningStore
import Models

/// One tenant's active recommender version, loaded: the engine (`LearnerRecommender`: iALS embeddings or the
/// popularity fallback, the catalog over the model's courses, the version's popularity table). Immutable; a new
/// version replaces the whole snapshot, so a request keeps the one it started with.
final class RecommenderSnapshot: Sendable {
    let version: ModelVersionDocument
    let recommender: LearnerRecommender

    init(version: ModelVersionDocument, recommender: LearnerRecommender) {
        self.version = version
        self.recommender = recommender
    }

    /// The iALS model (nil for the popularity fallback).
    var model: ALSModel? {
        if case .ials(let m) = recommender.model { return m }
        return nil
    }

    var catalog: CourseCatalogView { recommender.catalog }

    var kindName: String { model == nil ? "popularity" : "ials" }

    /// Learners held in memory (for the cache-size gauges).
    var learnerCount: Int { model?.learners.count ?? 0 }

    /// Bytes of factors held (learner and course embeddings).
    var factorBytes: Int { model.map { ($0.learnerFactors.elements.count + $0.courseFactors.elements.count) * 4 } ?? 0 }
}
