import Foundation
import LearningEvents
import LinearAlgebra
public import Models

/// A bounded hyperparameter search for one tenant's iALS model.
///
/// **Validation.** Every learner with at least `minimumHistory` distinct courses (as the held-out evaluation scores
/// every learner with at least 3) has their newest course (by when the enrolment began) held out and is scored on
/// it, trained on the rest; at most `maxValidationLearners` of them (a seeded sample). So a tenant whose activity is
/// front-loaded in time still validates on all its learners with enough history, not on the few who enrolled last.
///
/// **Search.** Starting from the defaults (always the first trial), coordinate ascent moves one hyperparameter at a
/// time (factors, λ, α, iterations) to the neighbouring grid value while the mean validation nDCG@10 improves by more
/// than `minimumGain`, until no move helps, `maxTrials` fits were made or the time budget has passed.
///
/// **Budget in proportion to the data.** The time budget is `secondsPer100kInteractions` (job parameter
/// `search_budget`) for every 100,000 interactions the search trains on, never less than `minimumBudget`: a fit's
/// cost grows with the interactions, so a larger tenant gets about as many trials as a small one.
///
/// **Keeping the defaults.** The best configuration reached replaces the defaults only if it wins beyond the
/// validation's own noise: the lower end of the paired bootstrap interval (`PairedBootstrap`, over validation
/// learners, `confidence`, seeded with the run's seed) of its per-learner gain over the defaults is above zero.
/// Otherwise the result's `chosen` is the defaults (`keptDefaults`).
public struct RecommenderSearch: Sendable {
    /// Seconds of search per 100,000 interactions (job parameter `search_budget`, `--search-budget`).
    public var secondsPer100kInteractions = 5.0
    /// The time budget is never below this, however small the tenant.
    public var minimumBudget: Duration = .seconds(20)
    public var maxTrials = 14
    /// Learners with at least this many distinct courses are validated on their newest one.
    public var minimumHistory = 3
    /// A seeded sample of the eligible learners beyond this many (each trial ranks every validation learner).
    public var maxValidationLearners = 20_000
    /// A move is kept only when it beats the best so far by this relative margin (a tie keeps the simpler, earlier choice).
    public var minimumGain = 0.005
    /// Resamples of the paired bootstrap against the defaults, and the interval's coverage.
    public var bootstrapReplicates = 400
    public var confidence = 0.9

    /// The range of `search_budget` (seconds per 100,000 interactions).
    public static let budgetRange: ClosedRange<Double> = 0...600
    public static let factorsGrid = [8, 16, 32, 48, 64]
    public static let regularizationGrid: [Float] = [1.25, 2.5, 5, 10, 20, 40]
    public static let alphaGrid: [Float] = [0.25, 0.5, 1, 2, 4]
    public static let iterationsGrid = [8, 15, 25]

    public init() {}

    /// The time budget for a search over `interactions` interactions.
    public func budget(interactions: Int) -> Duration {
        max(minimumBudget, .seconds(secondsPer100kInteractions * Double(max(0, interactions)) / 100_000))
    }

    /// One configuration tried.
    public struct Trial: Sendable, Codable, Equatable {
        public var factors: Int
        public var regularization: Float
        public var alpha: Float
        public var iterations: Int
        /// Mean validation nDCG@10.
        public var ndcg10: Double
        public var seconds: Double
        /// Its validation nDCG@10 minus the defaults', per learner, with the paired bootstrap interval (nil for the
        /// defaults' own trial).
        public var gain: PairedBootstrap.Interval?

        public var line: String {
            String(format: "factors %d, λ %g, α %g, %d iterations: nDCG@10 %.4f", factors, Double(regularization), Double(alpha),
                   iterations, ndcg10)
                + (gain.map { ", gain over the defaults \($0.text)" } ?? " (the defaults)")
                + String(format: " (%.2f s)", seconds)
        }
    }

