import Foundation
import LinearAlgebra
import Models

/// What the recommender phase settles before its final fit: the held-out evaluation, the hyperparameter search, and
/// which hyperparameters are fitted and published.
///
/// The evaluation holds out one course per learner with at least 3 (seeded, `Splits.leaveKOut`) and scores
/// nDCG@10, precision@10, recall@10 and MAP@10 on them, beside a popularity baseline. With a search, the search sees
/// only the training part (its own validation inside), and the defaults are scored on the same held-out courses
/// (`ndcg10_default`). **A recommender that scores below the defaults is never published**: when the search's choice
/// differs from the defaults and its held-out nDCG@10 is below theirs, the defaults are published instead
/// (`published`, a note saying so, `search_rejected` = 1), so the version's `ndcg10` is never below its
/// `ndcg10_default`. Without evaluation the search runs on every interaction and its choice is not checked.
struct RecommenderEvaluation: Sendable {
    /// For `model_versions.metrics`: `ndcg10`, `precision10`, `recall10`, `map10`, `evaluated_learners` (of the
    /// published hyperparameters), `popularity_ndcg10`, `popularity_precision10`; with a search `ndcg10_default`,
    /// `search_trials`, `search_validation_learners`, `search_budget_seconds`, the best candidate's validation gain
    /// (`search_validation_gain`, `_low`, `_high`), `search_kept_defaults` = 1 when it did not win beyond the noise;
    /// when the search chose other values than the defaults, their held-out `ndcg10_searched` and the paired
    /// interval of the held-out gain (`search_heldout_gain`, `_low`, `_high`), and `search_rejected` = 1 when they
    /// were not published.
    var metrics: [String: Double]
    var search: RecommenderSearch.Result?
    /// The hyperparameters of the final fit (the search's choice, or the given ones).
    var published: ALSConfiguration
    /// Why the search's best candidate was not published (run summary notes, report, `model_versions.notes`).
    var notes: [String]
    /// The search's decision and the held-out check, in words (report).
    var decision: [String]

    /// The search as a function of its training interactions (a test may pass a fixed result).
    typealias Searcher = @Sendable ([Interaction]) async throws -> RecommenderSearch.Result

    /// With the search `settings` (nil: no search) from `config` (the defaults).
    static func run(_ all: [Interaction], data: Interactions, config: ALSConfiguration, seed: UInt64, evaluate: Bool,
                    search settings: RecommenderSearch?) async throws -> RecommenderEvaluation {
        let learners = data.learners, courses = data.courses
        var searcher: Searcher?
        if let settings {
            searcher = { train in try await settings.run(train, learners: learners, courses: courses, base: config) }
        }
        return try await run(all, data: data, config: config, seed: seed, evaluate: evaluate, searcher: searcher)
    }

    static func run(_ all: [Interaction], data: Interactions, config: ALSConfiguration, seed: UInt64, evaluate: Bool,
                    searcher: Searcher?) async throws -> RecommenderEvaluation {
        let n = data.learners.count, m = data.courses.count
        func searchNotes(_ s: RecommenderSearch.Result?) -> [String] {
            guard let s, s.keptDefaults else { return [] }
            return ["recommender search " + s.decision]
        }
        func searchMetrics(_ s: RecommenderSearch.Result?) -> [String: Double] {
            guard let s else { return [:] }
            var out = ["search_trials": Double(s.trials.count), "search_validation_learners": Double(s.validationLearners),
                       "search_budget_seconds": s.budgetSeconds]
            if let g = s.gain {
                out["search_validation_gain"] = g.mean
                out["search_validation_gain_low"] = g.low
                out["search_validation_gain_high"] = g.high
            }
            if s.keptDefaults { out["search_kept_defaults"] = 1 }
            return out
        }
        guard evaluate else {
            let search = try await searcher?(all)
            return RecommenderEvaluation(metrics: searchMetrics(search), search: search, published: search?.chosen ?? config,
                                         notes: searchNotes(search),
                                         decision: search.map { [$0.decision, "no held-out evaluation (evaluation off): the choice was not checked against the defaults"] } ?? [])
        }
        let (train, test) = try Splits.leaveKOut(all, k: 1, minimumKept: 2, seed: seed)
        let search = try await searcher?(train)
        let chosen = search?.chosen ?? config
        guard !test.isEmpty else {
            return RecommenderEvaluation(metrics: searchMetrics(search), search: search, published: chosen, notes: searchNotes(search),
                                         decision: search.map { [$0.decision, "no held-out evaluation (no learner has 3 courses)"] } ?? [])
        }
        let trainData = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: n, courseCount: m,
                                         learners: data.learners, courses: data.courses)
        let relevant = Splits.relevantSets(test, learnerCount: n)
        let testLearners = (0..<n).filter { !relevant[$0].isEmpty }
        func score(_ c: ALSConfiguration) async throws -> (summary: RankingSummary, perLearner: [Double]) {
            let model = try await ALSModel.fit(trainData, configuration: c)
            return try await runOnDedicatedThread { _ in
                let recs = try model.recommend(learners: testLearners, k: 10, excluding: trainData.byLearner)
                let lists = recs.map { $0.map(\.course) }, targets = testLearners.map { relevant[$0] }
                let perLearner = zip(lists, targets).map { RankingMetrics.ndcg(at: 10, recommended: $0, relevant: $1) }
                return (try RankingMetrics.evaluate(at: 10, recommended: lists, relevant: targets), perLearner)
            }
        }
        let s = try await score(chosen)
        var published = chosen, summary = s.summary
        var metrics = searchMetrics(search)
        var notes = searchNotes(search), decision = search.map { [$0.decision] } ?? []
        if search != nil {
            if RecommenderSearch.same(chosen, config) {
                metrics["ndcg10_default"] = s.summary.ndcg
            } else {
                let d = try await score(config)
                let bootstrap = PairedBootstrap(replicates: 400, confidence: 0.9, seed: seed)
                let (candidate, reference) = (s.perLearner, d.perLearner)
                let gain = try await runOnDedicatedThread { _ in bootstrap.interval(candidate: candidate, reference: reference) }
                metrics["ndcg10_default"] = d.summary.ndcg
                metrics["ndcg10_searched"] = s.summary.ndcg
                metrics["search_heldout_gain"] = gain.mean
                metrics["search_heldout_gain_low"] = gain.low
                metrics["search_heldout_gain_high"] = gain.high
                let figures = String(format: "held-out nDCG@10 %.4f against the defaults' %.4f over %d learners, gain ", s.summary.ndcg, d.summary.ndcg,
                                     testLearners.count) + gain.text
                if s.summary.ndcg < d.summary.ndcg {
                    published = config
                    summary = d.summary
                    metrics["search_rejected"] = 1
                    let words = "not activated: the search's choice (\(RecommenderSearch.describe(chosen))) scored \(figures), "
                        + "below the defaults; the defaults' model was published instead"
                    notes.append("recommender search " + words)
                    decision.append(words)
                } else {
                    decision.append("published the search's choice: \(figures)")
                }
            }
        }
        metrics.merge(["ndcg10": summary.ndcg, "precision10": summary.precision, "recall10": summary.recall, "map10": summary.map,
                       "evaluated_learners": Double(testLearners.count)]) { $1 }
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
        return RecommenderEvaluation(metrics: metrics, search: search, published: published, notes: notes, decision: decision)
    }
}
