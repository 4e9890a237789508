/// What a model version is a version of.
public enum ModelKind: String, Sendable, Codable, CaseIterable {
    /// iALS embeddings and recommendations (or the popularity fallback).
    case recommender
    /// The dropout-risk model and its scores.
    case risk

    /// The result collections whose documents carry this kind's `model_version`.
    public var resultCollections: [String] {
        switch self {
        case .recommender: [StoreLayout.recommendations.name, StoreLayout.learnerEmbeddings.name, StoreLayout.courseEmbeddings.name]
        case .risk: [StoreLayout.risk.name]
        }
    }
}
