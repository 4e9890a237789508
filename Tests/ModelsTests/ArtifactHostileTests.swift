import LinearAlgebra
@testable import Models
import Testing

/// Artifacts whose metadata lies (with a correct checksum, as a crafted or buggy writer would produce): every one
/// is refused with an `ArtifactError`, none traps.
@Suite struct ArtifactHostileTests {
    func alsMetadata(factors: Int, learners: [String], courses: [String]) throws -> ALSArtifactMetadata {
        var config = ALSConfiguration()
        config.factors = factors
        return ALSArtifactMetadata(
            configuration: config, learnerCount: learners.count, courseCount: courses.count, factors: factors,
            learnerIDs: try IDMap(ordered: learners), courseIDs: try IDMap(ordered: courses),
            coursePopularity: courses.map { _ in 1 }, lossHistory: [], metrics: [:])
    }

    /// (learners + courses) × factors once overflowed Int and trapped before the configuration was checked.
    @Test func factorCountsThatOverflow() throws {
        for factors in [Int.max, Int.max / 2, 1 << 62, -1, 0, 4097] {
            let meta = try alsMetadata(factors: factors, learners: ["a", "b", "c"], courses: ["x"])
            let bytes = try ModelArtifact.encode(kind: .als, metadata: meta, payload: [1, 2, 3, 4])
            #expect(throws: ArtifactError.self, "factors \(factors)") { try ALSModel(artifact: bytes) }
        }
    }

    @Test func logisticShapesThatLie() throws {
        var meta = LogisticArtifactMetadata(
            featureNames: ["a", "b"], weights: [1], intercept: 0, means: [0, 0], scales: [1, 1],
            configuration: LogisticRegressionConfiguration(), bands: .standard, objectiveHistory: [], metrics: [:])
        let short = try ModelArtifact.encode(kind: .logisticRegression, metadata: meta, payload: [])
        #expect(throws: ArtifactError.self) { try LogisticRegressionModel(artifact: short) }
        meta.weights = [1, 2]
        meta.scales = [1, 0]
        let zeroScale = try ModelArtifact.encode(kind: .logisticRegression, metadata: meta, payload: [])
        #expect(throws: ArtifactError.self) { try LogisticRegressionModel(artifact: zeroScale) }
    }

    func logistic(_ names: [String]) throws -> LogisticRegressionModel {
        try LogisticRegressionModel(
            featureNames: names, weights: names.map { _ in 0.5 }, intercept: -1, means: names.map { _ in 0 },
            scales: names.map { _ in 1 }, configuration: LogisticRegressionConfiguration(), bands: .standard,
            objectiveHistory: [], metrics: [:])
    }

    /// A risk artifact naming a feature twice once loaded, and the API's `risk:infer` then trapped building its
    /// feature dictionary (`Dictionary(uniqueKeysWithValues:)` over the names). Every risk shape is refused at load.
    @Test func riskFeatureNamedTwice() throws {
        let legacy = try logistic(["days_inactive", "quiz_mean", "days_inactive"]).artifact()
        #expect(throws: ArtifactError.duplicateFeature("days_inactive")) { try RiskModel(artifact: legacy) }
        #expect(throws: ArtifactError.duplicateFeature("days_inactive")) { try LogisticRegressionModel(artifact: legacy) }

        let heuristic = try RiskModel.heuristic(
            HeuristicRiskModel(featureNames: ["days_inactive", "days_inactive"], daysSinceLastActivityColumn: 0, inactivityDays: 21))
        #expect(throws: ArtifactError.duplicateFeature("days_inactive")) { try RiskModel(artifact: try heuristic.artifact()) }

        // Survival: the features twice, or a feature named like a column of the time basis the hazards add.
        for features in [["a", "b", "a"], ["a", SurvivalTimeBasis.names[1]]] {
            let hazard = try logistic(features + SurvivalTimeBasis.names)
            let survival = RiskModel.survival(
                try SurvivalRiskModel(featureNames: features, dropout: hazard, completion: hazard, daysEnrolledColumn: nil))
            let bytes = try survival.artifact()
            #expect(throws: ArtifactError.self, "\(features)") { try RiskModel(artifact: bytes) }
            do {
                _ = try RiskModel(artifact: bytes)
            } catch let e as ArtifactError {
                guard case .duplicateFeature = e else { Issue.record("\(features): \(e)"); continue }
                #expect(e.description.contains("more than once"))
            }
        }

        // The same shapes with distinct names load.
        let fine = try logistic(["a", "b"] + SurvivalTimeBasis.names)
        let ok = RiskModel.survival(try SurvivalRiskModel(featureNames: ["a", "b"], dropout: fine, completion: fine, daysEnrolledColumn: 0))
        #expect(try RiskModel(artifact: try ok.artifact()) == ok)
    }
}
