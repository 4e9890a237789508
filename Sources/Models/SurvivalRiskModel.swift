public import LinearAlgebra

/// Dropout risk as a discrete-time survival model with two competing outcomes. Training rows are person-periods:
/// one row per enrolment, moment its features were taken, and week after that moment in which the enrolment was still
/// open, labelled by what ended it that week (a dropout, a completion, or nothing: still open, or not yet known when
/// the data end, which is censoring rather than a negative). Two logistic regressions over the features plus the
/// ``SurvivalTimeBasis`` give each week's hazards `h_d` (dropout) and `h_c` (completion); from the features of now,
///
/// ```
/// P(dropout) = Σ_s h_d(s) · Π_{r<s} (1 − h_d(r) − h_c(r))      (s = 0 … horizonWeeks, then a constant-hazard tail)
/// ```
///
/// is the probability the enrolment *eventually* ends without completion, and `Σ s · h_d(s) · S(s−1) / P(dropout)`
/// the expected week of that dropout. ``calibration`` (Platt scaling fitted on held-out learners) maps the first to
/// the risk shown. Contributions are `(w_d,j − w_c,j) · (x_j − mean_j)`: with small weekly hazards the log-odds of
/// dropping out before completing is about `η_d − η_c`, so a feature that raises the dropout hazard or lowers the
/// completion hazard raises the risk.
public struct SurvivalRiskModel: Sendable, Equatable {
    /// Feature names (the schema's), in column order; the hazard models see these plus the time basis.
    public let featureNames: [String]
    public let dropout: LogisticRegressionModel
    public let completion: LogisticRegressionModel
    public let basis: SurvivalTimeBasis
    /// The feature column holding days since enrolment (its week starts the time axis); nil: week 0.
    public let daysEnrolledColumn: Int?
    public var calibration: PlattScaling
    public var bands: RiskBands
    public var metrics: [String: Double]
    /// Raw coefficients of the hazards (weights, then the intercept last), computed once.
    let rawDropout: [Double]
    let rawCompletion: [Double]

    /// Weeks the hazards are summed over before the constant-hazard tail.
    public static let horizonWeeks = 104

    public init(featureNames: [String], dropout: LogisticRegressionModel, completion: LogisticRegressionModel,
                basis: SurvivalTimeBasis = SurvivalTimeBasis(), daysEnrolledColumn: Int?, calibration: PlattScaling = .identity,
                bands: RiskBands = .standard, metrics: [String: Double] = [:]) throws {
        let expected = featureNames + SurvivalTimeBasis.names
        guard dropout.featureNames == expected, completion.featureNames == expected else {
            throw ModelsError.shapeMismatch("survival hazards must read \(expected), got \(dropout.featureNames) and \(completion.featureNames)")
        }
        if let c = daysEnrolledColumn, !featureNames.indices.contains(c) {
            throw ModelsError.shapeMismatch("days-enrolled column \(c) out of \(featureNames.count)")
        }
        self.featureNames = featureNames
        self.dropout = dropout
        self.completion = completion
        self.basis = basis
        self.daysEnrolledColumn = daysEnrolledColumn
        self.calibration = calibration
        self.bands = bands
        self.metrics = metrics
        let rd = dropout.rawCoefficients, rc = completion.rawCoefficients
        rawDropout = rd.weights + [rd.intercept]
        rawCompletion = rc.weights + [rc.intercept]
    }

    /// The cumulative picture for one enrolment's raw features.
    public struct Curve: Sendable, Equatable {
        /// Uncalibrated probability of an eventual dropout.
        public var eventual: Double
        /// `within[k]`: probability of a dropout within the next `k + 1` weeks (uncalibrated).
        public var within: [Double]
        /// Expected week of enrolment of the dropout, given one (fractional, weeks from enrolment).
        public var expectedDropoutWeek: Double
    }

