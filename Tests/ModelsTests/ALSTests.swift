import Testing
import LinearAlgebra
@testable import Models

@Suite("iALS solvers")
struct ALSTests {
    @Test("Cholesky ALS agrees with the slow Double reference solver (ν and α0 included)")
    func choleskyMatchesReference() throws {
        let (data, _) = try plantedInteractions(learners: 20, courses: 12)
        var config = smallConfig(.cholesky, factors: 3, iterations: 3)
        config.unobservedWeight = 0.5
        config.regularizationExponent = 0.5
        config.regularization = 0.05
        let model = try ALSModel.fit(data, configuration: config)
        let reference = try ALSReferenceSolver.fit(data, configuration: config)
        #expect(maxAbsDiff(model.learnerFactors.elements, reference.learners.flatMap { $0 }) < 2e-3)
        #expect(maxAbsDiff(model.courseFactors.elements, reference.courses.flatMap { $0 }) < 2e-3)
    }

    @Test("CG with enough steps reaches the Cholesky solution; default CG is close in loss",
          arguments: [(Float(1), Float(0)), (0.5, 0.5)])
    func cgMatchesCholesky(unobservedWeight: Float, exponent: Float) throws {
        let (data, _) = try plantedInteractions(learners: 30, courses: 15)
        var exactConfig = smallConfig(.cholesky, factors: 4, iterations: 3)
        exactConfig.unobservedWeight = unobservedWeight
        exactConfig.regularizationExponent = exponent
        var cgConfig = exactConfig
        cgConfig.solver = .conjugateGradient(steps: 12)
        let exact = try ALSModel.fit(data, configuration: exactConfig)
        let cg = try ALSModel.fit(data, configuration: cgConfig)
        #expect(maxAbsDiff(cg.learnerFactors.elements, exact.learnerFactors.elements.map(Double.init)) < 2e-3)
        #expect(maxAbsDiff(cg.courseFactors.elements, exact.courseFactors.elements.map(Double.init)) < 2e-3)
        let cg3 = try ALSModel.fit(data, configuration: smallConfig(.conjugateGradient(steps: 3), factors: 4, iterations: 8))
        let exact8 = try ALSModel.fit(data, configuration: smallConfig(.cholesky, factors: 4, iterations: 8))
        let l3 = try #require(cg3.lossHistory.last), le = try #require(exact8.lossHistory.last)
        #expect(abs(l3 - le) / le < 0.05, "CG(3) loss \(l3) vs exact \(le)")
    }

