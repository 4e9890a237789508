public import LinearAlgebra

/// A trained implicit-feedback ALS model: learner and course embeddings plus what is needed to use them.
///
/// ```swift
/// var config = ALSConfiguration()
/// config.factors = 32
/// let model = try ALSModel.fit(interactions, configuration: config)
/// let recs = try model.recommend(learners: [0], k: 10, excluding: interactions.byLearner)
/// ```
public struct ALSModel: Sendable {
    /// Hyperparameters used for training.
    public let configuration: ALSConfiguration
    /// Learner ids ↔ rows of ``learnerFactors``.
    public let learners: IDMap
    /// Course ids ↔ rows of ``courseFactors``.
    public let courses: IDMap
    /// Learner embeddings (learners × factors).
    public internal(set) var learnerFactors: Matrix<Float>
    /// Course embeddings (courses × factors).
    public internal(set) var courseFactors: Matrix<Float>
    /// Number of learners per course in the training data (popularity fallback).
    public let coursePopularity: [Int]
    /// Training loss after each iteration (empty when `computeLoss` is off).
    public let lossHistory: [Double]
    /// Named training metrics (filled by the caller, for instance evaluation results); saved in artifacts.
    public var metrics: [String: Double]
    /// `α0 · VᵀV`, cached for fold-in and explain.
    let courseGram: Matrix<Float>

    /// A model from existing factors (for instance loaded from an artifact); checks shapes.
    public init(
        configuration: ALSConfiguration, learners: IDMap, courses: IDMap, learnerFactors: Matrix<Float>,
        courseFactors: Matrix<Float>, coursePopularity: [Int], lossHistory: [Double] = [], metrics: [String: Double] = [:]
    ) throws {
        try configuration.validate()
        let f = configuration.factors
        guard learnerFactors.isWellFormed, courseFactors.isWellFormed,
              learnerFactors.columns == f, courseFactors.columns == f,
              learnerFactors.rows == learners.count, courseFactors.rows == courses.count,
              coursePopularity.count == courses.count
        else {
            throw ModelsError.shapeMismatch(
                "ALS model: \(f) factors, learners \(learners.count) / \(learnerFactors.shapeDescription), "
                    + "courses \(courses.count) / \(courseFactors.shapeDescription), popularity \(coursePopularity.count)")
        }
        self.configuration = configuration
        self.learners = learners
        self.courses = courses
        self.learnerFactors = learnerFactors
        self.courseFactors = courseFactors
        self.coursePopularity = coursePopularity
        self.lossHistory = lossHistory
        self.metrics = metrics
        var g = try BLAS.gram(courseFactors)
        if configuration.unobservedWeight != 1 {
            for i in g.elements.indices { g.elements[i] *= configuration.unobservedWeight }
        }
        self.courseGram = g
    }

    /// Number of factors.
    public var factors: Int { configuration.factors }

    /// The score `x_uᵀ y_i` of one learner for one course.
    public func score(learner: Int, course: Int) throws -> Float {
        guard learner >= 0, learner < learnerFactors.rows else {
            throw ModelsError.unknownIdentifier("learner index \(learner)")
        }
        guard course >= 0, course < courseFactors.rows else {
            throw ModelsError.unknownIdentifier("course index \(course)")
        }
        return zip(learnerFactors.row(learner), courseFactors.row(course)).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
