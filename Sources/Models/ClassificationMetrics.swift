/// Metrics for probabilistic binary classifiers (dropout risk).
public enum ClassificationMetrics {
    /// ROC-AUC (Mann–Whitney, ties counted half); `nil` when one class is missing.
    public static func rocAUC(scores: [Double], labels: [Bool]) throws -> Double? {
        try check(scores, labels)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositive = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for t in i...j where labels[order[t]] { rankSumPositive += averageRank }
            i = j + 1
        }
        let pos = labels.filter { $0 }.count, neg = labels.count - pos
        guard pos > 0, neg > 0 else { return nil }
        return (rankSumPositive - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }

    /// Mean negative log-likelihood; probabilities are clipped to [ε, 1 − ε] with ε = 1e-15.
    public static func logLoss(probabilities: [Double], labels: [Bool]) throws -> Double {
        try check(probabilities, labels)
        guard !labels.isEmpty else { return 0 }
        let eps = 1e-15
        let total = zip(probabilities, labels).reduce(0.0) { acc, pair in
            let p = min(max(pair.0, eps), 1 - eps)
            return acc - (pair.1 ? mathLog(p) : mathLog(1 - p))
        }
        return total / Double(labels.count)
    }

    /// Mean squared difference between probability and outcome.
    public static func brier(probabilities: [Double], labels: [Bool]) throws -> Double {
        try check(probabilities, labels)
        guard !labels.isEmpty else { return 0 }
        return zip(probabilities, labels).reduce(0.0) { $0 + ($1.0 - ($1.1 ? 1 : 0)) * ($1.0 - ($1.1 ? 1 : 0)) }
            / Double(labels.count)
    }

    /// Reliability table over `bins` equal-width probability bins ([0, 1/b), …, [(b−1)/b, 1]); empty bins are kept
    /// with a count of 0.
    public static func calibration(probabilities: [Double], labels: [Bool], bins: Int = 10) throws -> [CalibrationBin] {
        try check(probabilities, labels)
        guard bins >= 1 else { throw ModelsError.invalidConfiguration("bins must be ≥ 1") }
        var count = [Int](repeating: 0, count: bins), sumP = [Double](repeating: 0, count: bins)
        var positives = [Int](repeating: 0, count: bins)
        for (p, y) in zip(probabilities, labels) {
            let b = min(bins - 1, max(0, Int(p * Double(bins))))
            count[b] += 1
            sumP[b] += p
            if y { positives[b] += 1 }
        }
        return (0..<bins).map { b in
            CalibrationBin(
                lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                meanPredicted: count[b] > 0 ? sumP[b] / Double(count[b]) : 0,
                observedRate: count[b] > 0 ? Double(positives[b]) / Double(count[b]) : 0)
        }
    }

    static func check(_ a: [Double], _ b: [Bool]) throws {
        guard a.count == b.count else { throw ModelsError.shapeMismatch("\(a.count) scores for \(b.count) labels") }
    }
}

/// One bin of a calibration table.
public struct CalibrationBin: Sendable, Equatable, Codable {
    /// Bin bounds.
    public let lower: Double, upper: Double
    /// Rows whose probability falls in the bin.
    public let count: Int
    /// Mean predicted probability in the bin.
    public let meanPredicted: Double
    /// Fraction of positives in the bin.
    public let observedRate: Double
}
