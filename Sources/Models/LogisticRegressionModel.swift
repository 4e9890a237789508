public import LinearAlgebra

/// A fitted logistic-regression model. Standardisation (means, standard deviations) is part of the model, so it takes
/// raw features.
public struct LogisticRegressionModel: Sendable, Equatable {
    /// Feature names, in column order.
    public let featureNames: [String]
    /// Weights over standardised features.
    public let weights: [Double]
    /// Intercept over standardised features.
    public let intercept: Double
    /// Per-feature means used for standardisation.
    public let means: [Double]
    /// Per-feature standard deviations (1 for constant features).
    public let scales: [Double]
    /// Hyperparameters used.
    public let configuration: LogisticRegressionConfiguration
    /// Thresholds for risk bands.
    public var bands: RiskBands
    /// Objective value after each Newton iteration.
    public let objectiveHistory: [Double]
    /// Named metrics (for instance held-out AUC), saved in artifacts.
    public var metrics: [String: Double]

    /// A model from its parameters (for instance loaded from an artifact); checks shapes.
    public init(
        featureNames: [String], weights: [Double], intercept: Double, means: [Double], scales: [Double],
        configuration: LogisticRegressionConfiguration, bands: RiskBands = .standard, objectiveHistory: [Double] = [],
        metrics: [String: Double] = [:]
    ) throws {
        let d = featureNames.count
        guard weights.count == d, means.count == d, scales.count == d else {
            throw ModelsError.shapeMismatch(
                "logistic regression: \(d) names, \(weights.count) weights, \(means.count) means, \(scales.count) scales")
        }
        guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModelsError.shapeMismatch("logistic regression: scales must be positive")
        }
        self.featureNames = featureNames
        self.weights = weights
        self.intercept = intercept
        self.means = means
        self.scales = scales
        self.configuration = configuration
        self.bands = bands
        self.objectiveHistory = objectiveHistory
        self.metrics = metrics
    }

    /// Number of features.
    public var featureCount: Int { featureNames.count }

    /// Weights and intercept over raw (unstandardised) features.
    public var rawCoefficients: (weights: [Double], intercept: Double) {
        let w = zip(weights, scales).map { $0 / $1 }
        return (w, intercept - zip(w, means).reduce(0) { $0 + $1.0 * $1.1 })
    }

    /// Probability of the positive class for one row of raw features.
    public func probability(_ features: [Double]) throws -> Double {
        try checkWidth(features.count)
        var z = intercept
        for j in 0..<featureCount { z += weights[j] * (features[j] - means[j]) / scales[j] }
        return LogisticMath.sigmoid(z)
    }

    /// Probabilities for every row of a raw feature matrix.
    public func probabilities(_ features: Matrix<Float>) throws -> [Double] {
        try checkWidth(features.columns)
        let (w, b) = rawCoefficients
        let z = try BLAS.gemv(features, w.map { Float($0) })
        return z.map { LogisticMath.sigmoid(Double($0) + b) }
    }

    /// Probability, band and per-feature contributions for one row of raw features.
    public func predict(_ features: [Double]) throws -> RiskPrediction {
        try checkWidth(features.count)
        var contributions: [FeatureContribution] = []
        var z = intercept
        for j in 0..<featureCount {
            let c = weights[j] * (features[j] - means[j]) / scales[j]
            z += c
            contributions.append(FeatureContribution(feature: featureNames[j], value: features[j], contribution: c))
        }
        contributions.sort { (abs($0.contribution), $1.feature) > (abs($1.contribution), $0.feature) }
        let p = LogisticMath.sigmoid(z)
        return RiskPrediction(probability: p, band: bands.band(for: p), baseline: intercept, contributions: contributions)
    }

    func checkWidth(_ n: Int) throws {
        guard n == featureCount else {
            throw ModelsError.shapeMismatch("\(n) features given, the model has \(featureCount)")
        }
    }
}
