public import LinearAlgebra

/// L2-regularised logistic regression fitted by Newton's method (IRLS): each iteration is one pass over row blocks
/// computing the loss, the gradient (gemv) and the Hessian `ZᵀWZ` (rows scaled by `√w`, then syrk), followed by a
/// Cholesky solve of the (d+1)×(d+1) system. Features are standardised inside the model.
///
/// ```swift
/// let model = try LogisticRegression.fit(features: x, labels: y, featureNames: names,
///                                        configuration: LogisticRegressionConfiguration(c: 1))
/// let risk = try model.predict(row)   // probability, band, contributions
/// ```
public enum LogisticRegression {
    /// Fits on a raw feature matrix (rows × features) and 0/1 labels.
    ///
    /// `prior`, when given, holds one weight per feature over *raw* features (a pooled model's
    /// ``LogisticRegressionModel/rawCoefficients``): the L2 penalty then pulls the weights towards it instead of
    /// towards zero (`(l2/2)·‖w − w₀‖²` over standardised features, `w₀ = prior ⊙ scales`), which shrinks a model
    /// fitted on few rows towards the prior and leaves one fitted on many rows to its data.
    ///
    /// `rows`, when given, fits on those rows of `x` only (in that order; `labels` then has one label per entry):
    /// a subset without copying the matrix.
    public static func fit(
        features x: Matrix<Float>, labels: [Float], featureNames: [String]? = nil,
        configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration(),
        bands: RiskBands = .standard, prior: [Double]? = nil, rows: [Int]? = nil, cancellation: CancellationFlag? = nil
    ) throws -> LogisticRegressionModel {
        guard x.isWellFormed else { throw ModelsError.shapeMismatch("features \(x.shapeDescription)") }
        return try fit(design: DesignRows(x), labels: labels, featureNames: featureNames, configuration: configuration,
                       bands: bands, prior: prior, rows: rows, cancellation: cancellation)
    }

