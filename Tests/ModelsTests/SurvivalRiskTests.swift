import LearningEvents
import LinearAlgebra
@testable import Models
import Testing

@Suite("survival risk model, calibration and risk metrics")
struct SurvivalRiskTests {
    static let names = ["x0", "x1"]

    /// A model with constant hazards (no weights), for closed forms.
    func constant(_ hd: Double, _ hc: Double) throws -> SurvivalRiskModel {
        let cols = Self.names + SurvivalTimeBasis.names
        func lr(_ h: Double) throws -> LogisticRegressionModel {
            try LogisticRegressionModel(featureNames: cols, weights: [Double](repeating: 0, count: cols.count), intercept: LogisticMath.logit(h),
                                        means: [Double](repeating: 0, count: cols.count), scales: [Double](repeating: 1, count: cols.count),
                                        configuration: LogisticRegressionConfiguration())
        }
        return try SurvivalRiskModel(featureNames: Self.names, dropout: try lr(hd), completion: try lr(hc), daysEnrolledColumn: nil)
    }

    @Test("constant hazards give the closed forms: eventual hd/(hd+hc), cumulative incidence by week")
    func closedForm() throws {
        let hd = 0.05, hc = 0.15
        let m = try constant(hd, hc)
        let c = try m.curve([0, 0], weeks: 10)
        #expect(abs(c.eventual - hd / (hd + hc)) < 1e-9)
        for k in 0..<10 {
            let expected = hd / (hd + hc) * (1 - mathPow(1 - hd - hc, Double(k + 1)))
            #expect(abs(c.within[k] - expected) < 1e-9)
        }
        // Geometric waiting time with success 0.2 per week, counted at mid-week: 1/0.2 − 1 + 0.5 weeks.
        #expect(abs(c.expectedDropoutWeek - (1 / (hd + hc) - 0.5)) < 1e-6)
        #expect(try m.probability([0, 0]) == c.eventual, "identity calibration")
    }

    @Test("censored follow-up: the eventual probability matches the simulated outcomes; the naive share does not")
    func censoring() throws {
        let data = survivalData(enrolments: 6000, followUp: 4)
        let m = try SurvivalRiskModel.fit(rows: data.rows, dropout: data.dropout, completion: data.completion, featureNames: Self.names,
                                          daysEnrolledColumn: nil)
        let p = try data.features.map { try m.curve($0).eventual }
        let truth = Double(data.eventual.filter { $0 }.count) / Double(data.eventual.count)
        let naive = Double(data.dropout.filter { $0 == 1 }.count) / Double(data.eventual.count)
        let mean = p.reduce(0, +) / Double(p.count)
        #expect(abs(mean - truth) < 0.04, "mean eventual probability \(mean) vs simulated share \(truth)")
        #expect(naive < truth - 0.1, "dropouts seen within the follow-up (\(naive)) undercount the eventual share (\(truth))")
        let auc = try #require(try ClassificationMetrics.rocAUC(scores: p, labels: data.eventual))
        #expect(auc > 0.65)
        #expect(try ClassificationMetrics.expectedCalibrationError(probabilities: p, labels: data.eventual) < 0.05)
        // Contributions: x0 raises the dropout hazard and lowers completion, so it raises the risk.
        let pred = try m.predict([2, 0])
        #expect(pred.contributions.first?.feature == "x0" && (pred.contributions.first?.contribution ?? 0) > 0)
        #expect(abs(pred.baseline + pred.contributions.reduce(0) { $0 + $1.contribution } - LogisticMath.logit(pred.probability)) < 1e-9)
    }

    @Test("Platt scaling recovers a known miscalibration, with hard and with fractional targets")
    func platt() throws {
        var rng = SplitMix64(seed: 9)
        var p: [Double] = [], y: [Double] = [], exact: [Double] = []
        for _ in 0..<20_000 {
            let z = rng.normal() * 1.5
            let truth = LogisticMath.sigmoid(1.6 * z - 0.4)
            p.append(LogisticMath.sigmoid(z))
            exact.append(truth)
            y.append(rng.uniform() < truth ? 1 : 0)
        }
        let hard = try PlattScaling.fit(probabilities: p, targets: y, ridge: 0)
        #expect(abs(hard.a - 1.6) < 0.1 && abs(hard.b + 0.4) < 0.06, "\(hard)")
        let soft = try PlattScaling.fit(probabilities: p, targets: exact, ridge: 0)
        #expect(abs(soft.a - 1.6) < 1e-4 && abs(soft.b + 0.4) < 1e-4, "\(soft)")
        #expect(PlattScaling.identity.apply(0.3) - 0.3 < 1e-12)
        #expect(throws: ModelsError.self) { try PlattScaling.fit(probabilities: [0.5], targets: [2]) }
    }

