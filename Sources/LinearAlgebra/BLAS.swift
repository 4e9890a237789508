import CBLAS

/// Safe wrappers over the BLAS routines the models use. Every call checks shapes (throwing
/// ``LinearAlgebraError/shapeMismatch(operation:details:)``), handles empty operands without calling BLAS (BLAS rejects a
/// leading dimension of 0), and runs BLAS on one thread.
///
/// ```swift
/// let c = try BLAS.matmul(a, b, transposeB: true)   // a · bᵀ
/// ```
public enum BLAS {
    /// Which symmetric product ``syrk(_:form:alpha:beta:into:)`` forms.
    public enum SymmetricProduct: Sendable {
        /// `AᵀA` (columns × columns), the Gram matrix of the columns.
        case transposeTimesSelf
        /// `AAᵀ` (rows × rows).
        case selfTimesTranspose
    }

    /// `C ← alpha · op(A) · op(B) + beta · C` where `op` optionally transposes.
    public static func gemm<S: BLASScalar>(
        _ a: Matrix<S>, transposeA: Bool = false, _ b: Matrix<S>, transposeB: Bool = false,
        alpha: S = 1, beta: S = 0, into c: inout Matrix<S>
    ) throws {
        try a.checkWellFormed("gemm")
        try b.checkWellFormed("gemm")
        try c.checkWellFormed("gemm")
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        guard k == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemm",
                details: "op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.shapeDescription)")
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            scale(&c.elements, by: beta)
            return
        }
        let (mi, ni, ki) = (try blasInt(m), try blasInt(n), try blasInt(k))
        let lda = try blasInt(max(1, a.columns)), ldb = try blasInt(max(1, b.columns)), ldc = try blasInt(max(1, n))
        let ta = transposeA ? CblasTrans : CblasNoTrans, tb = transposeB ? CblasTrans : CblasNoTrans
        BLASThreads.pin()
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                    if S.isDoublePrecision {
                        cblas_dgemm(CblasRowMajor, ta, tb, mi, ni, ki, Double(alpha), rebound(ap, to: Double.self), lda,
                                    rebound(bp, to: Double.self), ldb, Double(beta), rebound(cp, to: Double.self), ldc)
                    } else {
                        cblas_sgemm(CblasRowMajor, ta, tb, mi, ni, ki, Float(alpha), rebound(ap, to: Float.self), lda,
                                    rebound(bp, to: Float.self), ldb, Float(beta), rebound(cp, to: Float.self), ldc)
                    }
                }
            }
        }
    }

    /// `op(A) · op(B)` as a new matrix.
    public static func matmul<S: BLASScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false
    ) throws -> Matrix<S> {
        var c = Matrix<S>(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
        try gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    /// Symmetric rank-k update `C ← alpha · AᵀA + beta · C` (or `AAᵀ`); the whole of `C` is filled (both triangles).
    public static func syrk<S: BLASScalar>(
        _ a: Matrix<S>, form: SymmetricProduct = .transposeTimesSelf, alpha: S = 1, beta: S = 0,
        into c: inout Matrix<S>
    ) throws {
        try a.checkWellFormed("syrk")
        try c.checkWellFormed("syrk")
        let n = form == .transposeTimesSelf ? a.columns : a.rows
        let k = form == .transposeTimesSelf ? a.rows : a.columns
        guard c.rows == n, c.columns == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "syrk", details: "A \(a.shapeDescription) gives \(n)×\(n), C is \(c.shapeDescription)")
        }
        if n == 0 { return }
        if k == 0 {
            scale(&c.elements, by: beta)
            return
        }
        let (ni, ki) = (try blasInt(n), try blasInt(k))
        let lda = try blasInt(max(1, a.columns)), ldc = try blasInt(n)
        let trans = form == .transposeTimesSelf ? CblasTrans : CblasNoTrans
        BLASThreads.pin()
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                guard let ap = pa.baseAddress, let cp = pc.baseAddress else { return }
                if S.isDoublePrecision {
                    cblas_dsyrk(CblasRowMajor, CblasUpper, trans, ni, ki, Double(alpha), rebound(ap, to: Double.self),
                                lda, Double(beta), rebound(cp, to: Double.self), ldc)
                } else {
                    cblas_ssyrk(CblasRowMajor, CblasUpper, trans, ni, ki, Float(alpha), rebound(ap, to: Float.self),
                                lda, Float(beta), rebound(cp, to: Float.self), ldc)
                }
            }
        }
        mirrorUpper(&c)
    }

    /// `AᵀA` as a new symmetric matrix (the Gram matrix of A's columns).
    public static func gram<S: BLASScalar>(_ a: Matrix<S>) throws -> Matrix<S> {
        var c = Matrix<S>(rows: a.columns, columns: a.columns)
        try syrk(a, into: &c)
        return c
    }

    /// `y ← alpha · A · x + beta · y` for a symmetric `A` (only its upper triangle is read).
    public static func symv<S: BLASScalar>(
        _ a: Matrix<S>, _ x: [S], alpha: S = 1, beta: S = 0, into y: inout [S]
    ) throws {
        try a.checkWellFormed("symv")
        let n = a.rows
        guard a.columns == n, x.count == n, y.count == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "symv", details: "A \(a.shapeDescription), x \(x.count), y \(y.count)")
        }
        if n == 0 { return }
        let ni = try blasInt(n)
        BLASThreads.pin()
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    guard let ap = pa.baseAddress, let xp = px.baseAddress, let yp = py.baseAddress else { return }
                    if S.isDoublePrecision {
                        cblas_dsymv(CblasRowMajor, CblasUpper, ni, Double(alpha), rebound(ap, to: Double.self), ni,
                                    rebound(xp, to: Double.self), 1, Double(beta), rebound(yp, to: Double.self), 1)
                    } else {
                        cblas_ssymv(CblasRowMajor, CblasUpper, ni, Float(alpha), rebound(ap, to: Float.self), ni,
                                    rebound(xp, to: Float.self), 1, Float(beta), rebound(yp, to: Float.self), 1)
                    }
                }
            }
        }
    }

    /// `A · x` for a symmetric `A`, as a new vector.
    public static func symv<S: BLASScalar>(_ a: Matrix<S>, _ x: [S]) throws -> [S] {
        var y = [S](repeating: 0, count: x.count)
        try symv(a, x, into: &y)
        return y
    }

    /// `y ← alpha · op(A) · x + beta · y` for a general `A`.
    public static func gemv<S: BLASScalar>(
        _ a: Matrix<S>, transpose: Bool = false, _ x: [S], alpha: S = 1, beta: S = 0, into y: inout [S]
    ) throws {
        try a.checkWellFormed("gemv")
        let m = transpose ? a.columns : a.rows, n = transpose ? a.rows : a.columns
        guard x.count == n, y.count == m else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemv", details: "op(A) \(m)×\(n), x \(x.count), y \(y.count)")
        }
        if m == 0 { return }
        if n == 0 {
            scale(&y, by: beta)
            return
        }
        let (ri, ci) = (try blasInt(a.rows), try blasInt(a.columns))
        let lda = try blasInt(max(1, a.columns))
        let t = transpose ? CblasTrans : CblasNoTrans
        BLASThreads.pin()
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    guard let ap = pa.baseAddress, let xp = px.baseAddress, let yp = py.baseAddress else { return }
                    if S.isDoublePrecision {
                        cblas_dgemv(CblasRowMajor, t, ri, ci, Double(alpha), rebound(ap, to: Double.self), lda,
                                    rebound(xp, to: Double.self), 1, Double(beta), rebound(yp, to: Double.self), 1)
                    } else {
                        cblas_sgemv(CblasRowMajor, t, ri, ci, Float(alpha), rebound(ap, to: Float.self), lda,
                                    rebound(xp, to: Float.self), 1, Float(beta), rebound(yp, to: Float.self), 1)
                    }
                }
            }
        }
    }

    /// `op(A) · x` as a new vector.
    public static func gemv<S: BLASScalar>(_ a: Matrix<S>, transpose: Bool = false, _ x: [S]) throws -> [S] {
        var y = [S](repeating: 0, count: transpose ? a.columns : a.rows)
        try gemv(a, transpose: transpose, x, into: &y)
        return y
    }

    /// The dot product `xᵀy`.
    public static func dot<S: BLASScalar>(_ x: [S], _ y: [S]) throws -> S {
        guard x.count == y.count else {
            throw LinearAlgebraError.shapeMismatch(operation: "dot", details: "x \(x.count), y \(y.count)")
        }
        if x.isEmpty { return 0 }
        let n = try blasInt(x.count)
        BLASThreads.pin()
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                guard let xp = px.baseAddress, let yp = py.baseAddress else { return 0 }
                if S.isDoublePrecision {
                    return S(cblas_ddot(n, rebound(xp, to: Double.self), 1, rebound(yp, to: Double.self), 1))
                } else {
                    return S(cblas_sdot(n, rebound(xp, to: Float.self), 1, rebound(yp, to: Float.self), 1))
                }
            }
        }
    }

    /// `y ← alpha · x + y`.
    public static func axpy<S: BLASScalar>(_ alpha: S, _ x: [S], _ y: inout [S]) throws {
        guard x.count == y.count else {
            throw LinearAlgebraError.shapeMismatch(operation: "axpy", details: "x \(x.count), y \(y.count)")
        }
        if x.isEmpty { return }
        let n = try blasInt(x.count)
        BLASThreads.pin()
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                guard let xp = px.baseAddress, let yp = py.baseAddress else { return }
                if S.isDoublePrecision {
                    cblas_daxpy(n, Double(alpha), rebound(xp, to: Double.self), 1, rebound(yp, to: Double.self), 1)
                } else {
                    cblas_saxpy(n, Float(alpha), rebound(xp, to: Float.self), 1, rebound(yp, to: Float.self), 1)
                }
            }
        }
    }

    /// `v ← beta · v`, with `beta == 0` writing exact zeros (as BLAS does for C when beta is 0).
    static func scale<S: BLASScalar>(_ v: inout [S], by beta: S) {
        if beta == 0 {
            for i in v.indices { v[i] = 0 }
        } else if beta != 1 {
            for i in v.indices { v[i] *= beta }
        }
    }

    /// Copies the upper triangle of a square row-major matrix into its lower triangle.
    static func mirrorUpper<S: BLASScalar>(_ c: inout Matrix<S>) {
        let n = c.rows
        c.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for j in (i + 1)..<max(i + 1, n) { p[j * n + i] = p[i * n + j] }
            }
        }
    }
}