    @Test("loss decreases every iteration", arguments: [ALSSolverKind.cholesky, .conjugateGradient(steps: 3)])
    func lossDecreases(solver: ALSSolverKind) throws {
        let (data, _) = try plantedInteractions()
        let model = try ALSModel.fit(data, configuration: smallConfig(solver, factors: 6, iterations: 6))
        #expect(model.lossHistory.count == 6)
        for (a, b) in zip(model.lossHistory, model.lossHistory.dropFirst()) { #expect(b <= a * (1 + 1e-5)) }
        #expect(try abs(model.loss(on: data) - model.lossHistory.last!) < 1e-3 * model.lossHistory.last!)
    }

    @Test("rows without interactions get zero factors and popularity recommendations")
    func emptyRows() throws {
        let data = try Interactions(triplets: [(0, 0, 1), (0, 1, 2), (2, 1, 1), (2, 2, 1)], learnerCount: 3,
                                    courseCount: 4)
        let model = try ALSModel.fit(data, configuration: smallConfig(.conjugateGradient(steps: 3), factors: 2))
        #expect(model.learnerFactors.row(1).allSatisfy { $0 == 0 })
        #expect(model.courseFactors.row(3).allSatisfy { $0 == 0 })
        let recs = try model.recommend(learners: [1], k: 2, excluding: data.byLearner)
        #expect(recs[0].map(\.course) == [1, 0])
        #expect(recs[0].map(\.score) == [2, 1])
    }

    @Test("invalid hyperparameters and inputs are typed errors")
    func invalid() throws {
        let (data, _) = try plantedInteractions(learners: 6, courses: 6, perLearner: 2)
        var c = smallConfig()
        c.factors = 0
        #expect(throws: ModelsError.self) { try ALSModel.fit(data, configuration: c) }
        c = smallConfig(.conjugateGradient(steps: 0))
        #expect(throws: ModelsError.self) { try ALSModel.fit(data, configuration: c) }
        let model = try ALSModel.fit(data, configuration: smallConfig())
        #expect(throws: ModelsError.self) { try model.recommend(learners: [99], k: 3) }
        #expect(throws: ModelsError.self) { try model.foldIn(history: [HistoryItem(course: 42, weight: 1)]) }
        #expect(throws: ModelsError.self) { try model.similarCourses(to: -1, k: 2) }
        #expect(throws: ModelsError.self) { try model.recommend(learners: [0], k: 2, candidates: [77]) }
    }

    @Test("fold-in solves the learner's exact least-squares problem; explanations add up to the score")
    func foldInAndExplain() throws {
        let (data, _) = try plantedInteractions(learners: 30, courses: 12)
        let config = smallConfig(.cholesky, factors: 4, iterations: 4)
        let model = try ALSModel.fit(data, configuration: config)
        let history = data.byLearner.entries(inRow: 5).map { HistoryItem(course: $0.column, weight: $0.weight) }
        let x = try model.foldIn(history: history)
        let y = (0..<model.courseFactors.rows).map { model.courseFactors.row($0).map(Double.init) }
        let row = (0..<data.courseCount).map { c in Double(history.first { $0.course == c }?.weight ?? 0) }
        let expected = try ALSReferenceSolver.solveSide([row], fixed: y, configuration: config)[0]
        #expect(maxAbsDiff(x, expected) < 1e-3)

        let target = 3
        let explanation = try model.explain(history: history, course: target)
        #expect(explanation.count == history.count)
        let score = zip(x, model.courseFactors.row(target)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let total = explanation.reduce(Float(0)) { $0 + $1.contribution }
        #expect(abs(total - score) < 1e-3)
        #expect(zip(explanation, explanation.dropFirst()).allSatisfy { $0.contribution >= $1.contribution })
        #expect(try model.foldIn(history: []).allSatisfy { $0 == 0 })
    }
}

@Suite("top-K recommendation")
struct TopKTests {
    @Test("blocked top-K equals brute force; seen items, exclusions and candidates are honoured")
    func recommend() throws {
        let (data, _) = try plantedInteractions(learners: 40, courses: 20)
        let model = try ALSModel.fit(data, configuration: smallConfig(.conjugateGradient(steps: 3), factors: 5))
        let learners = Array(0..<40)
        let recs = try model.recommend(learners: learners, k: 5, excluding: data.byLearner, threads: 2, blockSize: 6)
        for u in learners {
            let seen = Set(data.byLearner.entries(inRow: u).map(\.column))
            let brute = (0..<20).filter { !seen.contains($0) }
                .map { c in (c, (try? model.score(learner: u, course: c)) ?? -.infinity) }
                .sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(5).map(\.0)
            #expect(recs[u].map(\.course) == Array(brute), "learner \(u)")
        }
        let chunked = try model.recommend(learners: learners, k: 5, excluding: data.byLearner, threads: 3, blockSize: 4,
                                          courseChunk: 7)
        #expect(chunked == recs)
        let allowed: Set<Int> = [1, 3, 5, 7, 9, 11]
        let limited = try model.recommend(learners: [0, 1], k: 4, excluding: data.byLearner, exclusions: [[1], [3]],
                                          candidates: allowed, courseChunk: 6)
        #expect(limited[0].allSatisfy { allowed.contains($0.course) && $0.course != 1 })
        #expect(limited[1].allSatisfy { allowed.contains($0.course) && $0.course != 3 })
        let seen0 = Set(data.byLearner.entries(inRow: 0).map(\.column))
        #expect(limited[0].allSatisfy { !seen0.contains($0.course) })
        #expect(try model.recommend(learners: [], k: 3).isEmpty)
    }

    @Test("similar courses by cosine, best first, never the course itself")
    func similar() throws {
        let (data, _) = try plantedInteractions(learners: 40, courses: 21, topics: 3)
        let model = try ALSModel.fit(data, configuration: smallConfig(.cholesky, factors: 4, iterations: 6))
        let sims = try model.similarCourses(to: 0, k: 5)
        #expect(sims.count == 5 && !sims.contains { $0.course == 0 })
        #expect(zip(sims, sims.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(sims.allSatisfy { $0.score <= 1.0001 && $0.score >= -1.0001 })
        // Planted topics: course 0's nearest neighbours come mostly from its own topic (courses 0..<7).
        #expect(sims.prefix(3).filter { $0.course < 7 }.count >= 2)
        let popular = try model.popularCourses(k: 3, excluding: [sims[0].course])
        #expect(popular.count == 3 && !popular.contains { $0.course == sims[0].course })
    }

    @Test("on planted data iALS beats the popularity baseline on held-out nDCG@5")
    func quality() throws {
        let (_, list) = try plantedInteractions(learners: 120, courses: 30, topics: 3, perLearner: 8)
        let (train, test) = try Splits.leaveKOut(list, k: 2, seed: 3)
        let data = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: 120,
                                    courseCount: 30)
        var config = smallConfig(.conjugateGradient(steps: 3), factors: 6, iterations: 10)
        config.computeLoss = false
        let model = try ALSModel.fit(data, configuration: config)
        let relevant = Splits.relevantSets(test, learnerCount: 120)
        let recs = try model.recommend(learners: Array(0..<120), k: 5, excluding: data.byLearner)
        let als = try RankingMetrics.evaluate(at: 5, recommended: recs.map { $0.map(\.course) }, relevant: relevant)
        let popular = try (0..<120).map { u in
            try model.popularCourses(k: 5, excluding: Set(data.byLearner.entries(inRow: u).map(\.column))).map(\.course)
        }
        let base = try RankingMetrics.evaluate(at: 5, recommended: popular, relevant: relevant)
        #expect(als.ndcg > base.ndcg * 1.3, "ALS \(als.ndcg) vs popularity \(base.ndcg)")
    }
}
