import Foundation
import LearningEvents

/// How much one model beats another on the same learners, with the noise of that comparison: the mean of the
/// per-learner differences `candidate − reference` and a percentile interval from a bootstrap over learners
/// (`replicates` resamples of the learners with replacement, drawn from `SplitMix64(seed:)`, each resample's mean
/// difference; the interval's ends are the `(1 − confidence)/2` and `(1 + confidence)/2` quantiles of those means).
/// A candidate wins "beyond the noise" when the interval's lower end is above zero. The same seed draws the same
/// resamples for every comparison, so all candidates are judged on the same resamples.
///
/// ```swift
/// let gain = PairedBootstrap(seed: 42).interval(candidate: tunedNDCG, reference: defaultNDCG)
/// if gain.low > 0 { /* the candidate wins */ }
/// ```
public struct PairedBootstrap: Sendable {
    public var replicates: Int
    public var confidence: Double
    public var seed: UInt64

    public init(replicates: Int = 400, confidence: Double = 0.9, seed: UInt64) {
        self.replicates = replicates
        self.confidence = confidence
        self.seed = seed
    }

    /// A mean difference and its interval.
    public struct Interval: Sendable, Equatable, Codable {
        public var mean: Double
        public var low: Double
        public var high: Double
        /// The interval's coverage (0.9: a 90 % interval).
        public var confidence: Double

        /// The lower end is above zero: the candidate wins beyond the noise.
        public var isPositive: Bool { low > 0 }

        /// `+0.0123 (90 % interval +0.0040 … +0.0201)`.
        public var text: String {
            func s(_ v: Double) -> String { (v < 0 ? "−" : "+") + String(format: "%.4f", abs(v)) }
            return "\(s(mean)) (\(Int((confidence * 100).rounded())) % interval \(s(low)) … \(s(high)))"
        }
    }

    /// The paired comparison of two per-learner score lists of the same learners in the same order. Plain CPU work
    /// of `replicates × count` draws: callers on the cooperative pool run it through `runOnDedicatedThread`.
    public func interval(candidate: [Double], reference: [Double]) -> Interval {
        precondition(candidate.count == reference.count, "paired lists of different lengths")
        let n = candidate.count
        guard n > 0 else { return Interval(mean: 0, low: 0, high: 0, confidence: confidence) }
        let d = zip(candidate, reference).map { $0 - $1 }
        let mean = d.reduce(0, +) / Double(n)
        guard replicates > 0 else { return Interval(mean: mean, low: mean, high: mean, confidence: confidence) }
        var rng = SplitMix64(seed: seed, 0x626F_6F74)  // "boot": a sub-stream of the run's seed
        var means = [Double](repeating: 0, count: replicates)
        let bound = UInt64(n)
        for b in 0..<replicates {
            var sum = 0.0
            for _ in 0..<n { sum += d[Int(rng.next() % bound)] }
            means[b] = sum / Double(n)
        }
        means.sort()
        let tail = (1 - min(max(confidence, 0), 1)) / 2
        func quantile(_ q: Double) -> Double {
            let i = min(replicates - 1, max(0, Int((q * Double(replicates - 1)).rounded())))
            return means[i]
        }
        return Interval(mean: mean, low: quantile(tail), high: quantile(1 - tail), confidence: confidence)
    }
}