    /// Fits on the rows of a ``DesignRows`` (rows sharing stored values); otherwise as ``fit(features:labels:featureNames:configuration:bands:prior:rows:cancellation:)``.
    public static func fit(
        design x: DesignRows, labels: [Float], featureNames: [String]? = nil,
        configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration(),
        bands: RiskBands = .standard, prior: [Double]? = nil, rows: [Int]? = nil, cancellation: CancellationFlag? = nil
    ) throws -> LogisticRegressionModel {
        try configuration.validate()
        let n = rows?.count ?? x.rows, d = x.columns
        if let rows, rows.contains(where: { !(0..<x.rows).contains($0) }) {
            throw ModelsError.shapeMismatch("row subset outside the \(x.rows) rows of the features")
        }
        let names = featureNames ?? (0..<d).map { "x\($0)" }
        guard labels.count == n, names.count == d else {
            throw ModelsError.shapeMismatch("features \(x.shapeDescription), \(labels.count) labels, \(names.count) names")
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw ModelsError.invalidConfiguration("labels must be 0 or 1")
        }
        guard n > 0, d > 0 else { throw ModelsError.shapeMismatch("need at least one row and one feature") }
        if !x.isFinite {
            throw ModelsError.invalidConfiguration("features must be finite")
        }
        let positives = labels.reduce(0) { $0 + Int($1) }
        let (wNeg, wPos): (Double, Double)
        switch configuration.classWeighting {
        case .none: (wNeg, wPos) = (1, 1)
        case .balanced:
            guard positives > 0, positives < n else {
                throw ModelsError.invalidConfiguration("balanced class weights need both classes")
            }
            (wNeg, wPos) = (Double(n) / (2 * Double(n - positives)), Double(n) / (2 * Double(positives)))
        case let .custom(neg, pos): (wNeg, wPos) = (neg, pos)
        }
        if let prior {
            guard prior.count == d, prior.allSatisfy(\.isFinite) else {
                throw ModelsError.shapeMismatch("prior of \(prior.count) weights for \(d) features (all finite)")
            }
        }
        let data = try StandardisedBlocks(x, rows: rows, blockSize: configuration.blockSize, threads: configuration.threads,
                                          cancellation: cancellation)
        let center = prior.map { zip($0, data.scales).map { $0 * $1 } } ?? [Double](repeating: 0, count: d)
        let p = d + 1
        // Start from the (weighted) base rate in the intercept.
        let sw = Double(n - positives) * wNeg + Double(positives) * wPos
        let rate = min(max(Double(positives) * wPos / sw, 1e-6), 1 - 1e-6)
        var theta = [Double](repeating: 0, count: p)
        theta[d] = mathLog(rate / (1 - rate))
        var history: [Double] = []
        var pass = try evaluate(theta, data, labels, wNeg, wPos, configuration, cancellation)
        var objective = pass.loss + penalty(theta, center, configuration.l2)
        for _ in 0..<configuration.maxIterations {
            var h = pass.hessian, g = pass.gradient
            for j in 0..<d {
                h[j, j] += configuration.l2
                g[j] += configuration.l2 * (theta[j] - center[j])
            }
            for j in 0..<p { h[j, j] += 1e-10 * max(1, h[j, j]) }
            let step: [Double]
            do {
                step = try Cholesky.solve(h, g)
            } catch LinearAlgebraError.notPositiveDefinite {
                throw ModelsError.trainingFailed("Hessian is not positive definite; increase l2")
            }
            // Newton decrement gᵀH⁻¹g / 2: the predicted decrease. Once it is negligible the step is taken without
            // another pass over the data and the fit stops.
            let decrement = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 } / 2
            if decrement <= 1e-10 * max(1, abs(objective)) {
                theta = zip(theta, step).map { $0 - $1 }
                history.append(objective - decrement)
                break
            }
            // Newton step with halving when the objective does not decrease.
            var scale = 1.0
            var accepted = false
            while scale >= 1.0 / 1024 {
                let candidate = zip(theta, step).map { $0 - scale * $1 }
                let next = try evaluate(candidate, data, labels, wNeg, wPos, configuration, cancellation)
                let obj = next.loss + penalty(candidate, center, configuration.l2)
                if obj <= objective + 1e-12 * abs(objective) {
                    theta = candidate
                    pass = next
                    objective = obj
                    accepted = true
                    break
                }
                scale /= 2
            }
            history.append(objective)
            let largest = step.map { abs($0) * scale }.max() ?? 0
            if !accepted || largest < configuration.tolerance { break }
        }
        return try LogisticRegressionModel(
            featureNames: names, weights: Array(theta[0..<d]), intercept: theta[d], means: data.means,
            scales: data.scales, configuration: configuration, bands: bands, objectiveHistory: history)
    }

    static func penalty(_ theta: [Double], _ center: [Double], _ l2: Double) -> Double {
        0.5 * l2 * zip(theta, center).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    struct Pass {
        var loss: Double
        var gradient: [Double]
        var hessian: Matrix<Double>
    }

    /// One pass: loss, gradient and Hessian of the unpenalised weighted logistic loss at `theta`.
    static func evaluate(
        _ theta: [Double], _ data: StandardisedBlocks, _ labels: [Float], _ wNeg: Double, _ wPos: Double,
        _ configuration: LogisticRegressionConfiguration, _ cancellation: CancellationFlag?
    ) throws -> Pass {
        let p = theta.count
        let thetaF = theta.map { Float($0) }
        let slots = Slots<Pass?>(data.blockCount, initial: nil)
        try parallelFor(blocks: data.blockCount, threads: configuration.threads, cancellation: cancellation) { b, _ in
            let z = data.block(b)
            let rows = z.rows, offset = b * data.blockSize
            let logits = try BLAS.gemv(z, thetaF)
            var gcoef = [Float](repeating: 0, count: rows)
            var scaled = z
            var loss = 0.0
            scaled.elements.withUnsafeMutableBufferPointer { sb in
                for i in 0..<rows {
                    let y = Double(labels[offset + i])
                    let w = y == 1 ? wPos : wNeg
                    let zi = Double(logits[i])
                    // One exponential serves both the probability and the loss.
                    let e = mathExp(-abs(zi))
                    let pr = zi >= 0 ? 1 / (1 + e) : e / (1 + e)
                    loss += w * (max(zi, 0) + mathLog1p(e) - y * zi)
                    gcoef[i] = Float(w * (pr - y))
                    let root = Float((w * pr * (1 - pr)).squareRoot())
                    let row = sb.baseAddress! + i * p
                    for j in 0..<p { row[j] *= root }
                }
            }
            let grad = try BLAS.gemv(z, transpose: true, gcoef)
            let hess = try BLAS.gram(scaled)
            slots.set(b, Pass(loss: loss, gradient: grad.map(Double.init),
                              hessian: Matrix(rows: p, columns: p) { Double(hess[$0, $1]) }))
        }
        var total = Pass(loss: 0, gradient: [Double](repeating: 0, count: p), hessian: Matrix(rows: p, columns: p))
        for part in slots.values {
            guard let part else { continue }
            total.loss += part.loss
            for j in 0..<p { total.gradient[j] += part.gradient[j] }
            for j in 0..<(p * p) { total.hessian.elements[j] += part.hessian.elements[j] }
        }
        return total
    }
}

