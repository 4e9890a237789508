import Foundation
import LearningStore
import LinearAlgebra
import Models

/// One live recommendation list.
struct LiveRecommendations: Sendable {
    struct Item: Sendable, Encodable {
        let course_id: String
        let title: String
        let score: Double
        let reason: String
    }
    /// How the learner's embedding was obtained.
    enum Embedding: String, Sendable, Encodable {
        /// The learner's row of the trained model (activity unchanged since training).
        case stored
        /// Folded in from `learner_features` (new learner, or activity since training).
        case folded_in
        /// No usable history: popularity within the catalog.
        case none
    }
    let version: String
    let modelKind: String
    let embedding: Embedding
    let items: [Item]
}

/// Live recommendations from a recommender snapshot and the learner's current `learner_features` rows: the stored
/// embedding when the learner's activity has not changed since training, else a fold-in from the rows (iALS's exact
/// least-squares step against the fixed course factors); courses the learner has are excluded; only courses the
/// catalog offers to the learner's organisation (`learner_features.org_id`) are candidates; each item carries its
/// reason ("because you took X": the history course contributing most to the score). Model compute runs on the
/// compute threads.
struct LiveRecommender: Sendable {
    let compute: ComputeThreads

    func recommend(_ snapshot: RecommenderSnapshot, learner: String, rows: [FeatureDocument], limit: Int) async throws
        -> LiveRecommendations
    {
        let courses = snapshot.courses
        let org = LearnerOrganisation.of(rows)
        let allowed = snapshot.catalog.mask(for: org)
        var taken = Set<Int>()
        var weights: [Int: Float] = [:]
        for r in rows {
            guard let c = courses.index(of: r.course_id) else { continue }
            taken.insert(c)
            let w = r.interactionWeight
            if w > 0 { weights[c, default: 0] += w }
        }
        let excluded = taken
        let history = weights.keys.sorted().map { HistoryItem(course: $0, weight: weights[$0]!) }
        let catalog = snapshot.catalog
        let popularReason = org.map { "popular in your organisation (\($0))" } ?? "popular with learners here"
        switch snapshot.engine {
        case .popularity(let model):
            let recs = model.recommend(k: limit, excluding: taken, allowed: allowed)
            return LiveRecommendations(
                version: snapshot.version.version, modelKind: snapshot.kindName, embedding: .none,
                items: recs.map { .init(course_id: courses.id(at: $0.course) ?? "", title: catalog.title($0.course),
                                        score: Double($0.score), reason: popularReason) })
        case .ials(let model):
            let trainedThrough = snapshot.version.data_window_end ?? snapshot.version.trained_at
            let changed = rows.contains { $0.as_of > trainedThrough.addingTimeInterval(1) }
                || rows.contains { courses.index(of: $0.course_id) == nil }
            let stored = changed ? nil : model.learners.index(of: learner)
            return try await compute.run {
                let embedding: [Float]
                let mode: LiveRecommendations.Embedding
                if let stored {
                    embedding = try model.learnerEmbedding(at: stored)
                    mode = .stored
                } else if !history.isEmpty {
                    embedding = try model.foldIn(history: history)
                    mode = .folded_in
                } else {
                    embedding = [Float](repeating: 0, count: model.factors)
                    mode = .none
                }
                let usable = embedding.contains { $0 != 0 }
                let recs = try model.recommend(embedding: embedding, k: limit, excluding: excluded, allowed: allowed)
                let reasons = usable && !history.isEmpty
                    ? try model.strongestReasons(history: history, courses: recs.map(\.course))
                    : recs.map { _ in nil }
                let items = zip(recs, reasons).map { r, why -> LiveRecommendations.Item in
                    let reason: String
                    if !usable || history.isEmpty {
                        reason = popularReason
                    } else if let why {
                        reason = "because you took \(catalog.title(why.course))"
                    } else {
                        reason = "popular with learners like you"
                    }
                    return .init(course_id: courses.id(at: r.course) ?? "", title: catalog.title(r.course), score: Double(r.score),
                                 reason: reason)
                }
                return LiveRecommendations(version: snapshot.version.version, modelKind: snapshot.kindName,
                                           embedding: usable ? mode : .none, items: items)
            }
        }
    }
}
