/// One feature's share of a prediction's log-odds.
public struct FeatureContribution: Sendable, Equatable, Codable {
    /// Feature name.
    public let feature: String
    /// The raw feature value.
    public let value: Double
    /// `w_j · (x_j − mean_j) / std_j`: the feature's push on the log-odds relative to an average learner.
    public let contribution: Double

    /// A contribution of `contribution` to the log-odds from `feature`, whose raw value is `value`.
    public init(feature: String, value: Double, contribution: Double) {
        self.feature = feature
        self.value = value
        self.contribution = contribution
    }
}

/// A risk prediction with its reasons.
public struct RiskPrediction: Sendable, Equatable {
    /// Probability of the positive class (dropout).
    public let probability: Double
    /// Band from the model's thresholds.
    public let band: RiskBand
    /// Log-odds of an average learner (the intercept over standardised features).
    public let baseline: Double
    /// Per-feature contributions, largest magnitude first; `baseline + Σ contribution` is the log-odds.
    public let contributions: [FeatureContribution]
    /// Survival models: the expected week of enrolment (fractional, from enrolment) in which a dropout comes, given
    /// that it comes.
    public var expectedDropoutWeek: Double? = nil

    public init(probability: Double, band: RiskBand, baseline: Double, contributions: [FeatureContribution],
                expectedDropoutWeek: Double? = nil) {
        self.probability = probability
        self.band = band
        self.baseline = baseline
        self.contributions = contributions
        self.expectedDropoutWeek = expectedDropoutWeek
    }
}
