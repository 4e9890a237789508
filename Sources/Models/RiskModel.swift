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
    /// A risk version published before the survival model: a logistic regression (artifact kind
    /// ``ModelArtifact/Kind/logisticRegression``). No run trains one any more; it is loaded so that a version still
    /// active after an upgrade keeps being served (scores, `risk:infer`, streamed refreshes) until the next nightly
    /// run publishes a survival version.
    case logistic(LogisticRegressionModel)

    /// `survival`, `heuristic` or `logistic` (the `model_kind` of its scores).
    public var method: String {
        switch self {
        case .survival: "survival"
        case .heuristic: "heuristic"
        case .logistic: "logistic"
        }
    }

    public var featureNames: [String] {
        switch self {
        case .survival(let m): m.featureNames
        case .heuristic(let m): m.featureNames
        case .logistic(let m): m.featureNames
        }
    }

    public func predict(_ x: [Double]) throws -> RiskPrediction {
        switch self {
        case .survival(let m): try m.predict(x)
        case .heuristic(let m): try m.predict(x)
        case .logistic(let m): try m.predict(x)
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
    /// The model as artifact bytes (kind ``ModelArtifact/Kind/risk``; a legacy logistic model keeps its own kind).
    public func artifact() throws -> [UInt8] {
        switch self {
        case .logistic(let m):
            return try m.artifact()
        case .survival(let m):
            let survival = RiskArtifactMetadata.Survival(
                featureNames: m.featureNames, dropout: LogisticArtifactMetadata(m.dropout), completion: LogisticArtifactMetadata(m.completion),
                basis: m.basis, daysEnrolledColumn: m.daysEnrolledColumn, calibration: m.calibration, bands: m.bands, metrics: m.metrics)
            return try ModelArtifact.encode(kind: .risk, metadata: RiskArtifactMetadata(method: "survival", survival: survival), payload: [])
        case .heuristic(let m):
            return try ModelArtifact.encode(kind: .risk, metadata: RiskArtifactMetadata(method: "heuristic", survival: nil, heuristic: m), payload: [])
        }
    }

    /// Loads a risk model (a risk artifact, or the logistic-regression artifact of a version published before the
    /// survival model); throws ``ArtifactError`` for another version or kind, a corrupt file, inconsistent shapes or
    /// a feature named twice (``ArtifactError/duplicateFeature(_:)``: serving keys inputs and contributions by name).
    public init(artifact bytes: [UInt8]) throws {
        self = try Self.load(bytes)
    }

    static func load(_ bytes: [UInt8]) throws -> RiskModel {
        do {
            return try decodeRisk(bytes)
        } catch ArtifactError.wrongKind(let found, _) where found == ModelArtifact.Kind.logisticRegression.rawValue {
            return .logistic(try LogisticRegressionModel(artifact: bytes))
        }
    }

    /// A risk artifact (kind ``ModelArtifact/Kind/risk``).
    static func decodeRisk(_ bytes: [UInt8]) throws -> RiskModel {
        let (m, payload) = try ModelArtifact.decode(bytes, kind: .risk, as: RiskArtifactMetadata.self)
        guard payload.isEmpty else { throw ArtifactError.shapeMismatch("unexpected payload of \(payload.count) values") }
        do {
            switch (m.method, m.survival, m.heuristic) {
            case ("survival", let s?, _):
                // The hazards read the features then the time basis: a feature named like a basis column is a duplicate too.
                for names in [s.featureNames, s.dropout.featureNames, s.completion.featureNames] { try ArtifactError.checkDistinct(names) }
                return .survival(try SurvivalRiskModel(
                    featureNames: s.featureNames, dropout: try s.dropout.model(), completion: try s.completion.model(), basis: s.basis,
                    daysEnrolledColumn: s.daysEnrolledColumn, calibration: s.calibration, bands: s.bands, metrics: s.metrics))
            case ("heuristic", _, let h?):
                try ArtifactError.checkDistinct(h.featureNames)
                return .heuristic(try HeuristicRiskModel(featureNames: h.featureNames, daysSinceLastActivityColumn: h.daysSinceLastActivityColumn,
                                                         inactivityDays: h.inactivityDays, bands: h.bands))
            default:
                throw ArtifactError.corruptMetadata("risk method '\(m.method)' without its parameters")
            }
        } catch let error as ModelsError {
            throw ArtifactError.shapeMismatch(error.description)
        }
    }
}
