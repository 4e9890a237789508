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
    public var parameters: Set<JobParameter> { [.factors, .iterations, .regularization, .alpha, .topK, .evaluate, .search, .searchBudget] }

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
        var searchNotes: [String] = [], searchDecision: [String] = []
        if !usePopularity && (opts.evaluate || opts.search) {
            let all = triples.map { Interaction(learner: $0.learner, course: $0.course, weight: $0.confidence, time: Double($0.start) / 1_000_000) }
            // The search's choice is published only when it beats the defaults on the held-out evaluation (else the
            // defaults are, with a note): RecommenderEvaluation.
            let evaluation = try await RecommenderEvaluation.run(all, data: data, config: config, seed: run.seed, evaluate: opts.evaluate,
                                                                 search: opts.search ? opts.searchSettings : nil)
            metrics = evaluation.metrics
            search = evaluation.search
            config = evaluation.published
            searchNotes = evaluation.notes
            searchDecision = evaluation.decision
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
            s.recommenderSearch = search.map {
                $0.summary + (RecommenderSearch.same($0.chosen, config) ? "" : "; not activated: below the defaults on the held-out evaluation")
            }
            if let note { s.notes.append(note) }
            s.notes.append(contentsOf: searchNotes)
            r.searchTrace = search?.trials.map(\.line) ?? []
            r.searchDecision = searchDecision
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
                hyper["search"] = "validation on each learner's newest course (learners with ≥ \(opts.searchSettings.minimumHistory) courses), "
                    + "coordinate ascent from the defaults (factors \(opts.als.factors), λ \(opts.als.regularization), α \(opts.als.alpha), "
                    + "\(opts.als.iterations) iterations), kept only if it wins beyond a paired bootstrap's "
                    + "\(Int((opts.searchSettings.confidence * 100).rounded())) % interval and on the held-out evaluation: \(search.summary); "
                    + "published \(RecommenderSearch.describe(config))"
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
            recommenderSettings: settings, notes: note.map { [$0] + searchNotes } ?? (searchNotes.isEmpty ? nil : searchNotes))
        // The one engine (`LearnerRecommender`) with the tenant's rules, dismissals and the courses documents the run
        // writes, as the consumer and the API rank.
        let table = PopularityTable(counts: Self.popularityCounts(agg: agg, data: data))
        let (rules, dismissals) = try await Self.rulesAndDismissals(context)
        let engine = LearnerRecommender(
            model: model.map { .ials($0) } ?? .popularity,
            catalog: CourseCatalogView(courses: courses, documents: FeaturesPhase.courseDocuments(context)),
            popularity: table, topK: opts.topK)
        let lessonCount: (Int) -> Int? = { context.lessonCount($0) }
        let lists = RecommendationLists(agg: agg, engine: engine, rules: rules, model: model, data: data, dismissals: dismissals,
                                        now: context.startedAt, threads: run.threads, lessonCount: lessonCount)
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
            for chunk in lists.chunks(size: RefreshJob.chunk) where !chunk.isEmpty {
                try Task.checkCancellation()
                let docs = try await runOnDedicatedThread { flag in
                    try lists.documents(for: chunk, version: version, kind: kind, computedAt: computedAt, cancellation: flag)
                }
                written += try await context.write(docs, to: StoreLayout.recommendations)
            }
            return written
        }
        let details: [String: [String]] = search.map { ["search_trace": $0.trials.map(\.line), "search_decision": searchDecision] } ?? [:]
        return try await context.publish(doc, artifacts: VersionArtifacts(model: try model?.artifact(), summary: "learners \(n), courses \(m), interactions \(triples.count)",
                                                                        details: details, popularity: table), write: publish)
    }

    /// The held-out evaluation and the hyperparameter search (`RecommenderEvaluation`): the metrics (of the
    /// hyperparameters that would be published: the search's choice, or the defaults when it scores below them on
    /// the held-out courses) and the search's result.
    static func evaluate(_ all: [Interaction], data: Interactions, config: ALSConfiguration, seed: UInt64, evaluate: Bool,
                         search settings: RecommenderSearch?) async throws -> (metrics: [String: Double], search: RecommenderSearch.Result?) {
        let e = try await RecommenderEvaluation.run(all, data: data, config: config, seed: seed, evaluate: evaluate, search: settings)
        return (e.metrics, e.search)
    }
}
