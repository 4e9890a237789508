/// What the HTML report shows of one tenant.
package struct TenantReport: Sendable {
    public var tenant: String
    /// (false positive rate, true positive rate) on the held-out training enrolments.
    public var roc: [(Double, Double)] = []
    public var auc: Double?
    /// The risk backtest (figures beside the baselines, reliability table).
    public var backtest: RiskBacktest.Result?
    /// The recommender's search trace: one line per configuration tried.
    public var searchTrace: [String] = []
    /// What the search decided and whether its choice was published (kept the defaults, not activated…), in words.
    public var searchDecision: [String] = []
    /// (mean predicted, observed rate, count) per probability bin.
    public var calibration: [(Double, Double, Int)] = []
    /// Per course (title): enrolments scored low, medium, high.
    public var bandsByCourse: [(String, Int, Int, Int)] = []
    /// Most popular courses: (title, learners).
    public var popularity: [(String, Int)] = []
    public var ndcg10: Double?
    public var precision10: Double?
    public var popularityNDCG10: Double?
    public var popularityPrecision10: Double?

    public init(tenant: String) { self.tenant = tenant }

    /// ROC points from scores and labels, thinned to at most `maxPoints`.
    static func rocCurve(scores: [Double], labels: [Bool], maxPoints: Int = 200) -> [(Double, Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let p = Double(labels.filter { $0 }.count), n = Double(labels.count) - p
        guard p > 0, n > 0 else { return [] }
        var tp = 0.0, fp = 0.0
        var points: [(Double, Double)] = [(0, 0)]
        let step = max(1, order.count / maxPoints)
        for (k, i) in order.enumerated() {
            if labels[i] { tp += 1 } else { fp += 1 }
            if k % step == 0 || k == order.count - 1 { points.append((fp / n, tp / p)) }
        }
        return points
    }
}