    @Test("a prior pulls the weights towards it: all the way with a huge penalty, not at all when it is the optimum")
    func prior() throws {
        let (x, y) = logisticData(rows: 400)
        var free = LogisticRegressionConfiguration()
        free.l2 = 0
        let optimum = try LogisticRegression.fit(features: x, labels: y, configuration: free)
        var strong = LogisticRegressionConfiguration()
        strong.l2 = 1e7
        let target = [0.3, -0.2, 0.1, 0.05]
        let pulled = try LogisticRegression.fit(features: x, labels: y, configuration: strong, prior: target)
        for (a, b) in zip(pulled.rawCoefficients.weights, target) { #expect(abs(a - b) < 1e-3) }
        var some = LogisticRegressionConfiguration()
        some.l2 = 50
        let centred = try LogisticRegression.fit(features: x, labels: y, configuration: some, prior: optimum.rawCoefficients.weights)
        for (a, b) in zip(centred.rawCoefficients.weights, optimum.rawCoefficients.weights) { #expect(abs(a - b) < 1e-4) }
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: y, prior: [1]) }
    }

    @Test("risk artifacts round-trip exactly, survival and heuristic; a legacy logistic artifact loads as such; other kinds are refused")
    func artifacts() throws {
        let data = survivalData(enrolments: 800, followUp: 6)
        var s = try SurvivalRiskModel.fit(rows: data.rows, dropout: data.dropout, completion: data.completion, featureNames: Self.names,
                                          daysEnrolledColumn: 1)
        s.calibration = PlattScaling(a: 0.9, b: 0.1)
        s.metrics = ["dropouts": 12]
        let model = RiskModel.survival(s)
        let loaded = try RiskModel(artifact: try model.artifact())
        #expect(loaded == model)
        #expect(try loaded.predict([1, 2]) == (try model.predict([1, 2])))
        let h = RiskModel.heuristic(try HeuristicRiskModel(featureNames: ["days", "x"], daysSinceLastActivityColumn: 0, inactivityDays: 21))
        #expect(try RiskModel(artifact: try h.artifact()) == h)
        #expect(try h.predict([10.5, 3]).probability == 0.5)
        #expect(try h.predict([40, 3]).probability == 1)
        // A version published before the survival model holds a logistic-regression artifact (kind 2): it loads, so
        // an upgrade keeps serving it until the next nightly run.
        let legacy = try RiskModel(artifact: try s.dropout.artifact())
        #expect(legacy == .logistic(s.dropout) && legacy.method == "logistic" && legacy.featureNames == s.dropout.featureNames)
        let row = [1, 2, 0.5, 0.25, 3, 0.1].prefix(s.dropout.featureNames.count).map { $0 }
        #expect(try legacy.predict(row) == (try s.dropout.predict(row)))
        #expect(try RiskModel(artifact: try legacy.artifact()) == legacy)
        let recommender = try ModelArtifact.encode(kind: .als, metadata: ["factors": 2], payload: [])
        #expect(throws: ArtifactError.wrongKind(found: 1, expected: 3)) { _ = try RiskModel(artifact: recommender) }
    }

    @Test("ECE and bootstrap intervals")
    func metrics() throws {
        // Two bins: [0.1 ×2, outcomes 1/2] → |0.1 − 0.5|; [0.9 ×2, outcomes 2/2] → |0.9 − 1|.
        let ece = try ClassificationMetrics.expectedCalibrationError(probabilities: [0.1, 0.1, 0.9, 0.9], labels: [true, false, true, true])
        #expect(abs(ece - (0.5 * 0.4 + 0.5 * 0.1)) < 1e-12)
        var rng = SplitMix64(seed: 1)
        let scores = (0..<400).map { _ in rng.uniform() }
        let labels = scores.map { $0 + 0.3 * rng.normal() > 0.5 }
        let groups = (0..<400).map { $0 / 2 }
        let auc = try #require(try ClassificationMetrics.rocAUC(scores: scores, labels: labels))
        let stat: ([Int]) throws -> Double? = { idx in try ClassificationMetrics.rocAUC(scores: idx.map { scores[$0] }, labels: idx.map { labels[$0] }) }
        let a = try #require(try ClassificationMetrics.bootstrapInterval(groups: groups, seed: 3, statistic: stat))
        let b = try #require(try ClassificationMetrics.bootstrapInterval(groups: groups, seed: 3, statistic: stat))
        #expect(a == b, "deterministic for a seed")
        #expect(a.low < auc && auc < a.high && a.high - a.low < 0.15)
    }
}
