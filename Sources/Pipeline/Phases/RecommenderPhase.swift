import Foundation
import LearningStore
import LinearAlgebra
import Models
import MongoStore

/// `recommend` / `train-embeddings`: iALS (or popularity for small tenants), held-out evaluation against a
/// popularity baseline, embeddings and (for `recommend`) top-K recommendations with reasons, published as one
/// recommender version. All model compute (fits, top-K, explanations) runs on dedicated threads.
///
/// With a catalog, recommendations fail closed: a tenant without a single valid catalog row gets none (the
/// catalog decides what each organisation may see, and without it nothing can be shown safely).
package struct RecommenderPhase: TenantPhase {
    public let writeRecommendations: Bool
    public var name: String { writeRecommendations ? "recommender" : "embeddings" }
    public var parameters: Set<JobParameter> { [.factors, .iterations, .regularization, .alpha, .topK, .evaluate, .search] }

    public init(writeRecommendations: Bool) { self.writeRecommendations = writeRecommendations }

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        let opts = context.options.recommender, run = context.settings
        let agg = context.aggregate
        let n = agg.learners.count, m = agg.courses.count
        if writeRecommendations, context.catalog.isProvided, !context.catalog.hasCourses(tenant: context.tenantName) {
            let reason = "catalog has no valid course of this tenant: no recommendations published (fails closed; see quarantine)"
            context.record.note(reason)
            return .skipped(reason: reason)
        }
        let triples = agg.interactions(at: .score)
        let learners = try IDMap(ordered: agg.learners), courses = try IDMap(ordered: agg.courses)
        let data = try Interactions(triplets: triples.map { ($0.learner, $0.course, $0.confidence) }, learnerCount: n,
                                    courseCount: m, learners: learners, courses: courses)
        let popularity = (0..<m).map { data.byCourse.count(inRow: $0) }
        let popularOrder = (0..<m).sorted { (popularity[$0], $1) > (popularity[$1], $0) }

        let usePopularity = n < opts.minLearnersForModel || triples.isEmpty
        var config = opts.als
        config.seed = run.seed
        config.threads = max(1, run.threads)
        var metrics: [String: Double] = [:]
        var search: RecommenderSearch.Result?
        if !usePopularity && (opts.evaluate || opts.search) {
            let all = triples.map { Interaction(learner: $0.learner, course: $0.course, weight: $0.confidence, time: Double($0.start) / 1_000_000) }
            let evaluation = try await Self.evaluate(all, data: data, config: config, seed: run.seed, evaluate: opts.evaluate,
                                                     search: opts.search ? opts.searchSettings : nil)
            metrics = evaluation.metrics
            search = evaluation.search
            if let chosen = evaluation.search?.chosen { config = chosen }
        }
        let kind = usePopularity ? "popularity" : "ials"
        let note = usePopularity ? "\(n) learners (< \(opts.minLearnersForModel)): popularity recommendations, no embeddings" : nil
        context.record.update { s, r in
            s.ndcg10 = metrics["ndcg10"]
            s.precision10 = metrics["precision10"]
            s.popularityNDCG10 = metrics["popularity_ndcg10"]
            s.popularityPrecision10 = metrics["popularity_precision10"]
            s.recommenderKind = kind
            s.interactions = data.byLearner.nonZeroCount
            s.factors = usePopularity ? 0 : config.factors
            s.recommenderSearch = search?.summary
            if let note { s.notes.append(note) }
            r.searchTrace = search?.trials.map(\.line) ?? []
            r.ndcg10 = s.ndcg10
            r.precision10 = s.precision10
            r.popularityNDCG10 = s.popularityNDCG10
            r.popularityPrecision10 = s.popularityPrecision10
            r.popularity = popularOrder.prefix(12).map { (context.title($0), popularity[$0]) }
        }
        let model: ALSModel? = usePopularity ? nil : try await context.metrics.fit("als") { try await ALSModel.fit(data, configuration: config) }
        if let model, let last = model.lossHistory.last { metrics["final_loss"] = last }
        try PipelineError.checkFinite(metrics, what: "recommender metrics")

        let version = ModelRegistry.newVersionName(now: context.startedAt)
        context.record.update { s, _ in s.recommenderVersion = version }
        var hyper: [String: String] = ["method": kind, "top_k": "\(opts.topK)"]
        if !usePopularity {
            hyper.merge(["factors": "\(config.factors)", "iterations": "\(config.iterations)", "regularization": "\(config.regularization)",
                         "alpha": "\(config.alpha)", "solver": "\(config.solver)", "seed": "\(config.seed)"]) { $1 }
            if let search {
                hyper["search"] = "time-based validation (newest \(Int(opts.searchSettings.validationShare * 100)) % of enrolments), "
                    + "coordinate ascent from the defaults (factors \(opts.als.factors), λ \(opts.als.regularization), α \(opts.als.alpha), "
                    + "\(opts.als.iterations) iterations): \(search.summary)"
            }
        }
        let settings = usePopularity
            ? RecommenderSettings(method: .popularity, topK: opts.topK)
            : RecommenderSettings(method: .ials, topK: opts.topK, factors: config.factors, iterations: config.iterations,
                                  regularization: Double(config.regularization), alpha: Double(config.alpha))
        let doc = ModelVersionDocument(
            kind: .recommender, version: version, metrics: metrics, trained_at: context.startedAt,
            artifact: context.registry.artifactLocation(tenant: context.tenant, kind: .recommender, version: version),
            data_window_start: date(agg.firstEventAt), data_window_end: date(agg.cutoffs.score), hyperparameters: hyper,
            recommenderSettings: settings, notes: note.map { [$0] })
        let lists = RecommendationLists(agg: agg, catalog: context.catalog, tenant: context.tenantName, model: model, data: data,
                                        popularOrder: popularOrder, popularity: popularity, topK: opts.topK)
        let write = writeRecommendations
        let publish: @Sendable () async throws -> Int = {
            var written = 0
            if let model {
                // Written in chunks so a large tenant's documents never sit in memory all at once.
                for lo in stride(from: 0, to: n, by: RefreshJob.chunk) {
                    let docs = (lo..<min(n, lo + RefreshJob.chunk)).map {
                        EmbeddingDocument(learner_id: agg.learners[$0], course_id: nil, vector: Array(model.learnerFactors.row($0)), model_version: version)
                    }
                    written += try await context.write(docs, to: StoreLayout.learnerEmbeddings)
                }
                let ce = (0..<m).map {
                    EmbeddingDocument(learner_id: nil, course_id: agg.courses[$0], vector: Array(model.courseFactors.row($0)), model_version: version)
                }
                written += try await context.write(ce, to: StoreLayout.courseEmbeddings)
            }
            guard write else { return written }
            let computedAt = context.startedAt
            for chunk in lists.chunks(size: RefreshJob.chunk) {
                try Task.checkCancellation()
                let docs = try await runOnDedicatedThread { flag in
                    try lists.documents(for: chunk, version: version, kind: kind, computedAt: computedAt, cancellation: flag)
                }
                written += try await context.write(docs, to: StoreLayout.recommendations)
            }
            return written
        }
        let details: [String: [String]] = search.map { ["search_trace": $0.trials.map(\.line)] } ?? [:]
        return try await context.publish(doc, artifacts: VersionArtifacts(model: try model?.artifact(), summary: "learners \(n), courses \(m), interactions \(triples.count)",
                                                                        details: details), write: publish)
    }

    /// The held-out evaluation and the hyperparameter search. Leave-one-out per learner (learners with at least 3
    /// courses): nDCG@10 and precision@10 on the held-out courses, of iALS with the chosen hyperparameters and of the
    /// popularity baseline; with a search, it runs on the training part only (its own time-based validation inside),
    /// and the defaults are scored on the same held-out courses (`ndcg10_default`), so the gain of tuning is measured
    /// on data the search never saw. Without evaluation the search runs on every interaction.
    static func evaluate(_ all: [Interaction], data: Interactions, config: ALSConfiguration, seed: UInt64, evaluate: Bool,
                         search settings: RecommenderSearch?) async throws -> (metrics: [String: Double], search: RecommenderSearch.Result?) {
        let n = data.learners.count, m = data.courses.count
        guard evaluate else {
            let search = try await settings?.run(all, learners: data.learners, courses: data.courses, base: config)
            return ([:], search)
        }
        let (train, test) = try Splits.leaveKOut(all, k: 1, minimumKept: 2, seed: seed)
        let search = try await settings?.run(train, learners: data.learners, courses: data.courses, base: config)
        guard !test.isEmpty else { return ([:], search) }
        let trainData = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: n, courseCount: m,
                                         learners: data.learners, courses: data.courses)
        let relevant = Splits.relevantSets(test, learnerCount: n)
        let testLearners = (0..<n).filter { !relevant[$0].isEmpty }
        func score(_ c: ALSConfiguration) async throws -> RankingSummary {
            let model = try await ALSModel.fit(trainData, configuration: c)
            return try await runOnDedicatedThread { _ in
                let recs = try model.recommend(learners: testLearners, k: 10, excluding: trainData.byLearner)
                return try RankingMetrics.evaluate(at: 10, recommended: recs.map { $0.map(\.course) }, relevant: testLearners.map { relevant[$0] })
            }
        }
        let chosen = search?.chosen ?? config
        let s = try await score(chosen)
        var metrics = ["ndcg10": s.ndcg, "precision10": s.precision, "recall10": s.recall, "map10": s.map,
                       "evaluated_learners": Double(testLearners.count)]
        if search != nil {
            let same = chosen.factors == config.factors && chosen.regularization == config.regularization && chosen.alpha == config.alpha
                && chosen.iterations == config.iterations
            metrics["ndcg10_default"] = same ? s.ndcg : try await score(config).ndcg
            metrics["search_trials"] = Double(search?.trials.count ?? 0)
        }
        let p = try await runOnDedicatedThread { _ in
            let trainPopularity = (0..<m).map { trainData.byCourse.count(inRow: $0) }
            let order = (0..<m).sorted { (trainPopularity[$0], $1) > (trainPopularity[$1], $0) }
            let pop = testLearners.map { l -> [Int] in
                let seen = Set(trainData.byLearner.entries(inRow: l).map(\.column))
                return Array(order.lazy.filter { !seen.contains($0) }.prefix(10))
            }
            return try RankingMetrics.evaluate(at: 10, recommended: pop, relevant: testLearners.map { relevant[$0] })
        }
        metrics["popularity_ndcg10"] = p.ndcg
        metrics["popularity_precision10"] = p.precision
        return (metrics, search)
    }
}
