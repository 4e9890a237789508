/// What a logistic-regression artifact's JSON metadata holds (all parameters; the payload is empty).
struct LogisticArtifactMetadata: Codable {
    var featureNames: [String]
    var weights: [Double]
    var intercept: Double
    var means: [Double]
    var scales: [Double]
    var configuration: LogisticRegressionConfiguration
    var bands: RiskBands
    var objectiveHistory: [Double]
    var metrics: [String: Double]
}

extension LogisticRegressionModel {
    /// The model as artifact bytes (see ``ModelArtifact``).
    public func artifact() throws -> [UInt8] {
        try ModelArtifact.encode(
            kind: .logisticRegression,
            metadata: LogisticArtifactMetadata(
                featureNames: featureNames, weights: weights, intercept: intercept, means: means, scales: scales,
                configuration: configuration, bands: bands, objectiveHistory: objectiveHistory, metrics: metrics),
            payload: [])
    }

    /// Loads a model from artifact bytes; throws ``ArtifactError`` for another version or kind, a corrupt file,
    /// inconsistent shapes or a feature named twice.
    public init(artifact bytes: [UInt8]) throws {
        let (m, payload) = try ModelArtifact.decode(bytes, kind: .logisticRegression, as: LogisticArtifactMetadata.self)
        guard payload.isEmpty else { throw ArtifactError.shapeMismatch("unexpected payload of \(payload.count) values") }
        try ArtifactError.checkDistinct(m.featureNames)
        do {
            try self.init(
                featureNames: m.featureNames, weights: m.weights, intercept: m.intercept, means: m.means,
                scales: m.scales, configuration: m.configuration, bands: m.bands, objectiveHistory: m.objectiveHistory,
                metrics: m.metrics)
        } catch let error as ModelsError {
            throw ArtifactError.shapeMismatch(error.description)
        }
    }
}
