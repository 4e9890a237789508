/// How classes are weighted in the logistic loss.
public enum ClassWeighting: Sendable, Codable, Equatable {
    /// Every row weighs 1.
    case none
    /// `n / (2 · n_class)` per class, as scikit-learn's `class_weight="balanced"`.
    case balanced
    /// Explicit weights for the negative (0) and positive (1) class.
    case custom(negative: Double, positive: Double)
}

/// Hyperparameters of L2-regularised logistic regression fitted by Newton's method (IRLS).
///
/// Objective: `Σ_i s_i · logloss_i + (l2 / 2) · ‖w‖²` over standardised features (the intercept is not penalised),
/// where `s_i` is the row's class weight. scikit-learn's `C` is `1 / l2` (its objective is
/// `C · Σ logloss + ½‖w‖²`); with a `StandardScaler` in front, the two fit the same model.
public struct LogisticRegressionConfiguration: Sendable, Codable, Equatable {
    /// L2 penalty on the standardised weights (scikit-learn's `1 / C`).
    public var l2: Double = 1
    /// Class weights.
    public var classWeighting: ClassWeighting = .none
    /// Newton iterations at most.
    public var maxIterations: Int = 50
    /// Stop when the largest Newton step component falls below this.
    public var tolerance: Double = 1e-7
    /// OS threads over row blocks.
    public var threads: Int = 2
    /// Rows per block (one gemv and one syrk per block and iteration).
    public var blockSize: Int = 4096

    /// Defaults: l2 = 1 (C = 1), no class weights, 50 iterations, tolerance 1e-7, 2 threads.
    public init() {}

    /// A configuration with scikit-learn's `C`.
    public init(c: Double) {
        self.init()
        l2 = 1 / c
    }

    /// Throws ``ModelsError/invalidConfiguration(_:)`` for out-of-range values.
    public func validate() throws {
        guard l2 >= 0, l2.isFinite else { throw ModelsError.invalidConfiguration("l2 must be ≥ 0 and finite") }
        guard maxIterations >= 1 else { throw ModelsError.invalidConfiguration("maxIterations must be ≥ 1") }
        guard tolerance > 0 else { throw ModelsError.invalidConfiguration("tolerance must be > 0") }
        guard threads >= 1, threads <= 256 else { throw ModelsError.invalidConfiguration("threads must be in 1...256") }
        guard blockSize >= 1 else { throw ModelsError.invalidConfiguration("blockSize must be ≥ 1") }
        if case let .custom(n, p) = classWeighting, !(n > 0 && p > 0 && n.isFinite && p.isFinite) {
            throw ModelsError.invalidConfiguration("class weights must be > 0")
        }
    }
}
