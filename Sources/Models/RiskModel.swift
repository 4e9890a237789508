/// A tenant's dropout-risk model as one risk version holds it: the survival model, or the labelled heuristic for a
/// tenant that has neither enough outcomes nor a pooled prior. Serving and batch call the same ``predict(_:)`` on the
/// schema's feature vector.
///
/// ```swift
/// let model = try RiskModel(artifact: bytes)                     // model.bin of a risk version
/// let p = try model.predict(schema.vector(doc).map(Double.init)) // probability, band, contributions
/// ```
public enum RiskModel: Sendable, Equatable {
    case survival(SurvivalRiskModel)
    case heuristic(HeuristicRiskModel)

    /// `survival` or `heuristic` (the `model_kind` of its scores).
    public var method: String {
        switch self {
        case .survival: "survival"
        case .heuristic: "heuristic"
        }
    }

    public var featureNames: [String] {
        switch self {
        case .survival(let m): m.featureNames
        case .heuristic(let m): m.featureNames
        }
    }

    public func predict(_ x: [Double]) throws -> RiskPrediction {
        switch self {
        case .survival(let m): try m.predict(x)
        case .heuristic(let m): try m.predict(x)
        }
    }
}

/// What a risk artifact's JSON metadata holds (the payload is empty).
struct RiskArtifactMetadata: Codable {
    struct Survival: Codable {
        var featureNames: [String]
        var dropout: LogisticArtifactMetadata
        var completion: LogisticArtifactMetadata
        var basis: SurvivalTimeBasis
        var daysEnrolledColumn: Int?
        var calibration: PlattScaling
        var bands: RiskBands
        var metrics: [String: Double]
    }
    var method: String
    var survival: Survival?
    var heuristic: HeuristicRiskModel?
}

extension LogisticArtifactMetadata {
    init(_ m: LogisticRegressionModel) {
        self.init(featureNames: m.featureNames, weights: m.weights, intercept: m.intercept, means: m.means, scales: m.scales,
                  configuration: m.configuration, bands: m.bands, objectiveHistory: m.objectiveHistory, metrics: m.metrics)
    }

    func model() throws -> LogisticRegressionModel {
        try LogisticRegressionModel(featureNames: featureNames, weights: weights, intercept: intercept, means: means, scales: scales,
                                    configuration: configuration, bands: bands, objectiveHistory: objectiveHistory, metrics: metrics)
    }
}

extension RiskModel {
    /// The model as artifact bytes (kind ``ModelArtifact/Kind/risk``).
    public func artifact() throws -> [UInt8] {
        let meta: RiskArtifactMetadata
        switch self {
        case .survival(let m):
            meta = RiskArtifactMetadata(method: method, survival: .init(
                featureNames: m.featureNames, dropout: LogisticArtifactMetadata(m.dropout), completion: LogisticArtifactMetadata(m.completion),
                basis: m.basis, daysEnrolledColumn: m.daysEnrolledColumn, calibration: m.calibration, bands: m.bands, metrics: m.metrics))
        case .heuristic(let m):
            meta = RiskArtifactMetadata(method: method, survival: nil, heuristic: m)
        }
        return try ModelArtifact.encode(kind: .risk, metadata: meta, payload: [])
    }

    /// Loads a risk model; throws ``ArtifactError`` for another version or kind, a corrupt file or inconsistent shapes.
    public init(artifact bytes: [UInt8]) throws {
        let (m, payload) = try ModelArtifact.decode(bytes, kind: .risk, as: RiskArtifactMetadata.self)
        guard payload.isEmpty else { throw ArtifactError.shapeMismatch("unexpected payload of \(payload.count) values") }
        do {
            switch (m.method, m.survival, m.heuristic) {
            case ("survival", let s?, _):
                self = .survival(try SurvivalRiskModel(
                    featureNames: s.featureNames, dropout: try s.dropout.model(), completion: try s.completion.model(), basis: s.basis,
                    daysEnrolledColumn: s.daysEnrolledColumn, calibration: s.calibration, bands: s.bands, metrics: s.metrics))
            case ("heuristic", _, let h?):
                self = .heuristic(try HeuristicRiskModel(featureNames: h.featureNames, daysSinceLastActivityColumn: h.daysSinceLastActivityColumn,
                                                         inactivityDays: h.inactivityDays, bands: h.bands))
            default:
                throw ArtifactError.corruptMetadata("risk method '\(m.method)' without its parameters")
            }
        } catch let error as ModelsError {
            throw ArtifactError.shapeMismatch(error.description)
        }
    }
}