/// The standardised design matrix `[ (x − mean) / std, 1 ]`, in row blocks (Float32) built when a pass needs them:
/// means and scales are computed once per fit, and each pass standardises one block per worker into a fresh buffer
/// instead of keeping a standardised copy of the whole design (as large as the features: ~200 MB for the nightly
/// person-period rows of a 200k-learner tenant). The extra work is O(rows × columns) a pass, next to the Hessian's
/// O(rows × columns²); the values are the same operations on the same inputs as a stored copy's.
struct StandardisedBlocks: Sendable {
    let source: DesignRows
    let subset: [Int]?
    let rowCount: Int
    let blockCount: Int
    let blockSize: Int
    let means: [Double]
    let scales: [Double]
    let meanF: [Float]
    let invF: [Float]

    /// `rows`: the rows of `x` to use, in order (all when nil).
    init(_ x: DesignRows, rows subset: [Int]? = nil, blockSize: Int, threads: Int, cancellation: CancellationFlag?) throws {
        let n = subset?.count ?? x.rows, d = x.columns
        let count = (n + blockSize - 1) / blockSize
        // Means and variances from per-block sums (Double), added in block order.
        let sums = Slots<[Double]>(count, initial: [])
        try parallelFor(blocks: count, threads: threads, cancellation: cancellation) { b, _ in
            var s = [Double](repeating: 0, count: 2 * d)
            var scratch = [Float](repeating: 0, count: d)
            x.withRowCopier { copy in
                scratch.withUnsafeMutableBufferPointer { rb in
                    let row = rb.baseAddress!
                    for i in (b * blockSize)..<min(n, (b + 1) * blockSize) {
                        copy(subset?[i] ?? i, row)
                        for j in 0..<d {
                            let v = Double(row[j])
                            s[j] += v
                            s[d + j] += v * v
                        }
                    }
                }
            }
            sums.set(b, s)
        }
        var total = [Double](repeating: 0, count: 2 * d)
        for s in sums.values { for j in 0..<(2 * d) { total[j] += s[j] } }
        let means = (0..<d).map { total[$0] / Double(n) }
        let scales = (0..<d).map { j -> Double in
            let v = max(0, total[d + j] / Double(n) - means[j] * means[j])
            let s = v.squareRoot()
            return s > 1e-12 * max(1, abs(means[j])) ? s : 1
        }
        self.source = x
        self.subset = subset
        self.rowCount = n
        self.blockCount = count
        self.blockSize = blockSize
        self.means = means
        self.scales = scales
        self.meanF = means.map { Float($0) }
        self.invF = scales.map { Float(1 / $0) }
    }

    /// Block `b` of the standardised design: rows `b·blockSize ..< min(n, (b+1)·blockSize)`, the last column 1.
    func block(_ b: Int) -> Matrix<Float> {
        let d = source.columns
        let lo = b * blockSize, hi = min(rowCount, lo + blockSize)
        var m = Matrix<Float>(rows: hi - lo, columns: d + 1)
        source.withRowCopier { copy in
            m.elements.withUnsafeMutableBufferPointer { mb in
                meanF.withUnsafeBufferPointer { mean in
                    invF.withUnsafeBufferPointer { inv in
                        for i in lo..<hi {
                            let dst = mb.baseAddress! + (i - lo) * (d + 1)
                            copy(subset?[i] ?? i, dst)
                            for j in 0..<d { dst[j] = (dst[j] - mean[j]) * inv[j] }
                            dst[d] = 1
                        }
                    }
                }
            }
        }
        return m
    }
}
