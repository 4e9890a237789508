import Foundation
import LearningStore
import LinearAlgebra
import Models
import Synchronization

/// Builds the top-K lists of a tenant's learners through the one engine (`LearnerRecommender`, as the consumer and
/// the API do): each learner's stored embedding scored against every course, the learner's completed and started
/// courses and dismissals, the tenant's rules and the catalog. Pure compute: callers run it on a dedicated thread.
struct RecommendationLists: Sendable {
    let agg: TenantAggregator
    let engine: LearnerRecommender
    let rules: VersionedRules
    let model: ALSModel?
    let data: Interactions
    /// Per learner index: completed and started course ids at the score cutoff.
    let completed: [Set<String>]
    let started: [Set<String>]
    /// Learner id → course → end of its dismissal.
    let dismissals: [String: [String: Date]]
    /// The run's clock (rule windows, expiry, dismissals).
    let now: Date
    /// Threads a chunk's learners are ranked on.
    let threads: Int

    init(agg: TenantAggregator, engine: LearnerRecommender, rules: VersionedRules, model: ALSModel?, data: Interactions,
         dismissals: [String: [String: Date]], now: Date, threads: Int, lessonCount: (Int) -> Int?) {
        self.agg = agg
        self.engine = engine
        self.rules = rules
        self.model = model
        self.data = data
        self.dismissals = dismissals
        self.now = now
        self.threads = max(1, threads)
        var completed = [Set<String>](repeating: [], count: agg.learners.count)
        var started = [Set<String>](repeating: [], count: agg.learners.count)
        for e in 0..<agg.enrolmentCount {
            guard let row = agg.featureRow(e, at: .score, lessonCount: lessonCount) else { continue }
            let id = agg.courses[row.course]
            if row.features.completed { completed[row.learner].insert(id) } else { started[row.learner].insert(id) }
        }
        self.completed = completed
        self.started = started
    }

    /// The learners in chunks of at most `size`.
    func chunks(size: Int) -> [Range<Int>] {
        stride(from: 0, to: agg.learners.count, by: max(1, size)).map { $0..<min(agg.learners.count, $0 + max(1, size)) }
    }

    /// The learner's context, as `LearnerContext(learner:rows:courses:)` builds it from the documents the run writes.
    func context(_ l: Int) -> LearnerContext {
        let history = data.byLearner.entries(inRow: l).filter { $0.weight > 0 }.map { HistoryItem(course: $0.column, weight: $0.weight) }
        let id = agg.learners[l]
        return LearnerContext(learnerID: id, org: agg.learnerOrgs[l], history: history, completed: completed[l], started: started[l],
                              dismissedUntil: dismissals[id] ?? [:])
    }

    /// The recommendation documents of one chunk of learners, ranked in blocks on `threads` threads.
    func documents(for learners: Range<Int>, version: String, kind: String, computedAt: Date,
                   cancellation: CancellationFlag) throws -> [RecommendationDocument] {
        let block = 256
        let blocks = (learners.count + block - 1) / block
        let out = Mutex([RecommendationDocument?](repeating: nil, count: learners.count))
        try parallelFor(blocks: blocks, threads: threads, cancellation: cancellation) { b, _ in
            let lo = learners.lowerBound + b * block, hi = min(learners.upperBound, lo + block)
            var docs: [RecommendationDocument] = []
            docs.reserveCapacity(hi - lo)
            for l in lo..<hi { docs.append(try document(l, version: version, kind: kind, computedAt: computedAt)) }
            out.withLock { o in for (j, d) in docs.enumerated() { o[lo - learners.lowerBound + j] = d } }
        }
        return out.withLock { $0.compactMap { $0 } }
    }

    /// One learner's document: the stored embedding scored against every course, ranked by the engine.
    func document(_ l: Int, version: String, kind: String, computedAt: Date) throws -> RecommendationDocument {
        let learner = context(l)
        let list: LearnerRecommender.List
        if let model {
            let x = try model.learnerEmbedding(at: l)
            if learner.hasHistory, x.contains(where: { $0 != 0 }) {
                list = try engine.rank(learner, scores: try BLAS.gemv(model.courseFactors, x), embedding: .stored, rules: rules, now: now)
            } else {
                list = try engine.rank(learner, scores: nil, embedding: .none, rules: rules, now: now)
            }
        } else {
            list = try engine.rank(learner, scores: nil, embedding: .none, rules: rules, now: now)
        }
        return RecommendationDocument(learner_id: learner.learnerID, list: list, model_version: version, model_kind: kind,
                                      computed_at: computedAt)
    }
}
