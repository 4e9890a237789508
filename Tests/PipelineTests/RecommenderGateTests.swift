import Foundation
import LearningEvents
import Models
@testable import Pipeline
import Testing

/// Issue 21 item 4: the search validates on every learner with enough history, keeps the defaults unless a
/// candidate wins beyond the noise, never publishes a recommender that scores below the defaults on the held-out
/// evaluation, and spends a budget in proportion to the data.
@Suite("A recommender search that never publishes a worse model")
struct RecommenderGateTests {
    static func defaults(seed: UInt64) -> ALSConfiguration {
        var c = RecommenderOptions().als
        c.seed = seed
        c.threads = 2
        return c
    }

    @Test("on a front-loaded tenant the search validates on every learner with enough history, and what is published is never below the defaults",
          arguments: [UInt64(7), 21])
    func frontLoaded(seed: UInt64) async throws {
        let t = try FrontLoadedTenant.make(seed: seed)
        let config = Self.defaults(seed: seed)
        let e = try await RecommenderEvaluation.run(t.interactions, data: t.data, config: config, seed: seed, evaluate: true,
                                                    search: RecommenderSearch())
        let s = try #require(e.search)
        // The search sees the evaluation's training part: learners with ≥ 4 courses keep ≥ 3 there, and each is validated.
        var courses: [Int: Set<Int>] = [:]
        for i in t.interactions { courses[i.learner, default: []].insert(i.course) }
        let enoughHistory = courses.values.filter { $0.count >= 4 }.count
        let (train, _) = try Splits.leaveKOut(t.interactions, k: 1, minimumKept: 2, seed: seed)
        let before = FrontLoadedTenant.globalSplitLearners(train)
        let ndcg = try #require(e.metrics["ndcg10"]), base = try #require(e.metrics["ndcg10_default"])
        print("front-loaded tenant (seed \(seed)): \(s.validationLearners) validation learners (the newest-20 %-of-enrolments split: \(before)); "
            + "\(s.summary); \(e.decision.joined(separator: "; ")); held-out nDCG@10 published \(String(format: "%.4f", ndcg)) vs defaults \(String(format: "%.4f", base))")
        for line in s.trials.map(\.line) { print("  \(line)") }
        #expect(s.validationLearners == enoughHistory)
        #expect(s.validationLearners > 3 * before, "the time-based split would have validated on \(before) learners only")
        #expect(ndcg >= base, "the published recommender scores \(ndcg) on the held-out evaluation, the defaults \(base)")
        #expect(s.trials.count <= RecommenderSearch().maxTrials)
        if RecommenderSearch.same(s.chosen, config) {
            #expect(RecommenderSearch.same(e.published, config))
        } else {
            #expect(try #require(s.gain).low > 0, "a candidate replaces the defaults only beyond the validation's noise")
        }
        if !RecommenderSearch.same(e.published, s.chosen) {
            #expect(e.metrics["search_rejected"] == 1 && e.notes.contains { $0.contains("not activated") })
        }
    }

