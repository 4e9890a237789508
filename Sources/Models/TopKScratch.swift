import LinearAlgebra

/// Per-thread buffers of blocked top-K.
///
/// @unchecked Sendable: each instance is used by exactly one thread of a `parallelFor` call, never concurrently.
final class TopKScratch: @unchecked Sendable {
    let factors: Int, courses: Int, k: Int
    var users: Matrix<Float>
    var scores: Matrix<Float>
    /// Score tile of the last, narrower course chunk.
    var lastScores = Matrix<Float>(rows: 0, columns: 0)
    var selectors: [TopKSelector]

    init(rows: Int, factors: Int, courses: Int, k: Int) {
        self.factors = factors
        self.courses = courses
        self.k = k
        users = Matrix(rows: rows, columns: factors)
        scores = Matrix(rows: rows, columns: courses)
        selectors = Array(repeating: TopKSelector(k: k), count: rows)
    }

    func resize(rows: Int) {
        guard users.rows != rows else { return }
        users = Matrix(rows: rows, columns: factors)
        scores = Matrix(rows: rows, columns: scores.columns)
        selectors = Array(repeating: TopKSelector(k: k), count: rows)
    }
}
