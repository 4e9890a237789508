import Foundation
import LinearAlgebra
import Models
import MongoStore

/// The recommender phase of one tenant: iALS (or popularity for small tenants), held-out evaluation against a
/// popularity baseline, embeddings and top-K recommendations with reasons, published as one version.
struct Recommender {
    let job: RefreshJob
    let agg: TenantAggregator
    let tenant: TenantID
    let catalog: Catalog

    func run(writeRecommendations: Bool, summary: inout TenantSummary, report: inout TenantReport) async throws {
        let opts = job.options
        let n = agg.learners.count, m = agg.courses.count
        let triples = agg.interactions(at: .score)
        let learners = try IDMap(ordered: agg.learners), courses = try IDMap(ordered: agg.courses)
        let data = try Interactions(triplets: triples.map { ($0.learner, $0.course, $0.confidence) }, learnerCount: n,
                                    courseCount: m, learners: learners, courses: courses)
        let popularity = (0..<m).map { data.byCourse.count(inRow: $0) }
        let popularOrder = (0..<m).sorted { (popularity[$0], $1) > (popularity[$1], $0) }
        report.popularity = popularOrder.prefix(12).map { (catalog.title(tenant: agg.tenant, id: agg.courses[$0]), popularity[$0]) }

        let usePopularity = n < opts.minLearnersForModel || triples.isEmpty
        var config = opts.als
        config.seed = opts.seed
        var metrics: [String: Double] = [:]
        if opts.evaluate && !usePopularity {
            try await evaluate(data: data, config: config, metrics: &metrics)
        }
        summary.ndcg10 = metrics["ndcg10"]
        summary.precision10 = metrics["precision10"]
        summary.popularityNDCG10 = metrics["popularity_ndcg10"]
        summary.popularityPrecision10 = metrics["popularity_precision10"]
        report.ndcg10 = summary.ndcg10
        report.precision10 = summary.precision10
        report.popularityNDCG10 = summary.popularityNDCG10
        report.popularityPrecision10 = summary.popularityPrecision10

        let kind = usePopularity ? "popularity" : "ials"
        summary.recommenderKind = kind
        summary.interactions = data.byLearner.nonZeroCount
        summary.factors = usePopularity ? 0 : config.factors
        if usePopularity {
            summary.notes.append("\(n) learners (< \(opts.minLearnersForModel)): popularity recommendations, no embeddings")
        }
        let model: ALSModel? = usePopularity ? nil : try await ALSModel.fit(data, configuration: config)
        if let model, let last = model.lossHistory.last { metrics["final_loss"] = last }

        let version = ModelRegistry.newVersionName()
        summary.recommenderVersion = version
        let registry = job.registry
        let dir = registry.artifactDirectory(tenant: tenant, kind: .recommender, version: version)
        var hyper: [String: String] = ["method": kind, "top_k": "\(opts.topK)"]
        if !usePopularity {
            hyper.merge(["factors": "\(config.factors)", "iterations": "\(config.iterations)", "regularization": "\(config.regularization)",
                         "alpha": "\(config.alpha)", "solver": "\(config.solver)", "seed": "\(config.seed)"]) { $1 }
        }
        let doc = ModelVersionDocument(
            kind: ModelRegistry.Kind.recommender.rawValue, version: version, status: "staging", metrics: metrics, trained_at: Date(),
            activated_at: nil, artifact: dir.path, data_window_start: date(agg.firstEventAt), data_window_end: date(agg.cutoffs.score),
            hyperparameters: hyper)
        try ModelCard.write(to: dir, document: doc, tenant: agg.tenant, summary: "learners \(n), courses \(m), interactions \(triples.count)",
                            artifact: try model?.artifact())

        let computedAt = Date()
        try await job.publish(tenant: tenant, kind: .recommender, version: doc) {
            let scope = job.db.tenant(tenant)
            if let model {
                // Written in chunks so a large tenant's documents never sit in memory all at once.
                let learnersOut = scope.collection(StoreLayout.learnerEmbeddings, as: EmbeddingDocument.self)
                for lo in stride(from: 0, to: n, by: RefreshJob.chunk) {
                    let docs = (lo..<min(n, lo + RefreshJob.chunk)).map {
                        EmbeddingDocument(learner_id: agg.learners[$0], course_id: nil, vector: Array(model.learnerFactors.row($0)), model_version: version)
                    }
                    try await job.write(docs, to: learnersOut, key: ["model_version", "learner_id"])
                }
                let ce = (0..<m).map { EmbeddingDocument(learner_id: nil, course_id: agg.courses[$0], vector: Array(model.courseFactors.row($0)), model_version: version) }
                try await job.write(ce, to: scope.collection(StoreLayout.courseEmbeddings, as: EmbeddingDocument.self), key: ["model_version", "course_id"])
            }
            guard writeRecommendations else { return }
            let out = scope.collection(StoreLayout.recommendations, as: RecommendationDocument.self)
            try await recommendations(model: model, data: data, popularOrder: popularOrder, popularity: popularity,
                                      version: version, kind: kind, computedAt: computedAt) { chunk in
                try await job.write(chunk, to: out, key: ["model_version", "learner_id"])
            }
        }
    }