    public struct Result: Sendable {
        /// What the search recommends: the best configuration reached when it beat the defaults beyond the noise,
        /// else the defaults.
        public var chosen: ALSConfiguration
        /// The best configuration the ascent reached (the defaults, or a candidate that may not have won).
        public var best: ALSConfiguration
        /// The best configuration's gain over the defaults on validation (nil when it is the defaults).
        public var gain: PairedBootstrap.Interval?
        /// The best configuration differed from the defaults but did not win beyond the noise: `chosen` is the defaults.
        public var keptDefaults: Bool
        public var trials: [Trial]
        public var validationLearners: Int
        /// Why the search stopped: `converged`, `trials` or `budget`; `no-validation` when there was nothing to validate on.
        public var stoppedBy: String
        public var seconds: Double
        /// The time budget it had.
        public var budgetSeconds: Double

        public var summary: String {
            "factors \(chosen.factors), λ \(chosen.regularization), α \(chosen.alpha), \(chosen.iterations) iterations "
                + "(\(trials.count) trials, \(stoppedBy), \(String(format: "%.1f", seconds)) of \(String(format: "%.0f", budgetSeconds)) s, "
                + "\(validationLearners) validation learners\(keptDefaults ? "; kept the defaults: the best candidate did not win beyond the noise" : ""))"
        }

        /// The decision in words (for the report and the notes).
        public var decision: String {
            guard stoppedBy != "no-validation" else {
                return "the search had too few learners to validate on (\(validationLearners)): kept the defaults"
            }
            let interval = gain.map { $0.text } ?? ""
            if keptDefaults {
                return "kept the defaults: the search's best candidate (\(RecommenderSearch.describe(best))) gained \(interval) in validation "
                    + "nDCG@10 over \(validationLearners) learners, not beyond the noise"
            }
            if gain == nil { return "kept the defaults: no candidate beat them in validation (\(trials.count) trials)" }
            return "the search chose \(RecommenderSearch.describe(chosen)): validation nDCG@10 gain over the defaults \(interval) over \(validationLearners) learners"
        }
    }

    /// Searches on `interactions` (indices into `learners` × `courses`; `time` = when the enrolment began), from
    /// `base` (the defaults; its `seed` seeds the validation sample and the bootstrap).
    public func run(_ interactions: [Interaction], learners: IDMap, courses: IDMap, base: ALSConfiguration) async throws -> Result {
        let clock = ContinuousClock(), start = clock.now
        let n = learners.count, m = courses.count
        let budget = budget(interactions: interactions.count)
        let budgetSeconds = Self.seconds(budget)
        func empty(_ learners: Int) -> Result {
            Result(chosen: base, best: base, gain: nil, keptDefaults: false, trials: [], validationLearners: learners, stoppedBy: "no-validation",
                   seconds: 0, budgetSeconds: budgetSeconds)
        }
        let (train, validation) = Self.newestPerLearner(interactions, minimumHistory: minimumHistory, maxLearners: maxValidationLearners,
                                                        seed: base.seed)
        let trainData = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: n, courseCount: m,
                                         learners: learners, courses: courses)
        let relevant = Splits.relevantSets(validation, learnerCount: n)
        let scored = (0..<n).filter { !relevant[$0].isEmpty && trainData.byLearner.count(inRow: $0) > 0 }
        guard scored.count >= 10 else { return empty(scored.count) }
        let targets = scored.map { relevant[$0] }
        let bootstrap = PairedBootstrap(replicates: bootstrapReplicates, confidence: confidence, seed: base.seed)
        var trials: [Trial] = []
        var cache: [String: (mean: Double, perLearner: [Double])] = [:]
        var baseline: [Double]?
        func evaluate(_ c: ALSConfiguration) async throws -> Double {
            if let v = cache[Self.key(c)] { return v.mean }
            let t0 = clock.now
            var quiet = c
            quiet.computeLoss = false
            let model = try await ALSModel.fit(trainData, configuration: quiet)
            let reference = baseline
            let (perLearner, gain) = try await runOnDedicatedThread { _ -> ([Double], PairedBootstrap.Interval?) in
                let recs = try model.recommend(learners: scored, k: 10, excluding: trainData.byLearner)
                let perLearner = zip(recs, targets).map { RankingMetrics.ndcg(at: 10, recommended: $0.map(\.course), relevant: $1) }
                return (perLearner, reference.map { bootstrap.interval(candidate: perLearner, reference: $0) })
            }
            let mean = perLearner.reduce(0, +) / Double(perLearner.count)
            trials.append(Trial(factors: c.factors, regularization: c.regularization, alpha: c.alpha, iterations: c.iterations, ndcg10: mean,
                                seconds: Self.seconds(clock.now - t0), gain: gain))
            cache[Self.key(c)] = (mean, perLearner)
            if baseline == nil { baseline = perLearner }
            return mean
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
                        if cache[Self.key(next)] != nil { break }
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
        // The best configuration's trial carries its paired interval against the defaults (same resamples).
        let gain = Self.same(best, base) ? nil : trials.first { $0.configuration(like: best) == best }?.gain
        let wins = gain?.isPositive ?? false
        return Result(chosen: wins ? best : base, best: best, gain: gain, keptDefaults: gain != nil && !wins, trials: trials,
                      validationLearners: scored.count, stoppedBy: stopped, seconds: Self.seconds(clock.now - start), budgetSeconds: budgetSeconds)
    }

