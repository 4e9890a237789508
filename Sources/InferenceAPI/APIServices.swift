import LearningStore
import LinearAlgebra
import MongoStore

/// What the route collections share: the database, the model cache, the live recommender, the tenants'
/// recommendation rules and the settings.
struct APIServices: Sendable {
    let db: MongoDatabase
    let configuration: APIConfiguration
    let cache: ModelCache
    let registry: ModelRegistry
    let compute: ComputeThreads
    let recommender: LiveRecommender
    /// Each tenant's recommendation rules in force (`rules.rules(tenant)`), current within moments of a change.
    let rules: RulesCache

    /// The `limit` query parameter of list routes.
    func limit(_ query: QueryParameters) throws -> Int {
        try query.integer("limit", in: 1...configuration.maximumLimit, default: configuration.defaultLimit)
    }
}
