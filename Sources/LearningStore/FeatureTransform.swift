import Foundation

/// How a raw input becomes a model feature. Stored by name and parameter in the model card and the version
/// document, so a reader can check (and reproduce) exactly what training did.
public enum FeatureTransform: Sendable, Equatable, Codable {
    /// The value as is.
    case identity
    /// `min(value, upper)`.
    case clamp(upper: Double)
    /// `log(1 + max(0, value) / divisor)`.
    case log1p(divisor: Double)
    /// 1 when the input is known, 0 when it is not (the value itself is ignored).
    case present
    /// `min(max(value, lower), upper)`.
    case clip(lower: Double, upper: Double)

    /// Applies the transform; `nil` input gives `missing` (except `present`, which gives 0).
    public func apply(_ value: Double?, missing: Double) -> Double {
        switch self {
        case .present: return value == nil ? 0 : 1
        case .identity: return value ?? missing
        case .clamp(let upper): return value.map { Swift.min($0, upper) } ?? missing
        case .log1p(let divisor): return value.map { Foundation.log1p(Swift.max(0, $0) / divisor) } ?? missing
        case .clip(let lower, let upper): return value.map { Swift.min(Swift.max($0, lower), upper) } ?? missing
        }
    }

    enum CodingKeys: String, CodingKey { case kind, parameter, lower, upper }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "identity": self = .identity
        case "present": self = .present
        case "clamp": self = .clamp(upper: try c.decode(Double.self, forKey: .parameter))
        case "log1p":
            let d = try c.decode(Double.self, forKey: .parameter)
            guard d > 0, d.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .parameter, in: c, debugDescription: "log1p divisor must be positive")
            }
            self = .log1p(divisor: d)
        case "clip":
            let lower = try c.decode(Double.self, forKey: .lower), upper = try c.decode(Double.self, forKey: .upper)
            guard lower <= upper else {
                throw DecodingError.dataCorruptedError(forKey: .upper, in: c, debugDescription: "clip needs lower ≤ upper")
            }
            self = .clip(lower: lower, upper: upper)
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown feature transform '\(kind)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .identity: try c.encode("identity", forKey: .kind)
        case .present: try c.encode("present", forKey: .kind)
        case .clamp(let upper):
            try c.encode("clamp", forKey: .kind)
            try c.encode(upper, forKey: .parameter)
        case .log1p(let divisor):
            try c.encode("log1p", forKey: .kind)
            try c.encode(divisor, forKey: .parameter)
        case .clip(let lower, let upper):
            try c.encode("clip", forKey: .kind)
            try c.encode(lower, forKey: .lower)
            try c.encode(upper, forKey: .upper)
        }
    }
}