    /// The validation split: for each learner with at least `minimumHistory` distinct courses (a seeded sample of
    /// `maxLearners` of them when there are more), every interaction with their newest course (the latest `time`;
    /// on a tie the larger course index) is held out; everything else trains.
    static func newestPerLearner(_ interactions: [Interaction], minimumHistory: Int, maxLearners: Int, seed: UInt64)
        -> (train: [Interaction], validation: [Interaction]) {
        // Per learner: each course's first time.
        var began: [Int: [Int: Double]] = [:]
        for i in interactions { began[i.learner, default: [:]][i.course] = min(began[i.learner]?[i.course] ?? .infinity, i.time) }
        var eligible = began.keys.filter { began[$0]!.count >= max(2, minimumHistory) }.sorted()
        if eligible.count > maxLearners {
            var rng = SplitMix64(seed: seed, 0x7661_6C69)  // "vali": a sub-stream of the run's seed
            eligible.shuffle(using: &rng)
            eligible = Array(eligible.prefix(max(0, maxLearners)))
        }
        var heldOut: [Int: Int] = [:]
        for l in eligible {
            heldOut[l] = began[l]!.max { ($0.value, $0.key) < ($1.value, $1.key) }!.key
        }
        var train: [Interaction] = [], validation: [Interaction] = []
        for i in interactions {
            if heldOut[i.learner] == i.course { validation.append(i) } else { train.append(i) }
        }
        return (train, validation)
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

    static func key(_ c: ALSConfiguration) -> String { "\(c.factors)/\(c.regularization)/\(c.alpha)/\(c.iterations)" }

    /// The same searched hyperparameters (factors, λ, α, iterations).
    static func same(_ a: ALSConfiguration, _ b: ALSConfiguration) -> Bool { key(a) == key(b) }

    /// `factors 8, λ 40, α 0.25, 15 iterations`.
    static func describe(_ c: ALSConfiguration) -> String {
        "factors \(c.factors), λ \(c.regularization), α \(c.alpha), \(c.iterations) iterations"
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}

extension RecommenderSearch.Trial {
    /// `template` with this trial's searched hyperparameters.
    func configuration(like template: ALSConfiguration) -> ALSConfiguration {
        var c = template
        c.factors = factors
        c.regularization = regularization
        c.alpha = alpha
        c.iterations = iterations
        return c
    }
}
