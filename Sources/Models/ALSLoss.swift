import LinearAlgebra

/// The weighted squared loss of iALS, computed in blocks (deterministic: block partial sums are added in order).
enum ALSLoss {
    static func compute(
        data: Interactions, learnerFactors x: Matrix<Float>, courseFactors y: Matrix<Float>,
        configuration: ALSConfiguration, cancellation: CancellationFlag?
    ) throws -> Double {
        let f = configuration.factors, a0 = Double(configuration.unobservedWeight), alpha = configuration.alpha
        guard x.rows == data.learnerCount, y.rows == data.courseCount, x.columns == f, y.columns == f else {
            throw ModelsError.shapeMismatch("loss: factors do not match the interactions")
        }
        // α0 Σ_all (xᵀy)² = α0 · Σ (XᵀX ∘ YᵀY).
        let gx = try BLAS.gram(x), gy = try BLAS.gram(y)
        var total = a0 * zip(gx.elements, gy.elements).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let csr = data.byLearner
        let block = 1024
        let blocks = (csr.rows + block - 1) / block
        let partial = Slots<Double>(blocks, initial: 0)
        let learnerStep = ALSHalfStep(matrix: csr, configuration: configuration)
        let courseStep = ALSHalfStep(matrix: data.byCourse, configuration: configuration)
        let lu = learnerStep.regularizations(), li = courseStep.regularizations()
        try x.elements.withUnsafeBufferPointer { xb in
            try y.elements.withUnsafeBufferPointer { yb in
                guard let xBase = xb.baseAddress, let yBase = yb.baseAddress else { return }
                let xs = SharedReadOnly(base: xBase), ys = SharedReadOnly(base: yBase)
                try parallelFor(blocks: blocks, threads: configuration.threads, cancellation: cancellation) { b, _ in
                    var s = 0.0
                    for u in (b * block)..<min(csr.rows, (b + 1) * block) {
                        let xu = xs.base + u * f
                        for e in csr.rowStart[u]..<csr.rowStart[u + 1] where csr.values[e] > 0 {
                            let c = Double(alpha * csr.values[e])
                            let p = Double(VectorKernels.dot(xu, ys.base + Int(csr.columnIndices[e]) * f, f))
                            s += c * (1 - p) * (1 - p) - a0 * p * p
                        }
                        s += Double(lu[u]) * Double(VectorKernels.dot(xu, xu, f))
                    }
                    partial.set(b, s)
                }
                for i in 0..<y.rows {
                    let yi = yBase + i * f
                    total += Double(li[i]) * Double(VectorKernels.dot(yi, yi, f))
                }
            }
        }
        return total + partial.values.reduce(0, +)
    }
}
