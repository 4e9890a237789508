import Foundation
import LinearAlgebra
import Models

/// Writes the artifact seeds of `fuzz-artifact` (a tiny iALS model, a tiny logistic regression, a tiny survival
/// risk model and a heuristic one) into the
/// folder given as the first argument. A plain executable: `swift run --package-path Fuzz fuzz-seeds DIR`.
@main
struct FuzzSeeds {
    static func main() throws {
        let out = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Fuzz/Corpus/artifact"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var config = ALSConfiguration()
        config.factors = 2
        config.iterations = 1
        let als = try ALSModel(
            configuration: config, learners: IDMap(["l1", "l2"]), courses: IDMap(["c1", "c2", "c3"]),
            learnerFactors: Matrix(rows: 2, columns: 2, elements: [0.1, 0.2, 0.3, 0.4]),
            courseFactors: Matrix(rows: 3, columns: 2, elements: [1, 0, 0, 1, 0.5, 0.5]), coursePopularity: [3, 2, 1])
        try Data(try als.artifact()).write(to: URL(fileURLWithPath: out + "/als.bin"))
        let lr = try LogisticRegressionModel(
            featureNames: ["a", "b"], weights: [0.5, -1], intercept: 0.1, means: [1, 2], scales: [1, 0.5],
            configuration: LogisticRegressionConfiguration())
        try Data(try lr.artifact()).write(to: URL(fileURLWithPath: out + "/logistic.bin"))
        let names = ["days", "quiz"] + SurvivalTimeBasis.names
        let hazard = try LogisticRegressionModel(
            featureNames: names, weights: names.map { _ in 0.25 }, intercept: -2, means: names.map { _ in 0 },
            scales: names.map { _ in 1 }, configuration: LogisticRegressionConfiguration())
        let survival = RiskModel.survival(
            try SurvivalRiskModel(featureNames: ["days", "quiz"], dropout: hazard, completion: hazard, daysEnrolledColumn: 0))
        try Data(try survival.artifact()).write(to: URL(fileURLWithPath: out + "/risk-survival.bin"))
        let heuristic = RiskModel.heuristic(try HeuristicRiskModel(featureNames: ["days", "quiz"], daysSinceLastActivityColumn: 0, inactivityDays: 21))
        try Data(try heuristic.artifact()).write(to: URL(fileURLWithPath: out + "/risk-heuristic.bin"))
        print("wrote \(out)/als.bin, logistic.bin, risk-survival.bin, risk-heuristic.bin")
    }
}
