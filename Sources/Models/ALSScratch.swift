import LinearAlgebra

/// Per-thread buffers of the ALS solvers, reused across blocks so the inner loop does not allocate.
///
/// @unchecked Sendable: each instance is used by exactly one thread of a `parallelFor` call (indexed by the thread
/// number), never concurrently.
final class ALSScratch: @unchecked Sendable {
    let factors: Int
    var x: Matrix<Float>, r: Matrix<Float>, p: Matrix<Float>, ap: Matrix<Float>
    var system: Matrix<Float>
    var rhs: [Float]

    init(blockSize: Int, factors: Int) {
        self.factors = factors
        x = Matrix(rows: blockSize, columns: factors)
        r = x
        p = x
        ap = x
        system = Matrix(rows: factors, columns: factors)
        rhs = [Float](repeating: 0, count: factors)
    }

    /// Makes the block buffers exactly `rows` tall (only the last, shorter block changes it).
    func resize(rows: Int) {
        guard x.rows != rows else { return }
        x = Matrix(rows: rows, columns: factors)
        r = x
        p = x
        ap = x
    }
}
