/// The risk shown when no model can be trained for a tenant (too few outcomes, and no consent to borrow a pooled
/// model): days since the last activity over the inactivity limit, `min(1, days / limit)`. Labelled as a heuristic
/// wherever it appears (`model_kind: "heuristic"`).
public struct HeuristicRiskModel: Sendable, Equatable, Codable {
    public let featureNames: [String]
    /// The column with days since the last activity.
    public let daysSinceLastActivityColumn: Int
    public let inactivityDays: Double
    public var bands: RiskBands

    public init(featureNames: [String], daysSinceLastActivityColumn: Int, inactivityDays: Double, bands: RiskBands = .standard) throws {
        guard featureNames.indices.contains(daysSinceLastActivityColumn), inactivityDays > 0, inactivityDays.isFinite else {
            throw ModelsError.invalidConfiguration("heuristic risk needs a days-since-activity column and a positive limit")
        }
        self.featureNames = featureNames
        self.daysSinceLastActivityColumn = daysSinceLastActivityColumn
        self.inactivityDays = inactivityDays
        self.bands = bands
    }

    /// The score and its one factor (contribution: the score itself).
    public func predict(_ x: [Double]) throws -> RiskPrediction {
        guard x.count == featureNames.count else {
            throw ModelsError.shapeMismatch("\(x.count) features given, the heuristic reads \(featureNames.count)")
        }
        let days = x[daysSinceLastActivityColumn]
        let p = min(1, max(0, days / inactivityDays))
        return RiskPrediction(probability: p, band: bands.band(for: p), baseline: 0,
                              contributions: [FeatureContribution(feature: featureNames[daysSinceLastActivityColumn], value: days, contribution: p)])
    }
}
