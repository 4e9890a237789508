public import LearningEvents

extension ClassificationMetrics {
    /// Expected calibration error: `Σ_b (n_b / n) · |mean predicted_b − observed rate_b|` over `bins` equal-width
    /// probability bins (0 for no rows).
    public static func expectedCalibrationError(probabilities: [Double], labels: [Bool], bins: Int = 10) throws -> Double {
        let table = try calibration(probabilities: probabilities, labels: labels, bins: bins)
        guard !labels.isEmpty else { return 0 }
        let n = Double(labels.count)
        return table.reduce(0) { $0 + Double($1.count) / n * abs($1.meanPredicted - $1.observedRate) }
    }

    /// A percentile bootstrap interval of `statistic` when whole groups (learners, so one learner's enrolments stay
    /// together) are resampled with replacement. `statistic` receives the row indices of one resample and may return
    /// nil (say, one class missing); those resamples are skipped. Nil when fewer than half the resamples gave a value.
    /// Deterministic for a seed.
    public static func bootstrapInterval(
        groups: [Int], replicates: Int = 200, level: Double = 0.95, seed: UInt64, statistic: ([Int]) throws -> Double?
    ) rethrows -> (low: Double, high: Double)? {
        guard !groups.isEmpty, replicates > 0, level > 0, level < 1 else { return nil }
        var members: [Int: [Int]] = [:]
        for (i, g) in groups.enumerated() { members[g, default: []].append(i) }
        let keys = members.keys.sorted()
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(replicates)
        var sample: [Int] = []
        for _ in 0..<replicates {
            sample.removeAll(keepingCapacity: true)
            for _ in keys.indices {
                let k = keys[Int(rng.next() % UInt64(keys.count))]
                sample.append(contentsOf: members[k]!)
            }
            if let v = try statistic(sample), v.isFinite { values.append(v) }
        }
        guard values.count * 2 >= replicates else { return nil }
        values.sort()
        let tail = (1 - level) / 2
        func at(_ q: Double) -> Double { values[min(values.count - 1, max(0, Int((q * Double(values.count - 1)).rounded())))] }
        return (at(tail), at(1 - tail))
    }
}