    @Test("a choice that scores below the defaults on the held-out evaluation is not published: the defaults are, with a note")
    func worseChoiceIsNotPublished() async throws {
        let seed: UInt64 = 7
        let t = try FrontLoadedTenant.make(seed: seed)
        let config = Self.defaults(seed: seed)
        var bad = config
        bad.factors = 1
        bad.iterations = 1
        bad.regularization = 40
        bad.alpha = 0.25
        // A search result that claims the bad configuration won on validation.
        let fixed = RecommenderSearch.Result(
            chosen: bad, best: bad, gain: PairedBootstrap.Interval(mean: 0.01, low: 0.005, high: 0.015, confidence: 0.9), keptDefaults: false,
            trials: [], validationLearners: 500, stoppedBy: "converged", seconds: 0, budgetSeconds: 20)
        let e = try await RecommenderEvaluation.run(t.interactions, data: t.data, config: config, seed: seed, evaluate: true,
                                                    searcher: { _ in fixed })
        let searched = try #require(e.metrics["ndcg10_searched"]), base = try #require(e.metrics["ndcg10_default"])
        print("forced choice: held-out nDCG@10 \(String(format: "%.4f", searched)) vs defaults \(String(format: "%.4f", base)); notes: \(e.notes)")
        #expect(searched < base)
        #expect(RecommenderSearch.same(e.published, config), "the defaults are published")
        #expect(e.metrics["ndcg10"] == base, "the version's nDCG@10 is the published (default) model's")
        #expect(e.metrics["search_rejected"] == 1)
        #expect(try #require(e.metrics["search_heldout_gain_high"]) < 0)
        #expect(e.notes.count == 1 && e.notes[0].contains("not activated") && e.notes[0].contains("factors 1, λ 40.0, α 0.25, 1 iterations")
            && e.notes[0].contains("defaults' model was published instead"), "\(e.notes)")
        #expect(ReportWriter.searchTable([], decision: e.decision).contains("not activated"))
    }

    @Test("a best candidate that does not win beyond the noise leaves the defaults chosen")
    func noiseKeepsTheDefaults() async throws {
        let seed: UInt64 = 11
        let t = try FrontLoadedTenant.make(learners: 400, seed: seed)
        let config = Self.defaults(seed: seed)
        var settings = RecommenderSearch()
        settings.minimumGain = -1  // every move is taken, better or not: the best reached is rarely a real gain
        settings.maxTrials = 4
        let s = try await settings.run(t.interactions, learners: t.data.learners, courses: t.data.courses, base: config)
        print("every move taken: \(s.summary); \(s.decision)")
        #expect(!RecommenderSearch.same(s.best, config))
        let gain = try #require(s.gain)
        #expect(RecommenderSearch.same(s.chosen, gain.low > 0 ? s.best : config))
        #expect(s.keptDefaults == !(gain.low > 0))
        #expect(s.trials.first.map { $0.gain == nil } == true && s.trials.dropFirst().allSatisfy { $0.gain != nil })
    }

    @Test("the paired bootstrap: no difference is not a win, a clear gain is, and the same seed gives the same interval")
    func pairedBootstrap() {
        var rng = SplitMix64(seed: 3)
        let reference = (0..<500).map { _ in rng.uniform() }
        let same = PairedBootstrap(seed: 42).interval(candidate: reference, reference: reference)
        #expect(same.mean == 0 && same.low == 0 && same.high == 0 && !same.isPositive)
        let noisy = reference.map { $0 + (rng.uniform() - 0.5) * 0.2 }
        let n = PairedBootstrap(seed: 42).interval(candidate: noisy, reference: reference)
        #expect(n.low < n.mean && n.mean < n.high)
        #expect(n == PairedBootstrap(seed: 42).interval(candidate: noisy, reference: reference))
        let better = reference.map { $0 + 0.05 + (rng.uniform() - 0.5) * 0.2 }
        let b = PairedBootstrap(seed: 42).interval(candidate: better, reference: reference)
        #expect(b.isPositive && abs(b.mean - 0.05) < 0.01, "\(b)")
    }

    @Test("validation holds out each learner's newest course, for learners with at least three")
    func newestPerLearner() {
        let x = [Interaction(learner: 0, course: 1, weight: 1, time: 10), Interaction(learner: 0, course: 2, weight: 1, time: 30),
                 Interaction(learner: 0, course: 3, weight: 1, time: 20), Interaction(learner: 0, course: 2, weight: 2, time: 31),
                 Interaction(learner: 1, course: 1, weight: 1, time: 50), Interaction(learner: 1, course: 2, weight: 1, time: 60)]
        let (train, validation) = RecommenderSearch.newestPerLearner(x, minimumHistory: 3, maxLearners: 100, seed: 1)
        #expect(validation.map(\.course) == [2, 2] && validation.allSatisfy { $0.learner == 0 })
        #expect(train.count == 4)
        let capped = RecommenderSearch.newestPerLearner(x + x.map { Interaction(learner: $0.learner + 2, course: $0.course, weight: 1, time: $0.time) },
                                                        minimumHistory: 3, maxLearners: 1, seed: 1)
        #expect(Set(capped.validation.map(\.learner)).count == 1)
    }

    @Test("the search's budget grows with the data (search_budget seconds per 100,000 interactions, at least 20 s), checked as a job parameter")
    func budget() throws {
        var s = RecommenderSearch()
        #expect(s.budget(interactions: 10_000) == .seconds(20))
        #expect(s.budget(interactions: 1_000_000) == .seconds(50))
        s.secondsPer100kInteractions = 30
        #expect(s.budget(interactions: 575_000) == .seconds(172.5))
        var options = RefreshOptions(source: ["-"], modelsDirectory: URL(fileURLWithPath: "models"))
        try JobParameter.searchBudget.apply("12.5", to: &options)
        #expect(options.recommender.searchSettings.secondsPer100kInteractions == 12.5)
        #expect(throws: PipelineError.self) { try JobParameter.searchBudget.apply("601", to: &options) }
        #expect(throws: PipelineError.self) { try JobParameter.searchBudget.apply("nan", to: &options) }
        #expect(JobKind.refresh.parameters.contains(.searchBudget) && JobKind.named("recommend")?.parameters.contains(.searchBudget) == true)
    }
}
