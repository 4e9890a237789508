package import LinearAlgebra
package import Models

/// The risk model's honest evaluation for one tenant: a model trained as of `T − 2h` (only what was known then)
/// scores the enrolments live at `T − h`, and their outcomes are read at `T` (the score cutoff): dropped by `T` or
/// not. Beside it, two baselines on the same enrolments: days since the last activity, and the course's dropout
/// rate (from the backtest's training data). AUCs carry 95 % bootstrap intervals over learners (a learner's
/// enrolments resampled together); a tenant with fewer than ``minimumOutcomes`` dropouts or non-dropouts gets
/// "not enough data" instead of numbers. Calibration is checked where it can be observed: the model's probability of
/// a dropout within `h` against the share that dropped by `T` (ECE and a reliability table).
package struct RiskBacktest: Sendable {
    public static let minimumOutcomes = 20

    /// A figure with its interval.
    public struct Interval: Sendable, Codable, Equatable {
        public var value: Double
        public var low: Double?
        public var high: Double?
    }

    /// What the backtest found.
    public struct Result: Sendable, Codable, Equatable {
        public var trainedAsOf: Int64
        public var scoredAsOf: Int64
        public var outcomesAt: Int64
        public var scored = 0
        public var droppedByOutcome = 0
        /// False: "not enough data" (see `note`); the figures below are then nil.
        public var enoughData = false
        public var note: String?
        public var auc: Interval?
        public var daysSinceLastActivityAUC: Interval?
        public var courseBaseRateAUC: Interval?
        /// The model's AUC minus the activity baseline's, with its paired bootstrap interval.
        public var gainOverActivity: Interval?
        /// ECE of P(dropout within the horizon) against dropped by `T`.
        public var horizonECE: Double?
        /// (mean predicted, observed rate, count) per non-empty bin of P(dropout within the horizon).
        public var calibration: [Bin] = []
        /// ROC points of the model's risk against dropped by `T`.
        public var roc: [Point] = []

        public struct Bin: Sendable, Codable, Equatable {
            public var predicted: Double
            public var observed: Double
            public var count: Int
        }

        public struct Point: Sendable, Codable, Equatable {
            public var fpr: Double
            public var tpr: Double
        }

        public var summaryLine: String {
            guard enoughData, let auc else { return "backtest: " + (note ?? "not enough data") }
            func f(_ i: Interval?) -> String {
                guard let i else { return "—" }
                return String(format: "%.3f", i.value) + (i.low.map { l in i.high.map { String(format: " [%.3f, %.3f]", l, $0) } ?? "" } ?? "")
            }
            return "backtest AUC \(f(auc)) vs days since last activity \(f(daysSinceLastActivityAUC)), course base rate \(f(courseBaseRateAUC)); "
                + "\(scored) scored, \(droppedByOutcome) dropped" + (horizonECE.map { String(format: "; ECE (within horizon) %.3f", $0) } ?? "")
        }
    }

    public let training: RiskTraining
    public var replicates = 200
    public var seed: UInt64 = 42

    public init(training: RiskTraining, seed: UInt64 = 42) {
        self.training = training
        self.seed = seed
    }

    public func run(prior: SurvivalPrior?, cancellation: CancellationFlag? = nil) throws -> Result {
        let agg = training.aggregate
        let h = agg.cutoffs.horizonDays
        let trainAt = TenantAggregator.Cutoff.daysBefore(2 * h), scoreAt = TenantAggregator.Cutoff.train
        var result = Result(trainedAsOf: agg.time(trainAt), scoredAsOf: agg.time(scoreAt), outcomesAt: agg.time(.score))
        guard agg.knows(trainAt), agg.knows(scoreAt) else {
            result.note = "not enough data: no snapshots kept for a backtest"
            return result
        }
        let trained: RiskTraining.Trained
        do {
            trained = try training.train(asOf: trainAt, prior: prior, cancellation: cancellation)
        } catch let error as ModelsError {
            result.note = "not enough data: no model could be trained as of T − \(2 * h) days (\(error))"
            return result
        }
        var risk: [Double] = [], within: [Double] = [], idle: [Double] = [], base: [Double] = [], labels: [Bool] = [], groups: [Int] = []
        let weeks = max(1, Int((Double(h) / 7).rounded()))
        for e in 0..<agg.enrolmentCount {
            guard let row = agg.featureRow(e, at: scoreAt, lessonCount: training.lessonCount), row.isLive(inactivityDays: training.inactivityDays) else { continue }
            let x = trained.schema.vector(row).map(Double.init)
            let curve = try trained.model.curve(x, weeks: weeks)
            risk.append(trained.model.calibration.apply(curve.eventual))
            within.append(curve.within[weeks - 1])
            idle.append(row.features.daysSinceLastActivity)
            base.append(trained.schema.courses?.dropoutRate(row.courseID) ?? 0)
            labels.append(agg.outcome(e, knownAt: .score, inactivityDays: training.inactivityDays).kind == .dropped)
            groups.append(row.learner)
        }
        result.scored = labels.count
        result.droppedByOutcome = labels.filter { $0 }.count
        let others = result.scored - result.droppedByOutcome
        guard result.droppedByOutcome >= Self.minimumOutcomes, others >= Self.minimumOutcomes else {
            result.note = "not enough data: \(result.droppedByOutcome) dropouts and \(others) other outcomes among \(result.scored) "
                + "enrolments scored (at least \(Self.minimumOutcomes) of each needed)"
            return result
        }
        result.enoughData = true
        func auc(_ s: [Double], _ idx: [Int]? = nil) throws -> Double? {
            guard let idx else { return try ClassificationMetrics.rocAUC(scores: s, labels: labels) }
            return try ClassificationMetrics.rocAUC(scores: idx.map { s[$0] }, labels: idx.map { labels[$0] })
        }
        func interval(_ s: [Double], seed: UInt64) throws -> Interval? {
            guard let v = try auc(s) else { return nil }
            let ci = try ClassificationMetrics.bootstrapInterval(groups: groups, replicates: replicates, seed: seed) { try auc(s, $0) }
            return Interval(value: v, low: ci?.low, high: ci?.high)
        }
        result.auc = try interval(risk, seed: seed)
        result.daysSinceLastActivityAUC = try interval(idle, seed: seed)
        result.courseBaseRateAUC = try interval(base, seed: seed)
        if let a = result.auc?.value, let b = result.daysSinceLastActivityAUC?.value {
            let ci = try ClassificationMetrics.bootstrapInterval(groups: groups, replicates: replicates, seed: seed) { idx -> Double? in
                guard let x = try auc(risk, idx), let y = try auc(idle, idx) else { return nil }
                return x - y
            }
            result.gainOverActivity = Interval(value: a - b, low: ci?.low, high: ci?.high)
        }
        result.horizonECE = try ClassificationMetrics.expectedCalibrationError(probabilities: within, labels: labels)
        result.calibration = try ClassificationMetrics.calibration(probabilities: within, labels: labels).filter { $0.count > 0 }
            .map { Result.Bin(predicted: $0.meanPredicted, observed: $0.observedRate, count: $0.count) }
        result.roc = TenantReport.rocCurve(scores: risk, labels: labels).map { Result.Point(fpr: $0.0, tpr: $0.1) }
        return result
    }
}
