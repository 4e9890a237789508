import LinearAlgebra

/// Builds and solves one row's normal equations exactly (used by the Cholesky solver, fold-in and explain).
enum ALSRowSystem {
    /// Fills `system` with `A_u` and `rhs` with `b_u`, then overwrites `rhs` with `x_u` (zero for an empty row).
    static func solve(
        entries: Range<Int>, columns: [Int32], values: [Float], fixed: UnsafePointer<Float>, gram: Matrix<Float>,
        lambda: Float, configuration: ALSConfiguration, system: inout Matrix<Float>, rhs: inout [Float]
    ) throws {
        try build(entries: entries, columns: columns, values: values, fixed: fixed, gram: gram, lambda: lambda,
                  configuration: configuration, system: &system, rhs: &rhs)
        if rhs.allSatisfy({ $0 == 0 }) { return }
        do {
            try Cholesky.solveInPlace(&system, &rhs)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw ModelsError.trainingFailed(
                "a row's system is not positive definite; use regularization > 0")
        }
    }

    /// `A_u = gram + λ I + Σ (c − α0) y yᵀ`, `b_u = Σ c y` over entries with positive weight.
    static func build(
        entries: Range<Int>, columns: [Int32], values: [Float], fixed: UnsafePointer<Float>, gram: Matrix<Float>,
        lambda: Float, configuration: ALSConfiguration, system: inout Matrix<Float>, rhs: inout [Float]
    ) throws {
        let f = configuration.factors
        if system.rows != f || system.columns != f { system = Matrix(rows: f, columns: f) }
        if rhs.count != f { rhs = [Float](repeating: 0, count: f) }
        system.elements.withUnsafeMutableBufferPointer { a in
            gram.elements.withUnsafeBufferPointer { g in a.baseAddress!.update(from: g.baseAddress!, count: f * f) }
            for k in 0..<f { a[k * f + k] += lambda }
            rhs.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.update(repeating: 0, count: f)
                for e in entries where values[e] > 0 {
                    let c = configuration.alpha * values[e]
                    let yi = fixed + Int(columns[e]) * f
                    VectorKernels.axpy(c, yi, b.baseAddress!, f)
                    let w = c - configuration.unobservedWeight
                    for r in 0..<f { VectorKernels.axpy(w * yi[r], yi, a.baseAddress! + r * f, f) }
                }
            }
        }
    }
}
