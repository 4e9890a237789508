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
}
