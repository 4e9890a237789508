/// Ranking metrics for top-K recommendation with binary relevance.
///
/// Per learner: `recommended` is the ranked list (best first), `relevant` the held-out courses.
public enum RankingMetrics {
    /// |top-k ∩ relevant| / k.
    public static func precision(at k: Int, recommended: [Int], relevant: Set<Int>) -> Double {
        guard k > 0 else { return 0 }
        return Double(hits(k, recommended, relevant)) / Double(k)
    }

    /// |top-k ∩ relevant| / |relevant| (0 when nothing is relevant).
    public static func recall(at k: Int, recommended: [Int], relevant: Set<Int>) -> Double {
        guard k > 0, !relevant.isEmpty else { return 0 }
        return Double(hits(k, recommended, relevant)) / Double(relevant.count)
    }

    /// Average precision at k: Σ_{i ≤ k, rel_i} precision@i / min(k, |relevant|).
    public static func averagePrecision(at k: Int, recommended: [Int], relevant: Set<Int>) -> Double {
        guard k > 0, !relevant.isEmpty else { return 0 }
        var found = 0, sum = 0.0
        for (i, c) in recommended.prefix(k).enumerated() where relevant.contains(c) {
            found += 1
            sum += Double(found) / Double(i + 1)
        }
        return sum / Double(min(k, relevant.count))
    }

    /// nDCG at k with binary gains: DCG = Σ rel_i / log2(i + 2), normalised by the ideal DCG of min(k, |relevant|)
    /// hits.
    public static func ndcg(at k: Int, recommended: [Int], relevant: Set<Int>) -> Double {
        guard k > 0, !relevant.isEmpty else { return 0 }
        var dcg = 0.0
        for (i, c) in recommended.prefix(k).enumerated() where relevant.contains(c) { dcg += 1 / mathLog2(Double(i + 2)) }
        var ideal = 0.0
        for i in 0..<min(k, relevant.count) { ideal += 1 / mathLog2(Double(i + 2)) }
        return dcg / ideal
    }

    /// Ranking AUC: over `ranking` (all candidate courses, best first), the fraction of (relevant, non-relevant) pairs
    /// where the relevant course is ranked higher. 0.5 means random; `nil` when either group is empty.
    public static func auc(ranking: [Int], relevant: Set<Int>) -> Double? {
        var relevantSeen = 0, correctPairs = 0
        var negatives = 0
        for c in ranking {
            if relevant.contains(c) {
                relevantSeen += 1
            } else {
                negatives += 1
                correctPairs += relevantSeen
            }
        }
        guard relevantSeen > 0, negatives > 0 else { return nil }
        return Double(correctPairs) / Double(relevantSeen * negatives)
    }

    static func hits(_ k: Int, _ recommended: [Int], _ relevant: Set<Int>) -> Int {
        recommended.prefix(k).reduce(0) { $0 + (relevant.contains($1) ? 1 : 0) }
    }

    /// Means of precision, recall, MAP and nDCG at `k` over learners with at least one relevant course.
    public static func evaluate(at k: Int, recommended: [[Int]], relevant: [Set<Int>]) throws -> RankingSummary {
        guard recommended.count == relevant.count else {
            throw ModelsError.shapeMismatch("\(recommended.count) ranked lists for \(relevant.count) relevant sets")
        }
        var p = 0.0, r = 0.0, m = 0.0, n = 0.0, users = 0
        for (rec, rel) in zip(recommended, relevant) where !rel.isEmpty {
            users += 1
            p += precision(at: k, recommended: rec, relevant: rel)
            r += recall(at: k, recommended: rec, relevant: rel)
            m += averagePrecision(at: k, recommended: rec, relevant: rel)
            n += ndcg(at: k, recommended: rec, relevant: rel)
        }
        let u = Double(max(users, 1))
        return RankingSummary(k: k, learners: users, precision: p / u, recall: r / u, map: m / u, ndcg: n / u)
    }
}

/// Mean ranking metrics over the evaluated learners.
public struct RankingSummary: Sendable, Equatable, Codable {
    /// Cut-off.
    public let k: Int
    /// Learners with at least one relevant course (the ones averaged).
    public let learners: Int
    /// Mean precision@k.
    public let precision: Double
    /// Mean recall@k.
    public let recall: Double
    /// Mean average precision@k.
    public let map: Double
    /// Mean nDCG@k.
    public let ndcg: Double
}
