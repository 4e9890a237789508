public import Models

/// What the recommender phase (`recommend`, `train-embeddings`) reads: iALS hyperparameters, list length,
/// evaluation and the bounded hyperparameter search. Set by the CLI flags and the job parameters `factors`,
/// `iterations`, `regularization`, `alpha`, `top_k`, `evaluate`, `search` and `search_budget`.
public struct RecommenderOptions: Sendable {
    /// iALS hyperparameters: 16 factors, 15 iterations, λ 10, α 1 by default. Confidences are summed event
    /// weights (a completed course adds up to ~50), so λ is large next to implicit's 0.01 on raw counts; tuned on
    /// generated data by held-out nDCG@10.
    public var als: ALSConfiguration = {
        var c = ALSConfiguration()
        c.factors = 16
        c.iterations = 15
        c.regularization = 10
        c.alpha = 1
        return c
    }()
    /// Recommendations per learner.
    public var topK = 10
    /// Tenants with fewer learners than this get popularity recommendations instead of an iALS model.
    public var minLearnersForModel = 30
    /// Hold out one course per learner (with ≥ 3 courses) to measure nDCG@10 / precision@10 before the final fit.
    public var evaluate = true
    /// Search the recommender's hyperparameters per tenant (bounded: `searchSettings`) before the final fit.
    public var search = true
    public var searchSettings = RecommenderSearch()

    public init() {}
}
