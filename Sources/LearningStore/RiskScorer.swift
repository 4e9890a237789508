public import Models

/// Scores one enrolment with a risk version's model and feature schema: the one function batch, stream and API
/// call, so a score, its band, its factors (raw value, contribution, reason in words) and its expected week of
/// dropout are the same wherever they are computed.
///
/// ```swift
/// let scorer = try RiskScorer(model: try RiskModel(artifact: bytes), schema: version.feature_schema!)
/// let s = try scorer.score(featureDocument)   // s.risk, s.band, s.factors, s.expectedDropoutWeek
/// ```
public struct RiskScorer: Sendable {
    public let model: RiskModel
    public let schema: FeatureSchema
    /// Factors kept per score (``RiskReasons`` groups, largest |contribution| first, ties by name, so reruns on the
    /// same data agree).
    public var factorCount = 5

    public init(model: RiskModel, schema: FeatureSchema) throws {
        guard model.featureNames == schema.names else {
            throw LearningStoreError.schemaMismatch("risk model reads \(model.featureNames), the schema names \(schema.names)")
        }
        self.model = model
        self.schema = schema
    }

    /// One score.
    public struct Score: Sendable, Equatable {
        public var risk: Double
        public var band: RiskBand
        public var factors: [RiskDocument.Factor]
        public var expectedDropoutWeek: Double?
        /// `survival` or `heuristic`.
        public var modelKind: String
    }

    public func score(_ source: some FeatureInputSource) throws -> Score {
        let x = schema.vector(source).map(Double.init)
        let p = try model.predict(x)
        let factors = Array(RiskReasons.factors(p.contributions, schema: schema, source: source).prefix(factorCount))
        return Score(risk: p.probability, band: p.band, factors: factors, expectedDropoutWeek: p.expectedDropoutWeek, modelKind: model.method)
    }
}
