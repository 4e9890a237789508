public import LinearAlgebra

extension ALSModel {
    /// Trains on `data` (learner-major weights `r`), alternating learner and course half-iterations.
    ///
    /// Runs on the calling thread plus `threads − 1` OS threads; the result is the same for a seed whatever the thread
    /// count. `cancellation` is checked between row blocks (a set flag throws `CancellationError`). `progress` is called
    /// after each iteration with its number and the loss (when computed).
    public static func fit(
        _ data: Interactions, configuration: ALSConfiguration, cancellation: CancellationFlag? = nil,
        progress: ((_ iteration: Int, _ loss: Double?) -> Void)? = nil
    ) throws -> ALSModel {
        try configuration.validate()
        if let bad = data.byLearner.values.first(where: { !$0.isFinite }) {
            throw ModelsError.invalidConfiguration("interaction weights must be finite (found \(bad))")
        }
        let f = configuration.factors
        var rng = SeededGenerator(seed: configuration.seed)
        let scale = Double(configuration.initScale) / Double(f).squareRoot()
        var x = Matrix<Float>(rows: data.learnerCount, columns: f)
        var y = Matrix<Float>(rows: data.courseCount, columns: f)
        for i in y.elements.indices { y.elements[i] = Float(rng.nextNormal() * scale) }
        for i in x.elements.indices { x.elements[i] = Float(rng.nextNormal() * scale) }
        let learnerStep = ALSHalfStep(matrix: data.byLearner, configuration: configuration)
        let courseStep = ALSHalfStep(matrix: data.byCourse, configuration: configuration)
        var losses: [Double] = []
        for iteration in 0..<configuration.iterations {
            try learnerStep.run(target: &x, fixed: y, cancellation: cancellation)
            try courseStep.run(target: &y, fixed: x, cancellation: cancellation)
            var loss: Double?
            if configuration.computeLoss {
                let l = try ALSLoss.compute(data: data, learnerFactors: x, courseFactors: y,
                                            configuration: configuration, cancellation: cancellation)
                losses.append(l)
                loss = l
            }
            progress?(iteration + 1, loss)
        }
        try cancellation?.check()
        return try ALSModel(
            configuration: configuration, learners: data.learners, courses: data.courses, learnerFactors: x,
            courseFactors: y, coursePopularity: data.coursePopularity, lossHistory: losses)
    }

    /// ``fit(_:configuration:cancellation:progress:)`` on a dedicated thread; cancelling the task stops training at
    /// the next row block with `CancellationError`.
    public static func fit(_ data: Interactions, configuration: ALSConfiguration) async throws -> ALSModel {
        try await runOnDedicatedThread { flag in try fit(data, configuration: configuration, cancellation: flag) }
    }

    /// The training loss of this model's factors on `data` (see ``ALSConfiguration`` for the formula).
    public func loss(on data: Interactions) throws -> Double {
        try ALSLoss.compute(data: data, learnerFactors: learnerFactors, courseFactors: courseFactors,
                            configuration: configuration, cancellation: nil)
    }
}

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

/// One slot per index for results computed in parallel blocks, read back in index order so results do not depend
/// on thread scheduling.
///
/// @unchecked Sendable: during `parallelFor` each block writes only its own slots (disjoint memory); `values` is read
/// after `parallelFor` has joined its threads.
final class Slots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T>

    init(_ count: Int, initial: T) {
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: initial)
        self.count = count
    }

    let count: Int

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ i: Int, _ v: T) { slots[i] = v }

    var values: [T] { Array(slots.prefix(count)) }
}