    /// Leave-one-out per learner (learners with at least 3 courses): nDCG@10 and precision@10 of iALS and of
    /// the popularity baseline on the held-out courses.
    func evaluate(data: Interactions, config: ALSConfiguration, metrics: inout [String: Double]) async throws {
        let n = data.learners.count, m = data.courses.count
        var all: [Interaction] = []
        all.reserveCapacity(data.byLearner.nonZeroCount)
        for l in 0..<n { for e in data.byLearner.entries(inRow: l) { all.append(Interaction(learner: l, course: e.column, weight: e.weight)) } }
        let (train, test) = try Splits.leaveKOut(all, k: 1, minimumKept: 2, seed: job.options.seed)
        guard !test.isEmpty else { return }
        let trainData = try Interactions(triplets: train.map { ($0.learner, $0.course, $0.weight) }, learnerCount: n, courseCount: m,
                                         learners: data.learners, courses: data.courses)
        let model = try await ALSModel.fit(trainData, configuration: config)
        let relevant = Splits.relevantSets(test, learnerCount: n)
        let testLearners = (0..<n).filter { !relevant[$0].isEmpty }
        let recs = try model.recommend(learners: testLearners, k: 10, excluding: trainData.byLearner)
        let s = try RankingMetrics.evaluate(at: 10, recommended: recs.map { $0.map(\.course) }, relevant: testLearners.map { relevant[$0] })
        let trainPopularity = (0..<m).map { trainData.byCourse.count(inRow: $0) }
        let order = (0..<m).sorted { (trainPopularity[$0], $1) > (trainPopularity[$1], $0) }
        let pop = testLearners.map { l -> [Int] in
            let seen = Set(trainData.byLearner.entries(inRow: l).map(\.column))
            return Array(order.lazy.filter { !seen.contains($0) }.prefix(10))
        }
        let p = try RankingMetrics.evaluate(at: 10, recommended: pop, relevant: testLearners.map { relevant[$0] })
        metrics["ndcg10"] = s.ndcg
        metrics["precision10"] = s.precision
        metrics["recall10"] = s.recall
        metrics["map10"] = s.map
        metrics["popularity_ndcg10"] = p.ndcg
        metrics["popularity_precision10"] = p.precision
        metrics["evaluated_learners"] = Double(testLearners.count)
    }

    /// Top-K per learner within the courses their organisation may see, with a reason for each item, handed to
    /// `sink` in chunks of learners.
    func recommendations(model: ALSModel?, data: Interactions, popularOrder: [Int], popularity: [Int], version: String,
                         kind: String, computedAt: Date, sink: ([RecommendationDocument]) async throws -> Void) async throws {
        let opts = job.options
        let n = agg.learners.count, m = agg.courses.count
        // Learners grouped by organisation: each group shares one candidate set.
        var groups: [String?: [Int]] = [:]
        for l in 0..<n { groups[agg.learnerOrgs[l], default: []].append(l) }
        for (org, group) in groups.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            let allowed: Set<Int>? = catalog.isEmpty ? nil
                : Set((0..<m).filter { catalog.isRecommendable(tenant: agg.tenant, course: agg.courses[$0], org: org) })
            for lo in stride(from: 0, to: group.count, by: RefreshJob.chunk) {
                try Task.checkCancellation()
                let members = Array(group[lo..<min(group.count, lo + RefreshJob.chunk)])
                var out: [RecommendationDocument] = []
                out.reserveCapacity(members.count)
                let lists: [[Recommendation]]
                if let model {
                    lists = try model.recommend(learners: members, k: opts.topK, excluding: data.byLearner, candidates: allowed)
                } else {
                    lists = members.map { l in
                        let seen = Set(data.byLearner.entries(inRow: l).map(\.column))
                        return Array(popularOrder.lazy.filter { !seen.contains($0) && (allowed?.contains($0) ?? true) }
                            .prefix(opts.topK).map { Recommendation(course: $0, score: Float(popularity[$0])) })
                    }
                }
                for (l, list) in zip(members, lists) {
                    let history = data.byLearner.entries(inRow: l).map { HistoryItem(course: $0.column, weight: $0.weight) }
                    let items = try list.map { r -> RecommendationDocument.Item in
                        RecommendationDocument.Item(course_id: agg.courses[r.course], score: Double(r.score),
                                                    reason: try reason(model: model, history: history, course: r.course, org: org))
                    }
                    out.append(RecommendationDocument(learner_id: agg.learners[l], items: items, model_version: version,
                                                      model_kind: kind, computed_at: computedAt))
                }
                try await sink(out)
            }
        }
    }

    /// "because you took X" from the history item contributing most to the score (Hu et al. §5), or popularity.
    func reason(model: ALSModel?, history: [HistoryItem], course: Int, org: String?) throws -> String {
        guard let model, !history.isEmpty else {
            return org.map { "popular in your organisation (\($0))" } ?? "popular with learners here"
        }
        guard let top = try model.explain(history: history, course: course).first, top.contribution > 0 else {
            return "popular with learners like you"
        }
        return "because you took \(catalog.title(tenant: agg.tenant, id: agg.courses[top.course]))"
    }
}