    /// Hazards summed week by week from the features' moment; `within` holds the first `weeks` cumulative values.
    public func curve(_ x: [Double], weeks: Int = 0) throws -> Curve {
        guard x.count == featureNames.count else {
            throw ModelsError.shapeMismatch("\(x.count) features given, the model has \(featureNames.count)")
        }
        let d = featureNames.count
        let wd = rawDropout, wc = rawCompletion
        var etaD = wd[wd.count - 1], etaC = wc[wc.count - 1]
        for j in 0..<d {
            etaD += wd[j] * x[j]
            etaC += wc[j] * x[j]
        }
        let w0 = daysEnrolledColumn.map { max(0, x[$0]) / 7 } ?? 0
        var survival = 1.0, cumulative = 0.0, weighted = 0.0
        var within: [Double] = []
        within.reserveCapacity(weeks)
        var lastD = 0.0, lastC = 0.0
        for s in 0..<Self.horizonWeeks {
            let t = basis.values(weeksSince: Double(s), weekOfEnrolment: w0 + Double(s))
            var zd = etaD, zc = etaC
            for k in 0..<t.count {
                zd += wd[d + k] * t[k]
                zc += wc[d + k] * t[k]
            }
            var hd = LogisticMath.sigmoid(zd), hc = LogisticMath.sigmoid(zc)
            if hd + hc > 1 {
                let sum = hd + hc
                hd /= sum
                hc /= sum
            }
            cumulative += survival * hd
            weighted += (Double(s) + 0.5) * survival * hd
            survival *= (1 - hd - hc)
            if s < weeks { within.append(cumulative) }
            lastD = hd
            lastC = hc
        }
        // Constant hazards after the horizon: the remaining mass splits in proportion to them.
        if survival > 0, lastD + lastC > 0 {
            let share = lastD / (lastD + lastC)
            let meanWait = 1 / (lastD + lastC)
            cumulative += survival * share
            weighted += survival * share * (Double(Self.horizonWeeks) + meanWait)
        }
        while within.count < weeks { within.append(cumulative) }
        let expected = cumulative > 0 ? w0 + weighted / cumulative : w0
        return Curve(eventual: min(1, max(0, cumulative)), within: within, expectedDropoutWeek: expected)
    }

    /// The calibrated probability of an eventual dropout.
    public func probability(_ x: [Double]) throws -> Double {
        calibration.apply(try curve(x).eventual)
    }

    /// Probability (calibrated), band, per-feature contributions (largest magnitude first; ties by name) and the
    /// expected week of dropout.
    public func predict(_ x: [Double]) throws -> RiskPrediction {
        let c = try curve(x)
        let p = calibration.apply(c.eventual)
        let wd = rawDropout, wc = rawCompletion
        var contributions: [FeatureContribution] = []
        contributions.reserveCapacity(featureNames.count)
        var total = 0.0
        for j in featureNames.indices {
            let v = (wd[j] - wc[j]) * (x[j] - dropout.means[j])
            total += v
            contributions.append(FeatureContribution(feature: featureNames[j], value: x[j], contribution: v))
        }
        contributions.sort { (abs($0.contribution), $1.feature) > (abs($1.contribution), $0.feature) }
        return RiskPrediction(probability: p, band: bands.band(for: p), baseline: LogisticMath.logit(p) - total,
                              contributions: contributions, expectedDropoutWeek: c.expectedDropoutWeek)
    }
}

/// Raw-feature weights of two hazard models to shrink a tenant's fit towards (a pooled platform model), with the
/// number of person-period rows behind them.
public struct SurvivalPrior: Sendable, Equatable, Codable {
    public var dropout: [Double]
    public var completion: [Double]
    public var rows: Int

    public init(dropout: [Double], completion: [Double], rows: Int) {
        self.dropout = dropout
        self.completion = completion
        self.rows = rows
    }

    /// The prior of a fitted model (its raw weights, intercepts excluded).
    public init(_ model: SurvivalRiskModel, rows: Int) {
        dropout = Array(model.rawDropout.dropLast())
        completion = Array(model.rawCompletion.dropLast())
        self.rows = rows
    }

