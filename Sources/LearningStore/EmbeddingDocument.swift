/// `learner_embeddings` / `course_embeddings`: one factor vector of one recommender version, key (tenant_id,
/// model_version, learner_id / course_id).
public struct EmbeddingDocument: Codable, Sendable, Equatable {
    public var learner_id: String?
    public var course_id: String?
    public var vector: [Float]
    public var model_version: String

    public init(learner_id: String?, course_id: String?, vector: [Float], model_version: String) {
        self.learner_id = learner_id
        self.course_id = course_id
        self.vector = vector
        self.model_version = model_version
    }
}
