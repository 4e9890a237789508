import Testing
import LinearAlgebra

@Suite("BLAS wrappers against naive loops")
struct BLASTests {
    @Test("gemm with every transpose combination, Float and Double", arguments: [false, true], [false, true])
    func gemm(transposeA: Bool, transposeB: Bool) throws {
        var rng = TestRNG(1)
        for (m, n, k) in testShapes {
            let a: Matrix<Float> = transposeA ? randomMatrix(k, m, &rng) : randomMatrix(m, k, &rng)
            let b: Matrix<Float> = transposeB ? randomMatrix(n, k, &rng) : randomMatrix(k, n, &rng)
            let c = try BLAS.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            #expect(c.rows == m && c.columns == n)
            #expect(maxAbsDiff(c.elements, naiveMatmul(a, b, transposeA, transposeB).elements) < 1e-4, "\(m)×\(n)×\(k)")
            let ad = Matrix<Double>(rows: a.rows, columns: a.columns) { Double(a[$0, $1]) }
            let bd = Matrix<Double>(rows: b.rows, columns: b.columns) { Double(b[$0, $1]) }
            let cd = try BLAS.matmul(ad, bd, transposeA: transposeA, transposeB: transposeB)
            #expect(maxAbsDiff(cd.elements, naiveMatmul(ad, bd, transposeA, transposeB).elements) < 1e-12)
        }
    }

    @Test("gemm alpha/beta accumulate into C; k = 0 scales C by beta")
    func gemmAlphaBeta() throws {
        var rng = TestRNG(2)
        let a: Matrix<Float> = randomMatrix(4, 3, &rng), b: Matrix<Float> = randomMatrix(3, 5, &rng)
        let c0: Matrix<Float> = randomMatrix(4, 5, &rng)
        var c = c0
        try BLAS.gemm(a, b, alpha: 2, beta: 0.5, into: &c)
        let ab = naiveMatmul(a, b, false, false)
        let expected = zip(ab.elements, c0.elements).map { 2 * $0 + 0.5 * $1 }
        #expect(maxAbsDiff(c.elements, expected) < 1e-4)
        var e = c0
        try BLAS.gemm(Matrix<Float>(rows: 4, columns: 0), Matrix<Float>(rows: 0, columns: 5), beta: 3, into: &e)
        #expect(maxAbsDiff(e.elements, c0.elements.map { 3 * $0 }) < 1e-6)
    }

    @Test("gemm shape mismatches throw, never trap")
    func gemmMismatch() {
        let a = Matrix<Float>(rows: 2, columns: 3), b = Matrix<Float>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try BLAS.matmul(a, b) }
        var c = Matrix<Float>(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemm(a, b, transposeB: true, into: &c) }
        var broken = a
        broken.elements.removeLast()
        #expect(throws: LinearAlgebraError.self) { try BLAS.matmul(broken, b, transposeB: true) }
    }

    @Test("syrk gives AᵀA and AAᵀ with both triangles filled")
    func syrk() throws {
        var rng = TestRNG(3)
        for (m, _, k) in testShapes {
            let a: Matrix<Float> = randomMatrix(m, k, &rng)
            let g = try BLAS.gram(a)
            #expect(maxAbsDiff(g.elements, naiveMatmul(a, a, true, false).elements) < 1e-4)
            var o = Matrix<Float>(rows: m, columns: m)
            try BLAS.syrk(a, form: .selfTimesTranspose, into: &o)
            #expect(maxAbsDiff(o.elements, naiveMatmul(a, a, false, true).elements) < 1e-4)
            let ad = Matrix<Double>(rows: m, columns: k) { Double(a[$0, $1]) }
            #expect(maxAbsDiff(try BLAS.gram(ad).elements, naiveMatmul(ad, ad, true, false).elements) < 1e-12)
        }
        var wrong = Matrix<Float>(rows: 2, columns: 2)
        #expect(throws: LinearAlgebraError.self) { try BLAS.syrk(Matrix<Float>(rows: 4, columns: 3), into: &wrong) }
    }

    @Test("symv and gemv match loops")
    func matrixVector() throws {
        var rng = TestRNG(4)
        for (m, n, _) in testShapes {
            let x: Matrix<Float> = randomMatrix(m, n, &rng)
            let s = try BLAS.gram(x)  // n×n symmetric
            let v: [Float] = randomVector(n, &rng)
            let naive = (0..<n).map { i in (0..<n).reduce(Float(0)) { $0 + s[i, $1] * v[$1] } }
            #expect(maxAbsDiff(try BLAS.symv(s, v), naive) < 1e-3)
            let y = try BLAS.gemv(x, v)
            let naiveY = (0..<m).map { i in (0..<n).reduce(Float(0)) { $0 + x[i, $1] * v[$1] } }
            #expect(maxAbsDiff(y, naiveY) < 1e-4)
            let w: [Float] = randomVector(m, &rng)
            let naiveT = (0..<n).map { j in (0..<m).reduce(Float(0)) { $0 + x[$1, j] * w[$1] } }
            #expect(maxAbsDiff(try BLAS.gemv(x, transpose: true, w), naiveT) < 1e-4)
        }
        #expect(throws: LinearAlgebraError.self) { try BLAS.symv(Matrix<Float>(rows: 2, columns: 2), [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemv(Matrix<Float>(rows: 2, columns: 3), [1, 2]) }
    }

    @Test("dot and axpy match loops, including empty vectors")
    func vectorOps() throws {
        var rng = TestRNG(5)
        for n in [0, 1, 2, 17, 1000] {
            let x: [Float] = randomVector(n, &rng), y: [Float] = randomVector(n, &rng)
            let d = try BLAS.dot(x, y)
            #expect(abs(Double(d) - zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }) < 1e-3)
            var z = y
            try BLAS.axpy(1.5, x, &z)
            #expect(maxAbsDiff(z, zip(x, y).map { 1.5 * $0 + $1 }) < 1e-5)
            let xd = x.map(Double.init), yd = y.map(Double.init)
            #expect(abs(try BLAS.dot(xd, yd) - zip(xd, yd).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-10)
        }
        var short: [Float] = [1]
        #expect(throws: LinearAlgebraError.self) { try BLAS.dot([1, 2] as [Float], [1]) }
        #expect(throws: LinearAlgebraError.self) { try BLAS.axpy(1, [1, 2] as [Float], &short) }
    }
}
