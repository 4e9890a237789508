import ArgumentParser
import Foundation
import LinearAlgebra
import Models

/// Hidden benchmark command for `bench/run models`: trains and evaluates on files written by bench/models.py and
/// prints one JSON line (timings and quality).
struct BenchModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-models", abstract: "iALS / logistic-regression benchmark helper.", shouldDisplay: false)

    @Argument(help: "ials or logreg") var task: String
    @Option(help: "Training data file.") var train: String
    @Option(help: "Test data file.") var test: String
    @Option(help: "Where to write top-10 course indices per learner (int32) or test probabilities (float64).")
    var output: String?
    @Option var factors = 64
    @Option var iterations = 15
    @Option var regularization: Float = 0.01
    @Option var alpha: Float = 1
    @Option var cgSteps = 3
    @Option var threads = 2
    @Option var blockSize = 128
    @Option(help: "scikit-learn's C for logreg.") var c = 1.0

    func validate() throws {
        try FlagRange.check(factors, 1...1024, "--factors")
        try FlagRange.check(iterations, 1...1000, "--iterations")
        try FlagRange.check(regularization, 0...1e6, "--regularization")
        try FlagRange.check(alpha, 1e-6...1e6, "--alpha")
        try FlagRange.check(cgSteps, 1...64, "--cg-steps")
        try FlagRange.check(threads, 1...256, "--threads")
        try FlagRange.check(blockSize, 1...65_536, "--block-size")
        try FlagRange.check(c, 1e-9...1e9, "--c")
    }

    func run() throws {
        switch task {
        case "ials": try runALS()
        case "logreg": try runLogistic()
        default: throw ValidationError("task must be ials or logreg")
        }
    }

    func runALS() throws {
        let trainCSR = try BenchFiles.readCSR(train), testCSR = try BenchFiles.readCSR(test)
        var config = ALSConfiguration()
        config.factors = factors
        config.iterations = iterations
        config.regularization = regularization
        config.alpha = alpha
        config.solver = .conjugateGradient(steps: cgSteps)
        config.threads = threads
        config.blockSize = blockSize
        config.computeLoss = false
        let clock = ContinuousClock()
        let t0 = clock.now
        let data = try Interactions(byLearner: trainCSR)
        let model = try ALSModel.fit(data, configuration: config)
        let fitSeconds = seconds(clock.now - t0)
        let learners = Array(0..<data.learnerCount)
        let t1 = clock.now
        let recs = try model.recommend(learners: learners, k: 10, excluding: data.byLearner, threads: threads)
        let recSeconds = seconds(clock.now - t1)
        // Evaluate learners with both training and held-out courses.
        var recommended: [[Int]] = [], relevant: [Set<Int>] = []
        for u in learners where trainCSR.count(inRow: u) > 0 && testCSR.count(inRow: u) > 0 {
            recommended.append(recs[u].map(\.course))
            relevant.append(Set(testCSR.entries(inRow: u).map(\.column)))
        }
        let summary = try RankingMetrics.evaluate(at: 10, recommended: recommended, relevant: relevant)
        if let output {
            var flat = [Int32](repeating: -1, count: learners.count * 10)
            for u in learners { for (j, r) in recs[u].enumerated() { flat[u * 10 + j] = Int32(r.course) } }
            try flat.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output)) }
        }
        print(#"{"task": "ials", "fit_seconds": \#(fitSeconds), "recommend_seconds": \#(recSeconds), "#
            + #""learners": \#(learners.count), "eval_learners": \#(summary.learners), "ndcg10": \#(summary.ndcg), "#
            + #""precision10": \#(summary.precision), "nnz": \#(data.nonZeroCount)}"#)
    }

    func runLogistic() throws {
        let (x, y) = try BenchFiles.readDense(train)
        let (tx, ty) = try BenchFiles.readDense(test)
        var config = LogisticRegressionConfiguration(c: c)
        config.threads = threads
        let clock = ContinuousClock()
        let t0 = clock.now
        let model = try LogisticRegression.fit(features: x, labels: y, configuration: config)
        let fitSeconds = seconds(clock.now - t0)
        let p = try model.probabilities(tx)
        let auc = try ClassificationMetrics.rocAUC(scores: p, labels: ty.map { $0 == 1 }) ?? .nan
        if let output { try p.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output)) } }
        print(#"{"task": "logreg", "fit_seconds": \#(fitSeconds), "auc": \#(auc), "#
            + #""iterations": \#(model.objectiveHistory.count), "rows": \#(x.rows), "features": \#(x.columns)}"#)
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// The benchmark's binary files (little-endian): magic "LSBENCH1", then
/// CSR: Int64 rows, cols, nnz; Int64 rowStart[rows+1]; Int32 indices[nnz]; Float32 values[nnz];
/// dense: Int64 rows, cols, -1; Float32 x[rows*cols]; Float32 y[rows].
enum BenchFiles {
    struct Reader {
        let data: Data
        var offset = 8

        init(_ path: String) throws {
            guard let d = FileManager.default.contents(atPath: path), d.count >= 32,
                  String(decoding: d.prefix(8), as: UTF8.self) == "LSBENCH1"
            else { throw ValidationError("\(path): not a benchmark data file") }
            data = d
        }

        mutating func array<T>(_: T.Type, _ count: Int) throws -> [T] {
            let bytes = count * MemoryLayout<T>.stride
            guard count >= 0, offset + bytes <= data.count else { throw ValidationError("benchmark file truncated") }
            var out = [T]()
            out.reserveCapacity(count)
            data.withUnsafeBytes { raw in
                let base = raw.baseAddress! + offset
                for i in 0..<count { out.append(base.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self)) }
            }
            offset += bytes
            return out
        }
    }

    static func readCSR(_ path: String) throws -> SparseMatrix {
        var r = try Reader(path)
        let h = try r.array(Int64.self, 3)
        let start = try r.array(Int64.self, Int(h[0]) + 1).map(Int.init)
        let idx = try r.array(Int32.self, Int(h[2]))
        let vals = try r.array(Float.self, Int(h[2]))
        return try SparseMatrix(rows: Int(h[0]), columns: Int(h[1]), rowStart: start, columnIndices: idx, values: vals)
    }

    static func readDense(_ path: String) throws -> (Matrix<Float>, [Float]) {
        var r = try Reader(path)
        let h = try r.array(Int64.self, 3)
        let rows = Int(h[0]), cols = Int(h[1])
        let x = try Matrix(rows: rows, columns: cols, elements: r.array(Float.self, rows * cols))
        return (x, try r.array(Float.self, rows))
    }
}
