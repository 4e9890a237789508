import LinearAlgebra

/// One half-iteration of ALS: solves every row of `target` (learners or courses) against the fixed `fixed` factors.
///
/// Row `u`'s system is `(α0·YᵀY + λ_u I + Σ_i (c_ui − α0) y_i y_iᵀ) x_u = Σ_i c_ui y_i` with `c_ui = alpha · r_ui`
/// over the row's stored entries (entries with `r ≤ 0` are ignored). Rows without entries are set to zero.
struct ALSHalfStep: Sendable {
    let matrix: SparseMatrix
    let configuration: ALSConfiguration

    /// Per-row λ for this side.
    func regularizations() -> [Float] {
        (0..<matrix.rows).map { r in
            configuration.rowRegularization(count: positiveCount(row: r), otherSideCount: matrix.columns)
        }
    }

    /// Consecutive row ranges of at most `blockSize` rows and about `maxBlockEntries` stored entries, so a block's
    /// gathered factor rows stay in cache (a single heavy row forms its own block).
    func blockRanges(maxBlockEntries: Int = 16_384) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var lo = 0
        while lo < matrix.rows {
            var hi = lo + 1
            while hi < matrix.rows, hi - lo < configuration.blockSize,
                  matrix.rowStart[hi + 1] - matrix.rowStart[lo] <= maxBlockEntries {
                hi += 1
            }
            out.append(lo..<hi)
            lo = hi
        }
        return out
    }

    func positiveCount(row r: Int) -> Int {
        var n = 0
        for e in matrix.rowStart[r]..<matrix.rowStart[r + 1] where matrix.values[e] > 0 { n += 1 }
        return n
    }

    /// Solves all rows of `target` in place.
    func run(target: inout Matrix<Float>, fixed: Matrix<Float>, cancellation: CancellationFlag?) throws {
        let f = configuration.factors
        guard target.columns == f, fixed.columns == f, target.rows == matrix.rows, fixed.rows == matrix.columns else {
            throw ModelsError.shapeMismatch(
                "ALS half-step: target \(target.shapeDescription), fixed \(fixed.shapeDescription), "
                    + "matrix \(matrix.rows)×\(matrix.columns), factors \(f)")
        }
        if fixed.rows == 0 {
            // Nothing to fit against: every row is empty and solves to zero.
            target = Matrix(rows: target.rows, columns: f)
            return
        }
        var gram = try BLAS.gram(fixed)
        if configuration.unobservedWeight != 1 {
            for i in gram.elements.indices { gram.elements[i] *= configuration.unobservedWeight }
        }
        let lambdas = regularizations()
        let ranges = blockRanges()
        let threads = configuration.threads
        let scratch = (0..<threads).map { _ in ALSScratch(blockSize: configuration.blockSize, factors: f) }
        let g = gram
        try fixed.elements.withUnsafeBufferPointer { fixedBuffer in
            try target.elements.withUnsafeMutableBufferPointer { targetBuffer in
                guard let yBase = fixedBuffer.baseAddress, let xBase = targetBuffer.baseAddress else { return }
                let y = SharedReadOnly(base: yBase), x = SharedRows(base: xBase)
                try parallelFor(blocks: ranges.count, threads: threads, cancellation: cancellation) { b, t in
                    let lo = ranges[b].lowerBound, hi = ranges[b].upperBound
                    switch configuration.solver {
                    case let .conjugateGradient(steps):
                        try solveBlockCG(lo..<hi, steps: steps, x: x, fixed: fixed, gram: g, lambdas: lambdas,
                                         scratch: scratch[t])
                    case .cholesky:
                        try solveBlockCholesky(lo..<hi, x: x, y: y, gram: g, lambdas: lambdas, scratch: scratch[t])
                    }
                }
            }
        }
    }

    /// Lockstep CG over a block of rows: the dense products with the Gram matrix are one sgemm per step, the sparse
    /// products one pass of ``SparseKernels/accumulateRank1(rows:rowStart:indices:values:factors:input:output:active:coefficients:)``.
    func solveBlockCG(
        _ range: Range<Int>, steps: Int, x: SharedRows, fixed: Matrix<Float>, gram: Matrix<Float>,
        lambdas: [Float], scratch s: ALSScratch
    ) throws {
        let f = configuration.factors, n = range.count
        let alpha = configuration.alpha, a0 = configuration.unobservedWeight
        s.resize(rows: n)
        let rowStart = matrix.rowStart
        // Warm start: copy the block's current rows.
        s.x.elements.withUnsafeMutableBufferPointer { xb in
            xb.baseAddress!.update(from: x.base + range.lowerBound * f, count: n * f)
        }
        // r = b − A x = Σ c y − (G + λ) x − Σ (c − α0)(y·x) y
        try BLAS.gemm(s.x, gram, into: &s.r)
        s.r.elements.withUnsafeMutableBufferPointer { rb in
            s.x.elements.withUnsafeBufferPointer { xb in
                for j in 0..<n {
                    let lam = lambdas[range.lowerBound + j]
                    let ru = rb.baseAddress! + j * f, xu = xb.baseAddress! + j * f
                    for k in 0..<f { ru[k] = -ru[k] - lam * xu[k] }
                }
            }
        }
        try SparseKernels.accumulateRank1(
            rows: range, rowStart: rowStart, indices: matrix.columnIndices, values: matrix.values, factors: fixed,
            input: s.x, output: &s.r, coefficients: .init(a: alpha, b: -alpha, c: a0))
        var rsold = [Float](repeating: 0, count: n)
        var active = [Bool](repeating: false, count: n)
        s.x.elements.withUnsafeMutableBufferPointer { xb in
            s.r.elements.withUnsafeBufferPointer { rb in
                s.p.elements.withUnsafeMutableBufferPointer { pb in
                    for j in 0..<n {
                        let u = range.lowerBound + j
                        let xu = xb.baseAddress! + j * f, ru = rb.baseAddress! + j * f, pu = pb.baseAddress! + j * f
                        if rowStart[u] == rowStart[u + 1] {
                            xu.update(repeating: 0, count: f)
                            pu.update(repeating: 0, count: f)
                            continue
                        }
                        pu.update(from: ru, count: f)
                        let rs = VectorKernels.dot(ru, ru, f)
                        rsold[j] = rs
                        active[j] = rs >= 1e-20
                    }
                }
            }
        }
        for _ in 0..<steps {
            guard active.contains(true) else { break }
            // Ap = (G + λ) p + Σ (c − α0)(y·p) y
            try BLAS.gemm(s.p, gram, into: &s.ap)
            s.ap.elements.withUnsafeMutableBufferPointer { apb in
                s.p.elements.withUnsafeBufferPointer { pb in
                    for j in 0..<n where active[j] {
                        let lam = lambdas[range.lowerBound + j]
                        let apu = apb.baseAddress! + j * f, pu = pb.baseAddress! + j * f
                        for k in 0..<f { apu[k] += lam * pu[k] }
                    }
                }
            }
            try SparseKernels.accumulateRank1(
                rows: range, rowStart: rowStart, indices: matrix.columnIndices, values: matrix.values,
                factors: fixed, input: s.p, output: &s.ap, active: active,
                coefficients: .init(a: 0, b: alpha, c: -a0))
            s.x.elements.withUnsafeMutableBufferPointer { xb in
                s.r.elements.withUnsafeMutableBufferPointer { rb in
                    s.p.elements.withUnsafeMutableBufferPointer { pb in
                        s.ap.elements.withUnsafeBufferPointer { apb in
                            for j in 0..<n where active[j] {
                                let xu = xb.baseAddress! + j * f, ru = rb.baseAddress! + j * f
                                let pu = pb.baseAddress! + j * f, apu = apb.baseAddress! + j * f
                                let pap = VectorKernels.dot(pu, apu, f)
                                guard pap > 0, pap.isFinite else {
                                    active[j] = false
                                    continue
                                }
                                let step = rsold[j] / pap
                                VectorKernels.axpy(step, pu, xu, f)
                                VectorKernels.axpy(-step, apu, ru, f)
                                let rsnew = VectorKernels.dot(ru, ru, f)
                                if rsnew < 1e-20 {
                                    active[j] = false
                                    continue
                                }
                                VectorKernels.xpby(ru, rsnew / rsold[j], pu, f)
                                rsold[j] = rsnew
                            }
                        }
                    }
                }
            }
        }
        s.x.elements.withUnsafeBufferPointer { xb in
            (x.base + range.lowerBound * f).update(from: xb.baseAddress!, count: n * f)
        }
    }

    /// The exact solution of each row's system by Cholesky (posv).
    func solveBlockCholesky(
        _ range: Range<Int>, x: SharedRows, y: SharedReadOnly<Float>, gram: Matrix<Float>, lambdas: [Float],
        scratch s: ALSScratch
    ) throws {
        let f = configuration.factors
        for u in range {
            let xu = x.base + u * f
            try ALSRowSystem.solve(
                entries: matrix.rowStart[u]..<matrix.rowStart[u + 1], columns: matrix.columnIndices,
                values: matrix.values, fixed: y.base, gram: gram, lambda: lambdas[u], configuration: configuration,
                system: &s.system, rhs: &s.rhs)
            s.rhs.withUnsafeBufferPointer { xu.update(from: $0.baseAddress!, count: f) }
        }
    }
}
