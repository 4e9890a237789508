import LearningEvents

/// One (learner, course, weight) interaction, optionally timestamped (seconds since the epoch), for splitting.
public struct Interaction: Sendable, Equatable {
    /// Learner index.
    public let learner: Int
    /// Course index.
    public let course: Int
    /// Interaction weight `r`.
    public let weight: Float
    /// When it happened (seconds since the epoch); used by ``Splits/byTime(_:cutoff:)``.
    public let time: Double

    /// An interaction.
    public init(learner: Int, course: Int, weight: Float, time: Double = 0) {
        self.learner = learner
        self.course = course
        self.weight = weight
        self.time = time
    }
}

/// Train/test splits for offline evaluation.
public enum Splits {
    /// Per learner, holds out `k` distinct courses chosen at random (seeded) for test; learners with fewer than
    /// `k + minimumKept` distinct courses stay entirely in training. All interactions with a held-out (learner, course) pair
    /// go to test.
    public static func leaveKOut(
        _ interactions: [Interaction], k: Int, minimumKept: Int = 1, seed: UInt64 = 42
    ) throws -> (train: [Interaction], test: [Interaction]) {
        guard k >= 1, minimumKept >= 0 else { throw ModelsError.invalidConfiguration("k must be ≥ 1") }
        var coursesByLearner: [Int: [Int]] = [:]
        for i in interactions { coursesByLearner[i.learner, default: []].append(i.course) }
        var rng = SplitMix64(seed: seed)
        var heldOut = Set<PairKey>()
        for learner in coursesByLearner.keys.sorted() {
            var distinct = Array(Set(coursesByLearner[learner]!)).sorted()
            guard distinct.count >= k + minimumKept else { continue }
            for j in 0..<k {
                let pick = j + Int(rng.next() % UInt64(distinct.count - j))
                distinct.swapAt(j, pick)
                heldOut.insert(PairKey(learner: learner, course: distinct[j]))
            }
        }
        var train: [Interaction] = [], test: [Interaction] = []
        for i in interactions {
            if heldOut.contains(PairKey(learner: i.learner, course: i.course)) { test.append(i) } else { train.append(i) }
        }
        return (train, test)
    }

    /// Interactions before `cutoff` train, the rest test; test pairs already seen in training are dropped (they are
    /// not new courses for the learner).
    public static func byTime(_ interactions: [Interaction], cutoff: Double) -> (train: [Interaction], test: [Interaction]) {
        let train = interactions.filter { $0.time < cutoff }
        let seen = Set(train.map { PairKey(learner: $0.learner, course: $0.course) })
        let test = interactions.filter { $0.time >= cutoff && !seen.contains(PairKey(learner: $0.learner, course: $0.course)) }
        return (train, test)
    }

    /// Held-out courses per learner index (`learnerCount` sets), the `relevant` input of ``RankingMetrics``.
    public static func relevantSets(_ test: [Interaction], learnerCount: Int) -> [Set<Int>] {
        var sets = [Set<Int>](repeating: [], count: learnerCount)
        for i in test where i.learner >= 0 && i.learner < learnerCount { sets[i.learner].insert(i.course) }
        return sets
    }

    struct PairKey: Hashable {
        let learner: Int
        let course: Int
    }
}
