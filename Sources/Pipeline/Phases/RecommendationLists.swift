import Foundation
import LearningStore
import LinearAlgebra
import Models

/// Builds the top-K lists of a tenant's learners, organisation by organisation (each organisation sees its own
/// part of the catalog), with a reason per item. Pure compute: callers run it on a dedicated thread.
struct RecommendationLists: Sendable {
    let agg: TenantAggregator
    let catalog: Catalog
    let tenant: String
    let model: ALSModel?
    let data: Interactions
    let popularOrder: [Int]
    let popularity: [Int]
    let topK: Int

    /// A slice of one organisation's learners.
    struct Chunk: Sendable {
        let org: String?
        let members: [Int]
    }

    /// The learners grouped by organisation (sorted), cut into chunks of at most `size`.
    func chunks(size: Int) -> [Chunk] {
        var groups: [String?: [Int]] = [:]
        for l in 0..<agg.learners.count { groups[agg.learnerOrgs[l], default: []].append(l) }
        var out: [Chunk] = []
        for (org, group) in groups.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            for lo in stride(from: 0, to: group.count, by: max(1, size)) {
                out.append(Chunk(org: org, members: Array(group[lo..<min(group.count, lo + size)])))
            }
        }
        return out
    }

    /// The recommendation documents of one chunk.
    func documents(for chunk: Chunk, version: String, kind: String, computedAt: Date,
                   cancellation: CancellationFlag) throws -> [RecommendationDocument] {
        let m = agg.courses.count
        let allowed: Set<Int>? = catalog.isProvided
            ? Set((0..<m).filter { catalog.isRecommendable(tenant: tenant, course: agg.courses[$0], org: chunk.org) }) : nil
        let lists: [[Recommendation]]
        if let model {
            lists = try model.recommend(learners: chunk.members, k: topK, excluding: data.byLearner, candidates: allowed)
        } else {
            lists = chunk.members.map { l in
                let seen = Set(data.byLearner.entries(inRow: l).map(\.column))
                return Array(popularOrder.lazy.filter { !seen.contains($0) && (allowed?.contains($0) ?? true) }
                    .prefix(topK).map { Recommendation(course: $0, score: Float(popularity[$0])) })
            }
        }
        var out: [RecommendationDocument] = []
        out.reserveCapacity(chunk.members.count)
        for (l, list) in zip(chunk.members, lists) {
            try cancellation.check()
            let history = data.byLearner.entries(inRow: l).map { HistoryItem(course: $0.column, weight: $0.weight) }
            let items = try list.map { r -> RecommendationDocument.Item in
                RecommendationDocument.Item(course_id: agg.courses[r.course], score: Double(r.score),
                                            reason: try reason(history: history, course: r.course, org: chunk.org))
            }
            out.append(RecommendationDocument(learner_id: agg.learners[l], items: items, model_version: version,
                                              model_kind: kind, computed_at: computedAt))
        }
        return out
    }

    /// "because you took X" from the history item contributing most to the score (Hu et al. §5), or popularity.
    func reason(history: [HistoryItem], course: Int, org: String?) throws -> String {
        guard let model, !history.isEmpty else {
            return org.map { "popular in your organisation (\($0))" } ?? "popular with learners here"
        }
        guard let top = try model.explain(history: history, course: course).first, top.contribution > 0 else {
            return "popular with learners like you"
        }
        return "because you took \(catalog.title(tenant: tenant, id: agg.courses[top.course]))"
    }
}
