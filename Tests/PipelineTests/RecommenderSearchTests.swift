import Foundation
import LearningStore
import Models
@testable import Pipeline
import Testing

@Suite("Recommender hyperparameter search")
struct RecommenderSearchTests {
    @Test("nDCG@10 on held-out courses with the per-tenant search is at least that of the defaults")
    func searchHelps() async throws {
        let d = try await RiskQualityTests.data()
        var tuned = 0.0, defaults = 0.0, weight = 0.0
        for t in d.tenants.prefix(4) {
            let agg = d.aggregators[t]!
            let triples = agg.interactions(at: .score)
            let data = try Interactions(triplets: triples.map { ($0.learner, $0.course, $0.confidence) }, learnerCount: agg.learners.count,
                                        courseCount: agg.courses.count, learners: try IDMap(ordered: agg.learners), courses: try IDMap(ordered: agg.courses))
            let all = triples.map { Interaction(learner: $0.learner, course: $0.course, weight: $0.confidence, time: Double($0.start) / 1_000_000) }
            var config = d.options.recommender.als
            config.threads = 2
            config.seed = d.options.seed
            let (metrics, search) = try await RecommenderPhase.evaluate(all, data: data, config: config, seed: d.options.seed, evaluate: true,
                                                                       search: d.options.recommender.searchSettings)
            let s = try #require(search)
            let ndcg = try #require(metrics["ndcg10"]), base = try #require(metrics["ndcg10_default"]), n = try #require(metrics["evaluated_learners"])
            print("\(t): search \(s.summary); held-out nDCG@10 \(String(format: "%.4f", ndcg)) vs defaults \(String(format: "%.4f", base))")
            #expect(s.trials.first.map { $0.factors == config.factors && $0.regularization == config.regularization } == true,
                    "the defaults are the first trial")
            #expect(s.trials.count <= d.options.recommender.searchSettings.maxTrials)
            #expect(s.validationLearners > 0)
            tuned += ndcg * n
            defaults += base * n
            weight += n
        }
        print("held-out nDCG@10 over the four largest tenants: with search \(String(format: "%.4f", tuned / weight)), defaults \(String(format: "%.4f", defaults / weight))")
        #expect(tuned / weight >= defaults / weight)
    }
}
