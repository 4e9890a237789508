import Testing
import LinearAlgebra

@Suite("Cholesky solve")
struct CholeskyTests {
    @Test("posv solves SPD systems (vector and matrix right-hand sides), Float and Double", arguments: [0, 1, 2, 5, 32])
    func solves(n: Int) throws {
        var rng = TestRNG(UInt64(10 + n))
        let x: Matrix<Double> = randomMatrix(n + 3, n, &rng)
        var a = try BLAS.gram(x)
        for i in 0..<n { a[i, i] += 0.5 }
        let b: [Double] = randomVector(n, &rng)
        let sol = try Cholesky.solve(a, b)
        let back = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i, $1] * sol[$1] } }
        #expect(maxAbsDiff(back, b) < 1e-9)

        let af = Matrix<Float>(rows: n, columns: n) { Float(a[$0, $1]) }
        let bf = b.map(Float.init)
        let solf = try Cholesky.solve(af, bf)
        #expect(maxAbsDiff(solf, sol.map(Float.init)) < 1e-2)

        let rhs: Matrix<Double> = randomMatrix(n, 3, &rng)
        let xs = try Cholesky.solve(a, rhs)
        #expect(maxAbsDiff(naiveMatmul(a, xs, false, false).elements, rhs.elements) < 1e-9)
    }

    @Test("a matrix that is not positive definite throws a typed error")
    func notPositiveDefinite() throws {
        let a = try Matrix<Float>(rows: 2, columns: 2, elements: [1, 2, 2, 1])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) { try Cholesky.solve(a, [1, 1]) }
        let z = Matrix<Double>(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 1)) { try Cholesky.solve(z, [1, 1, 1]) }
        #expect(throws: LinearAlgebraError.self) { try Cholesky.solve(Matrix<Float>(rows: 2, columns: 3), [1, 1]) }
    }
}
