/// A dropout-risk band, as stored in `dropout_risk.band`.
public enum RiskBand: String, Sendable, Codable, CaseIterable {
    /// Below the medium threshold.
    case low
    /// At or above the medium threshold, below the high one.
    case medium
    /// At or above the high threshold.
    case high
}

/// Thresholds that turn a probability into a ``RiskBand``: `p ≥ high` is high, `p ≥ medium` is medium, else low.
public struct RiskBands: Sendable, Codable, Equatable {
    /// Lower bound of the medium band.
    public let medium: Double
    /// Lower bound of the high band.
    public let high: Double

    /// Thresholds with `0 ≤ medium ≤ high ≤ 1`; throws otherwise.
    public init(medium: Double = 0.3, high: Double = 0.6) throws {
        guard medium >= 0, medium <= high, high <= 1 else {
            throw ModelsError.invalidConfiguration("risk bands need 0 ≤ medium ≤ high ≤ 1 (got \(medium), \(high))")
        }
        self.medium = medium
        self.high = high
    }

    /// 0.3 / 0.6.
    public static let standard = RiskBands(uncheckedMedium: 0.3, high: 0.6)

    private init(uncheckedMedium: Double, high: Double) {
        medium = uncheckedMedium
        self.high = high
    }

    enum CodingKeys: String, CodingKey { case medium, high }

    /// Decodes and validates the thresholds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(medium: c.decode(Double.self, forKey: .medium), high: c.decode(Double.self, forKey: .high))
    }

    /// The band of probability `p`.
    public func band(for p: Double) -> RiskBand {
        p >= high ? .high : (p >= medium ? .medium : .low)
    }
}
