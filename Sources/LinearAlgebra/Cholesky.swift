import CBLAS

/// Solves symmetric positive-definite systems `A x = b` with LAPACK's `posv` (Cholesky factorisation + solve).
///
/// A matrix that is not positive definite throws ``LinearAlgebraError/notPositiveDefinite(minor:)``.
///
/// ```swift
/// let x = try Cholesky.solve(a, b)   // a: n×n SPD, b: n values
/// ```
public enum Cholesky {
    /// Solves `A x = b` for one right-hand side; `a` and `b` are left untouched.
    public static func solve<S: BLASScalar>(_ a: Matrix<S>, _ b: [S]) throws -> [S] {
        var f = a
        var x = b
        try solveInPlace(&f, &x)
        return x
    }

    /// Solves `A X = B` where `B` has one right-hand side per column (`n × nrhs`).
    public static func solve<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws -> Matrix<S> {
        try b.checkWellFormed("Cholesky.solve")
        guard b.rows == a.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Cholesky.solve", details: "A \(a.shapeDescription), B \(b.shapeDescription)")
        }
        var f = a
        // LAPACK is column-major: Bᵀ in row-major storage is B in column-major storage.
        var x = b.transposed().elements
        try solveInPlace(&f, &x, rightHandSides: b.columns)
        return try Matrix(rows: b.columns, columns: b.rows, elements: x).transposed()
    }

    /// Solves in place without allocating: `a` is overwritten with its Cholesky factor and `b` with the solution.
    /// With `rightHandSides > 1`, `b` holds the right-hand sides one after another (column-major `n × nrhs`).
    public static func solveInPlace<S: BLASScalar>(_ a: inout Matrix<S>, _ b: inout [S], rightHandSides: Int = 1) throws {
        try a.checkWellFormed("Cholesky.solve")
        let n = a.rows
        guard a.columns == n, rightHandSides >= 0, b.count == n * rightHandSides else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Cholesky.solve", details: "A \(a.shapeDescription), b \(b.count) for \(rightHandSides) rhs")
        }
        if n == 0 || rightHandSides == 0 { return }
        var ni = try blasInt(n), nrhs = try blasInt(rightHandSides), lda = ni, ldb = ni
        var info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "U"))
        BLASThreads.pin()
        a.elements.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                guard let ap = pa.baseAddress, let bp = pb.baseAddress else { return }
                if S.isDoublePrecision {
                    dposv_(&uplo, &ni, &nrhs, rebound(ap, to: Double.self), &lda, rebound(bp, to: Double.self), &ldb, &info)
                } else {
                    sposv_(&uplo, &ni, &nrhs, rebound(ap, to: Float.self), &lda, rebound(bp, to: Float.self), &ldb, &info)
                }
            }
        }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
        if info < 0 { throw LinearAlgebraError.lapackArgument(routine: "posv", info: Int(info)) }
    }
}
