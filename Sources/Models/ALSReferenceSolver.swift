import LearningEvents

/// A deliberately slow, obviously-correct ALS in Double precision: for every row it forms the dense normal equations
/// over all columns (observed and unobserved, with their weights) and solves them by Gaussian elimination. No BLAS,
/// no threads. It exists to test the fast solvers; use it on tiny data only.
public enum ALSReferenceSolver {
    /// Trains with the same initialisation as ``ALSModel/fit(_:configuration:cancellation:progress:)`` and exact row
    /// solves; returns learner and course factors as row-major Double arrays.
    public static func fit(
        _ data: Interactions, configuration: ALSConfiguration
    ) throws -> (learners: [[Double]], courses: [[Double]]) {
        try configuration.validate()
        let f = configuration.factors
        var rng = SplitMix64(seed: configuration.seed)
        let scale = Double(configuration.initScale) / Double(f).squareRoot()
        var y = (0..<data.courseCount).map { _ in (0..<f).map { _ in Double(Float(rng.normal() * scale)) } }
        var x = (0..<data.learnerCount).map { _ in (0..<f).map { _ in Double(Float(rng.normal() * scale)) } }
        let dense = denseWeights(data.byLearner)
        let denseT = denseWeights(data.byCourse)
        for _ in 0..<configuration.iterations {
            x = try solveSide(dense, fixed: y, configuration: configuration)
            y = try solveSide(denseT, fixed: x, configuration: configuration)
        }
        return (x, y)
    }

    /// Row weights as dense arrays (0 = unobserved).
    static func denseWeights(_ m: SparseMatrix) -> [[Double]] {
        var d = [[Double]](repeating: [Double](repeating: 0, count: m.columns), count: m.rows)
        for r in 0..<m.rows {
            for e in m.rowStart[r]..<m.rowStart[r + 1] { d[r][Int(m.columnIndices[e])] += Double(m.values[e]) }
        }
        return d
    }

    static func solveSide(_ r: [[Double]], fixed y: [[Double]], configuration: ALSConfiguration) throws -> [[Double]] {
        let f = configuration.factors, alpha = Double(configuration.alpha), a0 = Double(configuration.unobservedWeight)
        return try r.map { row in
            let observed = row.filter { $0 > 0 }.count
            if observed == 0 { return [Double](repeating: 0, count: f) }
            let lambda = Double(configuration.rowRegularization(count: observed, otherSideCount: y.count))
            var a = [[Double]](repeating: [Double](repeating: 0, count: f), count: f)
            var b = [Double](repeating: 0, count: f)
            for (i, w) in row.enumerated() {
                let c = w > 0 ? alpha * w : a0
                let p = w > 0 ? 1.0 : 0.0
                for s in 0..<f {
                    b[s] += c * p * y[i][s]
                    for t in 0..<f { a[s][t] += c * y[i][s] * y[i][t] }
                }
            }
            for s in 0..<f { a[s][s] += lambda }
            return try gaussianSolve(a, b)
        }
    }

    /// Gaussian elimination with partial pivoting.
    static func gaussianSolve(_ a0: [[Double]], _ b0: [Double]) throws -> [Double] {
        var a = a0, b = b0
        let n = b.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-300
            else { throw ModelsError.trainingFailed("reference solver: singular system") }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for r in (col + 1)..<max(col + 1, n) {
                let factor = a[r][col] / a[col][col]
                if factor == 0 { continue }
                for c in col..<n { a[r][c] -= factor * a[col][c] }
                b[r] -= factor * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for c in (r + 1)..<max(r + 1, n) { s -= a[r][c] * x[c] }
            x[r] = s / a[r][r]
        }
        return x
    }
}