    /// The row-weighted mean of several priors over the same columns (nil when none).
    public static func pooled(_ priors: [SurvivalPrior]) -> SurvivalPrior? {
        guard let first = priors.first, priors.allSatisfy({ $0.dropout.count == first.dropout.count && $0.completion.count == first.completion.count }) else {
            return nil
        }
        let total = Double(priors.reduce(0) { $0 + max(1, $1.rows) })
        var d = [Double](repeating: 0, count: first.dropout.count), c = [Double](repeating: 0, count: first.completion.count)
        for p in priors {
            let w = Double(max(1, p.rows)) / total
            for j in d.indices { d[j] += w * p.dropout[j] }
            for j in c.indices { c[j] += w * p.completion[j] }
        }
        return SurvivalPrior(dropout: d, completion: c, rows: priors.reduce(0) { $0 + $1.rows })
    }
}

extension SurvivalRiskModel {
    /// Fits both hazards on person-period rows: `rows` holds the features then the ``SurvivalTimeBasis`` columns
    /// (built with `basis.values`), `dropout` / `completion` mark the week's outcome (at most one of them 1).
    /// With a `prior`, each hazard's penalty pulls towards the prior's weights (see
    /// ``LogisticRegression/fit(features:labels:featureNames:configuration:bands:prior:rows:cancellation:)``).
    /// `subset`, when given, fits on those rows only (`dropout` / `completion` then hold their labels), without
    /// copying the rows.
    public static func fit(
        rows: Matrix<Float>, dropout: [Float], completion: [Float], featureNames: [String], basis: SurvivalTimeBasis = SurvivalTimeBasis(),
        daysEnrolledColumn: Int?, configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration(),
        prior: SurvivalPrior? = nil, bands: RiskBands = .standard, subset: [Int]? = nil, cancellation: CancellationFlag? = nil
    ) throws -> SurvivalRiskModel {
        guard rows.isWellFormed else { throw ModelsError.shapeMismatch("person-period rows \(rows.shapeDescription)") }
        return try fit(design: DesignRows(rows), dropout: dropout, completion: completion, featureNames: featureNames, basis: basis,
                       daysEnrolledColumn: daysEnrolledColumn, configuration: configuration, prior: prior, bands: bands,
                       subset: subset, cancellation: cancellation)
    }

    /// As ``fit(rows:dropout:completion:featureNames:basis:daysEnrolledColumn:configuration:prior:bands:subset:cancellation:)``,
    /// on person-period rows stored as a ``DesignRows``: the features once per (landmark, enrolment) as the shared
    /// part, the time basis columns as each row's own part.
    public static func fit(
        design rows: DesignRows, dropout: [Float], completion: [Float], featureNames: [String], basis: SurvivalTimeBasis = SurvivalTimeBasis(),
        daysEnrolledColumn: Int?, configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration(),
        prior: SurvivalPrior? = nil, bands: RiskBands = .standard, subset: [Int]? = nil, cancellation: CancellationFlag? = nil
    ) throws -> SurvivalRiskModel {
        let names = featureNames + SurvivalTimeBasis.names
        let n = subset?.count ?? rows.rows
        guard rows.columns == names.count, dropout.count == n, completion.count == n else {
            throw ModelsError.shapeMismatch("person-period rows \(rows.shapeDescription) for \(names.count) columns, \(dropout.count)/\(completion.count) labels")
        }
        guard dropout.contains(1), completion.contains(1), dropout.contains(0), completion.contains(0) else {
            throw ModelsError.trainingFailed("person-period rows need dropouts, completions and weeks without either")
        }
        let d = try LogisticRegression.fit(design: rows, labels: dropout, featureNames: names, configuration: configuration,
                                           bands: bands, prior: prior?.dropout, rows: subset, cancellation: cancellation)
        let c = try LogisticRegression.fit(design: rows, labels: completion, featureNames: names, configuration: configuration,
                                           bands: bands, prior: prior?.completion, rows: subset, cancellation: cancellation)
        return try SurvivalRiskModel(featureNames: featureNames, dropout: d, completion: c, basis: basis,
                                     daysEnrolledColumn: daysEnrolledColumn, bands: bands)
    }
}
