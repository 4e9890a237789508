import Foundation
public import LinearAlgebra
public import Models

/// A bounded hyperparameter search for one tenant's iALS model on a time-based validation split: the interactions
/// of the newest `validationShare` of enrolments (by when they began) are the validation set, each learner's earlier
/// ones the training set (learners with no earlier interaction are not scored). Starting from the defaults, it moves
/// one hyperparameter at a time to the neighbouring grid value while validation nDCG@10 improves (coordinate ascent
/// over factors, λ, α and iterations), until no move helps, `maxTrials` fits were made or `budget` has passed. The
/// defaults are always the first trial, so the choice is never worse than them on validation.
public struct RecommenderSearch: Sendable {
    public var budget: Duration = .seconds(20)
    public var maxTrials = 14
    public var validationShare = 0.2
    /// Kept only when it beats the best so far by this relative margin (a tie keeps the simpler, earlier choice).
    public var minimumGain = 0.005

    public static let factorsGrid = [8, 16, 32, 48, 64]
    public static let regularizationGrid: [Float] = [1.25, 2.5, 5, 10, 20, 40]
    public static let alphaGrid: [Float] = [0.25, 0.5, 1, 2, 4]
    public static let iterationsGrid = [8, 15, 25]

    public init() {}

    /// One configuration tried.
    public struct Trial: Sendable, Codable, Equatable {
        public var factors: Int
        public var regularization: Float
        public var alpha: Float
        public var iterations: Int
        public var ndcg10: Double
        public var seconds: Double

        public var line: String {
            String(format: "factors %d, λ %g, α %g, %d iterations: nDCG@10 %.4f (%.2f s)", factors, Double(regularization), Double(alpha),
                   iterations, ndcg10, seconds)
        }
    }

    public struct Result: Sendable {
        public var chosen: ALSConfiguration
        public var trials: [Trial]
        public var validationLearners: Int
        /// Why the search stopped: `converged`, `trials` or `budget`; `no-validation` when there was nothing to validate on.
        public var stoppedBy: String
        public var seconds: Double

        public var summary: String {
            "factors \(chosen.factors), λ \(chosen.regularization), α \(chosen.alpha), \(chosen.iterations) iterations "
                + "(\(trials.count) trials, \(stoppedBy), \(String(format: "%.1f", seconds)) s, \(validationLearners) validation learners)"
        }
    }

    /// Searches on `interactions` (indices into `learners` × `courses`; `time` = when the enrolment began).
    public func run(_ interactions: [Interaction], learners: IDMap, courses: IDMap, base: ALSConfiguration) async throws -> Result {
        let clock = ContinuousClock(), start = clock.now
        let n = learners.count, m = courses.count
        let times = interactions.map(\.time).sorted()
        guard times.count >= 20 else {
            return Result(chosen: base, trials: [], validationLearners: 0, stoppedBy: "no-validation", seconds: 0)
        }
        let cutoff = times[min(times.count - 1, Int(Double(times.count) * (1 - validationShare)))]
        let (train, validation) = Splits.byTime(interactions, cutoff: cutoff)
        let trainData = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: n, courseCount: m,
                                         learners: learners, courses: courses)
        let relevant = Splits.relevantSets(validation, learnerCount: n)
        let scored = (0..<n).filter { !relevant[$0].isEmpty && trainData.byLearner.count(inRow: $0) > 0 }
        guard scored.count >= 10 else {
            return Result(chosen: base, trials: [], validationLearners: scored.count, stoppedBy: "no-validation", seconds: 0)
        }
        var trials: [Trial] = []
        var cache: [String: Double] = [:]
        func key(_ c: ALSConfiguration) -> String { "\(c.factors)/\(c.regularization)/\(c.alpha)/\(c.iterations)" }
        func evaluate(_ c: ALSConfiguration) async throws -> Double {
            if let v = cache[key(c)] { return v }
            let t0 = clock.now
            var quiet = c
            quiet.computeLoss = false
            let model = try await ALSModel.fit(trainData, configuration: quiet)
            let ndcg = try await runOnDedicatedThread { _ in
                let recs = try model.recommend(learners: scored, k: 10, excluding: trainData.byLearner)
                return try RankingMetrics.evaluate(at: 10, recommended: recs.map { $0.map(\.course) }, relevant: scored.map { relevant[$0] }).ndcg
            }
            let d = clock.now - t0
            trials.append(Trial(factors: c.factors, regularization: c.regularization, alpha: c.alpha, iterations: c.iterations, ndcg10: ndcg,
                                seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
            cache[key(c)] = ndcg
            return ndcg
        }
        var best = base, bestScore = try await evaluate(base)
        var stopped = "converged"
        func outOfBudget() -> Bool { trials.count >= maxTrials || clock.now - start >= budget }
        search: for _ in 0..<3 {
            var improved = false
            for dimension in 0..<4 {
                // Walk this dimension's grid from the current value while it helps (up first, then down).
                for direction in [1, -1] {
                    while true {
                        if outOfBudget() {
                            stopped = trials.count >= maxTrials ? "trials" : "budget"
                            break search
                        }
                        guard let next = Self.neighbour(of: best, dimension: dimension, direction: direction) else { break }
                        if cache[key(next)] != nil { break }
                        try Task.checkCancellation()
                        let score = try await evaluate(next)
                        guard score > bestScore * (1 + minimumGain) else { break }
                        best = next
                        bestScore = score
                        improved = true
                    }
                }
            }
            if !improved { break }
        }
        let d = clock.now - start
        return Result(chosen: best, trials: trials, validationLearners: scored.count, stoppedBy: stopped,
                      seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }

    /// The configuration one grid step away along a dimension (factors, λ, α, iterations); nil at the grid's end.
    static func neighbour(of c: ALSConfiguration, dimension: Int, direction: Int) -> ALSConfiguration? {
        func step<T: Comparable>(_ grid: [T], _ value: T) -> T? {
            // The nearest grid index to the value, then one step.
            let i = grid.firstIndex { $0 >= value } ?? grid.count - 1
            let j = grid[i] == value ? i + direction : (direction > 0 ? i : i - 1)
            return grid.indices.contains(j) ? grid[j] : nil
        }
        var next = c
        switch dimension {
        case 0: guard let v = step(factorsGrid, c.factors) else { return nil }; next.factors = v
        case 1: guard let v = step(regularizationGrid, c.regularization) else { return nil }; next.regularization = v
        case 2: guard let v = step(alphaGrid, c.alpha) else { return nil }; next.alpha = v
        default: guard let v = step(iterationsGrid, c.iterations) else { return nil }; next.iterations = v
        }
        return next
    }
}
