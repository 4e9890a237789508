import Foundation
import LearningStore
import Models

/// One tenant's active recommender version, loaded: iALS embeddings (or popularity counts), course ids and the
/// catalog. Immutable; a new version replaces the whole snapshot, so a request keeps the one it started with.
final class RecommenderSnapshot: Sendable {
    enum Engine: Sendable {
        case ials(ALSModel)
        case popularity(PopularityModel)
    }

    let version: ModelVersionDocument
    let engine: Engine
    let catalog: CatalogView

    init(version: ModelVersionDocument, engine: Engine, catalog: CatalogView) {
        self.version = version
        self.engine = engine
        self.catalog = catalog
    }

    var courses: IDMap {
        switch engine {
        case .ials(let m): m.courses
        case .popularity(let p): p.courses
        }
    }

    var kindName: String {
        switch engine {
        case .ials: "ials"
        case .popularity: "popularity"
        }
    }

    /// Learners and courses held in memory (for the cache-size gauges).
    var learnerCount: Int {
        if case .ials(let m) = engine { return m.learners.count }
        return 0
    }

    /// Bytes of factors held (learner and course embeddings).
    var factorBytes: Int {
        if case .ials(let m) = engine { return (m.learnerFactors.elements.count + m.courseFactors.elements.count) * 4 }
        return 0
    }
}
