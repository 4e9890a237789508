import Foundation
import LearningStore
import LinearAlgebra
import Models

/// Live recommendations through the one engine (`LearnerRecommender`, as the batch and the consumer rank): the
/// learner's stored embedding when its activity has not changed since training, else a fold-in from its current
/// `learner_features` rows; the tenant's rules and the learner's dismissals; the catalog's visibility for the
/// learner's organisation. Model compute runs on the compute threads.
struct LiveRecommender: Sendable {
    let compute: ComputeThreads

    func recommend(_ snapshot: RecommenderSnapshot, learner: String, rows: [FeatureDocument], rules: VersionedRules,
                   dismissed: [String: Date], limit: Int, now: Date) async throws -> LearnerRecommender.List {
        let engine = snapshot.recommender
        let context = LearnerContext(learner: learner, rows: rows, courses: engine.catalog.courses, dismissed: dismissed)
        var stored: Int?
        if let model = snapshot.model {
            let trainedThrough = snapshot.version.data_window_end ?? snapshot.version.trained_at
            let changed = rows.contains { $0.as_of > trainedThrough.addingTimeInterval(1) }
                || rows.contains { model.courses.index(of: $0.course_id) == nil }
            stored = changed ? nil : model.learners.index(of: learner)
        }
        let row = stored
        return try await compute.run { try engine.recommend(context, rules: rules, k: limit, storedRow: row, now: now) }
    }
}
