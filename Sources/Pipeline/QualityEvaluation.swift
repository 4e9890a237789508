import Foundation
import EventSources
import LearningStore
public import Logging
import LinearAlgebra
import Models

/// The models' figures on an export, in memory (nothing written): per tenant, the risk backtest and the recommender's
/// held-out nDCG@10 with and without its search, and every live enrolment's risk (with the tenant-only model's risk
/// for tenants that borrowed the pooled prior) for a comparison with ground truth outside. What `bench/run quality`
/// reads through `lodestar bench-quality`; it calls the same `RiskPhase.build` and recommender evaluation as a run.
public enum QualityEvaluation {
    /// One live enrolment's scores.
    public struct Score: Sendable, Codable {
        public var tenant: String
        public var learner: String
        public var course: String
        public var risk: Double
        public var idle_days: Double
        /// `own`, `pooled-prior` or `heuristic`.
        public var source: String
        /// For `pooled-prior` tenants: the risk of a model fitted on the tenant's rows alone.
        public var tenant_only_risk: Double?
    }

    /// One tenant's figures.
    public struct Tenant: Sendable, Codable {
        public var tenant: String
        public var learners: Int
        public var enrolments: Int
        public var dropped_enrolments: Int
        public var risk_source: String
        package var backtest: RiskBacktest.Result?
        public var ndcg10: Double?
        public var ndcg10_default: Double?
        public var popularity_ndcg10: Double?
        public var search: String?
        public var search_trials: [RecommenderSearch.Trial]
        public var risk_seconds: Double
        public var recommender_seconds: Double
    }

    /// Reads `options.source` (and `options.catalog`), then evaluates every tenant, largest first (consenting
    /// tenants per `options.pooledModelConsent`, none when nil; every tenant of the export when `everyTenantConsents`).
    public static func run(options: RefreshOptions, everyTenantConsents: Bool = false, logger: Logger) async throws -> (tenants: [Tenant], scores: [Score]) {
        var options = options
        options.job = .refresh
        let startedAt = Date()
        let read = try await ExportAggregation(options: options, startedAt: startedAt, progress: ProgressReporter(logger: logger, terminal: false),
                                               logger: logger)
            .run(rows: QuarantineRows(runID: "quality", recordedAt: startedAt, retention: 86_400)) { _ in }
        let catalog = options.catalog.isEmpty ? Catalog() : Catalog(try await CourseSource(options.catalog, gcs: options.storage.gcs).read().courses, provided: true)
        let consent = everyTenantConsents ? Set(read.aggregators.keys) : options.pooledModelConsent ?? []
        let pool = PlatformPrior()
        let order = read.aggregators.keys.sorted { (read.aggregators[$0]!.enrolmentCount, $1) > (read.aggregators[$1]!.enrolmentCount, $0) }
        var tenants: [Tenant] = [], scores: [Score] = []
        let clock = ContinuousClock()
        for name in order {
            let agg = read.aggregators[name]!
            let lessonCount: @Sendable (Int) -> Int? = { catalog.lessonCount(tenant: name, course: agg.courses[$0]) }
            var t0 = clock.now
            let b = try await RiskPhase.build(aggregate: agg, options: options.risk, settings: options.settings, lessonCount: lessonCount, consent: consent.contains(name), pool: pool)
            var alone: RiskTraining.Trained?
            if b.source == "pooled-prior" {
                var logistic = options.risk.logistic
                logistic.threads = max(1, options.threads)
                let training = RiskTraining(aggregate: agg, inactivityDays: options.risk.inactivityDays, lessonCount: lessonCount, logistic: logistic,
                                            priorStrength: options.risk.priorStrength)
                alone = try? await runOnDedicatedThread { flag in try training.train(asOf: .score, cancellation: flag) }
            }
            let riskSeconds = seconds(clock.now - t0)
            for (e, s) in b.scores {
                let row = agg.featureRow(e, at: .score, lessonCount: lessonCount)
                let own = try alone.flatMap { a in try row.map { try a.model.probability(a.schema.vector($0).map(Double.init)) } }
                scores.append(Score(tenant: name, learner: agg.learners[agg.learner(ofEnrolment: e)], course: agg.courses[agg.course(ofEnrolment: e)],
                                    risk: s.risk, idle_days: row?.features.daysSinceLastActivity ?? 0, source: b.source, tenant_only_risk: own))
            }
            t0 = clock.now
            var metrics: [String: Double] = [:]
            var search: RecommenderSearch.Result?
            let triples = agg.interactions(at: .score)
            if agg.learners.count >= options.recommender.minLearnersForModel, !triples.isEmpty {
                let data = try Interactions(triplets: triples.map { ($0.learner, $0.course, $0.confidence) }, learnerCount: agg.learners.count,
                                            courseCount: agg.courses.count, learners: try IDMap(ordered: agg.learners), courses: try IDMap(ordered: agg.courses))
                let all = triples.map { Interaction(learner: $0.learner, course: $0.course, weight: $0.confidence, time: Double($0.start) / 1_000_000) }
                var config = options.recommender.als
                config.seed = options.seed
                config.threads = max(1, options.threads)
                (metrics, search) = try await RecommenderPhase.evaluate(all, data: data, config: config, seed: options.seed, evaluate: true,
                                                                         search: options.recommender.search ? options.recommender.searchSettings : nil)
            }
            tenants.append(Tenant(
                tenant: name, learners: agg.learners.count, enrolments: agg.enrolmentCount, dropped_enrolments: b.counts.droppedEnrolments,
                risk_source: b.source, backtest: b.backtest, ndcg10: metrics["ndcg10"], ndcg10_default: metrics["ndcg10_default"],
                popularity_ndcg10: metrics["popularity_ndcg10"], search: search?.summary, search_trials: search?.trials ?? [],
                risk_seconds: riskSeconds, recommender_seconds: seconds(clock.now - t0)))
        }
        return (tenants.sorted { $0.tenant < $1.tenant }, scores)
    }
}
