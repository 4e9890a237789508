import Testing
@testable import LinearAlgebra

@Suite("sparse rank-one kernel")
struct SparseKernelsTests {
    @Test("every kernel variant the CPU supports matches a naive loop (odd factor counts, skipped rows, zero weights)",
          arguments: [1, 7, 16, 64, 70])
    func matchesNaive(factors f: Int) throws {
        var rng = TestRNG(UInt64(f))
        let itemRows = 13
        let factors: Matrix<Float> = randomMatrix(itemRows, f, &rng)
        // 5 CSR rows; row 2 empty; some zero/negative weights that must be skipped.
        let rowStart = [0, 3, 5, 5, 9, 12]
        let indices: [Int32] = (0..<12).map { _ in Int32(rng.int(0...(itemRows - 1))) }
        var values: [Float] = (0..<12).map { _ in Float(rng.int(1...5)) }
        values[4] = 0
        values[7] = -1
        let rows = 1..<5
        let input: Matrix<Float> = randomMatrix(rows.count, f, &rng)
        let start: Matrix<Float> = randomMatrix(rows.count, f, &rng)
        let active = [true, false, true, true]
        let k = SparseKernels.Rank1Coefficients(a: 0.5, b: -2, c: 0.25)
        var expected = start
        for (j, r) in rows.enumerated() where active[j] {
            for e in rowStart[r]..<rowStart[r + 1] where values[e] > 0 {
                let y = Array(factors.row(Int(indices[e]))), x = Array(input.row(j))
                let d = zip(y, x).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                let coef = k.a * values[e] + (k.b * values[e] + k.c) * d
                for q in 0..<f { expected[j, q] += coef * y[q] }
            }
        }
        let flags = BLASCore.cpuFlags()
        let levels: [Int32] = [0] + (flags.contains("avx2") && flags.contains("fma") ? [1] : [])
            + (flags.contains("avx512f") ? [2] : [])
        for level in levels {
            var out = start
            try SparseKernels.accumulateRank1(rows: rows, rowStart: rowStart, indices: indices, values: values,
                                              factors: factors, input: input, output: &out, active: active,
                                              coefficients: k, level: level)
            #expect(maxAbsDiff(out.elements, expected.elements) < 1e-3, "level \(level)")
        }
        var out = start
        #expect(throws: LinearAlgebraError.self) {
            try SparseKernels.accumulateRank1(rows: rows, rowStart: rowStart, indices: indices.map { $0 + 100 },
                                              values: values, factors: factors, input: input, output: &out,
                                              coefficients: k)
        }
        #expect(throws: LinearAlgebraError.self) {
            try SparseKernels.accumulateRank1(rows: 0..<9, rowStart: rowStart, indices: indices, values: values,
                                              factors: factors, input: input, output: &out, coefficients: k)
        }
    }
}
