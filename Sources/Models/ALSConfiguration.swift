/// The linear solver used for each row's least-squares problem.
public enum ALSSolverKind: Sendable, Codable, Equatable {
    /// Conjugate gradient warm-started from the previous iteration's row, `steps` steps per half-iteration
    /// (implicit's default is 3). Rows of a block run in lockstep so the Gram products are one sgemm per block.
    case conjugateGradient(steps: Int)
    /// The exact solution by Cholesky factorisation (posv) of each row's system.
    case cholesky
}

/// Hyperparameters of implicit-feedback ALS (Hu, Koren, Volinsky 2008; regularisation as in Rendle et al. 2021).
///
/// Loss minimised (`r` = summed interaction weight, `c = alpha · r` for observed pairs, `p = 1` observed / `0` not):
/// `Σ_observed c (1 − xᵀy)² + unobservedWeight · Σ_unobserved (xᵀy)² + Σ_u λ_u ‖x_u‖² + Σ_i λ_i ‖y_i‖²` with
/// `λ_u = regularization · (n_u + unobservedWeight · courseCount)^regularizationExponent`.
///
/// Mapping to implicit 0.7.3's `AlternatingLeastSquares`: `factors`, `iterations`, `regularization` (with
/// `regularizationExponent = 0`) and `alpha` mean the same (implicit multiplies the matrix by `alpha` and uses it as
/// the confidence of observed pairs, with weight 1 for unobserved pairs, i.e. `unobservedWeight = 1`).
public struct ALSConfiguration: Sendable, Codable, Equatable {
    /// Embedding dimension.
    public var factors: Int = 64
    /// Full iterations (learner half + course half).
    public var iterations: Int = 15
    /// λ.
    public var regularization: Float = 0.01
    /// Confidence scale: observed pairs get confidence `alpha · r`.
    public var alpha: Float = 1
    /// α0, the weight of unobserved pairs.
    public var unobservedWeight: Float = 1
    /// ν in `λ · (n + α0 · N)^ν`; 0 gives a constant λ (implicit's behaviour).
    public var regularizationExponent: Float = 0
    /// Per-row solver.
    public var solver: ALSSolverKind = .conjugateGradient(steps: 3)
    /// OS threads over row blocks (BLAS itself stays on one thread).
    public var threads: Int = 2
    /// Seed of the initialisation; training is deterministic for a seed (and does not depend on `threads`).
    public var seed: UInt64 = 42
    /// Rows solved together (one sgemm per CG step per block).
    public var blockSize: Int = 128
    /// Compute the training loss after each iteration (one extra pass over the data).
    public var computeLoss: Bool = true
    /// Initial factors are `N(0, 1) · initScale / √factors`.
    public var initScale: Float = 0.1

    /// The defaults: 64 factors, 15 iterations, λ 0.01, α 1, α0 1, ν 0, CG with 3 steps, 2 threads.
    public init() {}

    /// Throws ``ModelsError/invalidConfiguration(_:)`` for out-of-range values.
    public func validate() throws {
        func fail(_ m: String) -> ModelsError { .invalidConfiguration(m) }
        guard factors >= 1, factors <= 4096 else { throw fail("factors must be in 1...4096 (got \(factors))") }
        guard iterations >= 0 else { throw fail("iterations must be ≥ 0") }
        guard regularization >= 0, regularization.isFinite else { throw fail("regularization must be ≥ 0") }
        guard alpha > 0, alpha.isFinite else { throw fail("alpha must be > 0") }
        guard unobservedWeight >= 0, unobservedWeight.isFinite else { throw fail("unobservedWeight must be ≥ 0") }
        guard regularizationExponent.isFinite else { throw fail("regularizationExponent must be finite") }
        guard threads >= 1, threads <= 256 else { throw fail("threads must be in 1...256") }
        guard blockSize >= 1 else { throw fail("blockSize must be ≥ 1") }
        guard initScale > 0, initScale.isFinite else { throw fail("initScale must be > 0") }
        if case let .conjugateGradient(steps) = solver, steps < 1 { throw fail("CG steps must be ≥ 1") }
    }

    /// `λ · (n + α0 · otherSideCount)^ν`.
    func rowRegularization(count n: Int, otherSideCount: Int) -> Float {
        if regularizationExponent == 0 { return regularization }
        let base = Double(n) + Double(unobservedWeight) * Double(otherSideCount)
        return Float(Double(regularization) * mathPow(max(base, 1e-12), Double(regularizationExponent)))
    }
}
