/// The settings a recommender version was trained and is served with, as `model_versions.recommender_settings`: the
/// typed contract between the batch run that publishes a version and the readers that serve it (the model loader,
/// the Pub/Sub consumer). The human-readable `hyperparameters` map beside it is for people only.
///
/// Versions published before this field existed carry only the string map; ``init(legacy:)`` derives the settings
/// from it with the defaults and clamps the readers used then.
public struct RecommenderSettings: Codable, Sendable, Equatable {
    /// How the version recommends.
    public enum Method: String, Codable, Sendable {
        /// Most enrolled courses first (no model file, no embeddings): tenants too small for a model.
        case popularity
        /// Implicit alternating least squares (a `model.bin`).
        case ials
    }

    /// The range every reader clamps `top_k` to.
    public static let topKRange = 1...1000
    /// `top_k` of a version that recorded none.
    public static let defaultTopK = 10

    public var method: Method
    /// Recommendations kept per learner (within ``topKRange``).
    public var topK: Int
    /// iALS factors, iterations, λ and α (nil for popularity).
    public var factors: Int?
    public var iterations: Int?
    public var regularization: Double?
    public var alpha: Double?

    enum CodingKeys: String, CodingKey {
        case method, topK = "top_k", factors, iterations, regularization, alpha
    }

    public init(method: Method, topK: Int, factors: Int? = nil, iterations: Int? = nil, regularization: Double? = nil, alpha: Double? = nil) {
        self.method = method
        self.topK = min(max(topK, Self.topKRange.lowerBound), Self.topKRange.upperBound)
        self.factors = factors
        self.iterations = iterations
        self.regularization = regularization
        self.alpha = alpha
    }

    /// Decodes the stored field, clamping `top_k` as every reader does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(method: try c.decode(Method.self, forKey: .method), topK: try c.decode(Int.self, forKey: .topK),
                  factors: try c.decodeIfPresent(Int.self, forKey: .factors), iterations: try c.decodeIfPresent(Int.self, forKey: .iterations),
                  regularization: try c.decodeIfPresent(Double.self, forKey: .regularization),
                  alpha: try c.decodeIfPresent(Double.self, forKey: .alpha))
    }

    /// The settings of a version written before `recommender_settings`, from its string map: `popularity` only when
    /// `method` says so, `top_k` 10 when missing or not a number, clamped to ``topKRange``.
    public init(legacy map: [String: String]) {
        self.init(method: map["method"] == "popularity" ? .popularity : .ials,
                  topK: map["top_k"].flatMap { Int($0) } ?? Self.defaultTopK,
                  factors: map["factors"].flatMap { Int($0) }, iterations: map["iterations"].flatMap { Int($0) },
                  regularization: map["regularization"].flatMap { Double($0) }, alpha: map["alpha"].flatMap { Double($0) })
    }
}
