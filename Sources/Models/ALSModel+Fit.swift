public import LinearAlgebra
import LearningEvents

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
        var rng = SplitMix64(seed: configuration.seed)
        let scale = Double(configuration.initScale) / Double(f).squareRoot()
        var x = Matrix<Float>(rows: data.learnerCount, columns: f)
        var y = Matrix<Float>(rows: data.courseCount, columns: f)
        for i in y.elements.indices { y.elements[i] = Float(rng.normal() * scale) }
        for i in x.elements.indices { x.elements[i] = Float(rng.normal() * scale) }
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
