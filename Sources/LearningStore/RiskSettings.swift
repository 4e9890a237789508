/// The settings a risk version was trained and is served with, as `model_versions.risk_settings`: the typed contract
/// between the batch run that publishes a version and the readers that serve it (the Pub/Sub consumer's live
/// enrolment rule). The human-readable `hyperparameters` map beside it is for people only.
///
/// Versions published before this field existed carry only the string map; ``init(legacy:)`` derives the settings
/// from it with the defaults and clamps the readers used then.
public struct RiskSettings: Codable, Sendable, Equatable {
    /// The kind of model the version holds (the `model_kind` of its scores).
    public enum Method: String, Codable, Sendable {
        case survival, heuristic, logistic
    }

    /// Where the survival model's coefficients came from.
    public enum Source: String, Codable, Sendable {
        /// Trained on the tenant's own outcomes.
        case own
        /// Trained towards the platform's pooled prior.
        case pooledPrior = "pooled-prior"
        /// No trained model: the labelled heuristic.
        case heuristic
    }

    /// The range every reader clamps `inactivity_days` to.
    public static let inactivityRange = 1...3650
    /// `inactivity_days` of a version that recorded none.
    public static let defaultInactivityDays = 21

    /// nil for an old version whose map names no known method.
    public var method: Method?
    public var source: Source?
    /// Days ahead the dropout label looks (nil when the version recorded none).
    public var horizonDays: Int?
    /// Days without activity after which an enrolment is no longer live (within ``inactivityRange``).
    public var inactivityDays: Int

    enum CodingKeys: String, CodingKey {
        case method, source, horizonDays = "horizon_days", inactivityDays = "inactivity_days"
    }

    public init(method: Method?, source: Source?, horizonDays: Int?, inactivityDays: Int) {
        self.method = method
        self.source = source
        self.horizonDays = horizonDays
        self.inactivityDays = min(max(inactivityDays, Self.inactivityRange.lowerBound), Self.inactivityRange.upperBound)
    }

    /// Decodes the stored field, clamping `inactivity_days` as every reader does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(method: try c.decodeIfPresent(Method.self, forKey: .method), source: try c.decodeIfPresent(Source.self, forKey: .source),
                  horizonDays: try c.decodeIfPresent(Int.self, forKey: .horizonDays),
                  inactivityDays: try c.decode(Int.self, forKey: .inactivityDays))
    }

    /// The settings of a version written before `risk_settings`, from its string map: `inactivity_days` 21 when
    /// missing or not a number, clamped to ``inactivityRange``.
    public init(legacy map: [String: String]) {
        self.init(method: map["method"].flatMap(Method.init(rawValue:)), source: map["model_source"].flatMap(Source.init(rawValue:)),
                  horizonDays: map["horizon_days"].flatMap { Int($0) },
                  inactivityDays: map["inactivity_days"].flatMap { Int($0) } ?? Self.defaultInactivityDays)
    }
}
