import Foundation
import LearningStore
import LinearAlgebra
import Logging
import Metrics
import Models
import MongoStore
import LearningEvents

/// Rewrites the recommendations and dropout-risk documents of learners with new activity under the tenant's active
/// versions, debounced: learners marked within `debounce` of each other are refreshed together, once each.
///
/// A learner's list comes from the one engine (`LearnerRecommender`, as the batch and the API rank): folded in
/// against the active recommender's course factors (the exact least-squares embedding for their current history),
/// under the tenant's current rules and the learner's dismissals, within the courses the `courses` documents allow
/// for the learner's organisation, each item with its reason and rule. Each live
/// enrolment (open, active within the risk version's inactivity limit) is scored by the active risk model from its
/// `learner_features` document; a risk document of an enrolment no longer live is removed. CPU work runs on a
/// dedicated thread.
actor LearnerRefresher {
    let db: MongoDatabase
    let models: ModelCache
    let courses: CourseDirectory
    let debounce: Duration
    let logger: Logger
    private var pending: Set<LearnerKey> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var running = false

    init(db: MongoDatabase, models: ModelCache, courses: CourseDirectory, debounce: Duration, logger: Logger) {
        self.db = db
        self.models = models
        self.courses = courses
        self.debounce = debounce
        self.logger = logger
    }

    /// Marks `keys` for refresh and returns once a refresh that includes them has finished (failures are logged and
    /// counted: the features are already durable, and the next event or nightly run refreshes again).
    func refresh(_ keys: Set<LearnerKey>) async {
        // Tenants without an active model have nothing to refresh: no debounce wait for them.
        var wanted = Set<LearnerKey>()
        var hasModels: [String: Bool] = [:]
        for k in keys {
            if hasModels[k.tenant] == nil {
                let entry = try? await models.models(TenantID(validating: k.tenant))
                hasModels[k.tenant] = entry.map { $0.recommender != nil || $0.risk != nil } ?? true
            }
            if hasModels[k.tenant] == true { wanted.insert(k) }
        }
        guard !wanted.isEmpty else { return }
        pending.formUnion(wanted)
        await withCheckedContinuation { c in
            waiters.append(c)
            if !running {
                running = true
                Task { await self.loop() }
            }
        }
    }

    private func loop() async {
        while !pending.isEmpty {
            try? await Task.sleep(for: debounce)
            let batch = pending
            let w = waiters
            pending = []
            waiters = []
            await process(batch)
            for c in w { c.resume() }
        }
        running = false
    }

    private func process(_ keys: Set<LearnerKey>) async {
        var byTenant: [String: [String]] = [:]
        for k in keys { byTenant[k.tenant, default: []].append(k.learner) }
        for (name, learners) in byTenant.sorted(by: { $0.key < $1.key }) {
            let start = ContinuousClock.now
            do {
                let tenant = try TenantID(validating: name)
                let written = try await refresh(tenant: tenant, learners: learners.sorted())
                Timer(label: "lodestar_stream_refresh_seconds").recordNanoseconds((ContinuousClock.now - start).nanoseconds)
                Counter(label: "lodestar_stream_refreshed_learners_total").increment(by: written)
            } catch {
                Counter(label: "lodestar_stream_refresh_errors_total").increment()
                logger.error("refresh failed", metadata: ["tenant": "\(name)", "learners": "\(learners.count)", "error": "\(error)"])
            }
        }
    }

    /// Refreshes one tenant's learners; returns how many got new results.
    func refresh(tenant: TenantID, learners: [String]) async throws -> Int {
        let entry = try await models.models(tenant)
        guard entry.recommender != nil || entry.risk != nil else { return 0 }
        let scope = db.tenant(tenant)
        var docs: [String: [FeatureDocument]] = [:]
        for try await d in StoreLayout.features.collection(in: scope).find(["learner_id": ["$in": .array(learners.map(BSON.string))]]) {
            docs[d.learner_id, default: []].append(d)
        }
        let computedAt = Date()
        // The rules are read at every refresh (one small document), so a change applies to the next event at once.
        var rules = VersionedRules.defaults, dismissals: [String: [String: Date]] = [:]
        if entry.recommender != nil {
            rules = try await RecommendationRulesStore(db: db).current(tenant)
            dismissals = try await FeedbackStore(db: db).dismissals(tenant, learners: learners, days: rules.rules.dismissal_days,
                                                                   now: computedAt)
        }
        let work = RefreshWork(recommender: entry.recommender, risk: entry.risk, rules: rules, dismissals: dismissals, computedAt: computedAt)
        let learnerDocs = learners.map { ($0, docs[$0] ?? []) }
        let result = try await runOnDedicatedThread { flag in try work.compute(learnerDocs, cancellation: flag) }
        if !result.recommendations.isEmpty { try await StoreLayout.recommendations.upsert(result.recommendations, in: scope) }
        if let risk = entry.risk {
            try await StoreLayout.risk.upsert(result.risks, in: scope)
            if !result.notLive.isEmpty {
                let or: [BSON] = result.notLive.map { l, cs in
                    ["learner_id": .string(l), "course_id": ["$in": .array(cs.map(BSON.string))]]
                }
                try await StoreLayout.risk.collection(in: scope)
                    .deleteMany(["model_version": .string(risk.version.version), "$or": .array(or)])
            }
        }
        return learners.count
    }
}

/// The pure part of a refresh (runs on a dedicated thread).
struct RefreshWork: Sendable {
    let recommender: ModelCache.Recommender?
    let risk: ModelCache.Risk?
    let rules: VersionedRules
    let dismissals: [String: [String: Date]]
    let computedAt: Date

    struct Result: Sendable {
        var recommendations: [RecommendationDocument] = []
        var risks: [RiskDocument] = []
        /// Per learner, the courses whose enrolment is no longer live (their risk documents go).
        var notLive: [(String, [String])] = []
    }

    func compute(_ learners: [(String, [FeatureDocument])], cancellation: CancellationFlag) throws -> Result {
        var out = Result()
        for (learner, docs) in learners {
            try cancellation.check()
            if let rec = recommender {
                let context = LearnerContext(learner: learner, rows: docs, courses: rec.engine.catalog.courses,
                                             dismissed: dismissals[learner] ?? [:])
                let list = try rec.engine.recommend(context, rules: rules, storedRow: nil, now: computedAt)
                out.recommendations.append(RecommendationDocument(learner_id: learner, list: list, model_version: rec.version.version,
                                                                  model_kind: rec.model == nil ? "popularity" : "ials",
                                                                  computed_at: computedAt))
            }
            if let risk {
                var gone: [String] = []
                for d in docs.sorted(by: { $0.course_id < $1.course_id }) {
                    let live = !d.course_completed && !d.unenrolled && d.days_since_last_activity < Double(risk.inactivityDays)
                    guard live else {
                        gone.append(d.course_id)
                        continue
                    }
                    // The batch's scoring path: same features, model, factors in words and expected week.
                    let score = try risk.scorer.score(d)
                    guard score.risk.isFinite else { continue }
                    out.risks.append(RiskDocument(
                        learner_id: learner, course_id: d.course_id, org_id: d.org_id, risk: score.risk, band: score.band.rawValue,
                        factors: score.factors, model_version: risk.version.version, computed_at: computedAt,
                        model_kind: score.modelKind, expected_dropout_week: score.expectedDropoutWeek))
                }
                if !gone.isEmpty { out.notLive.append((learner, gone)) }
            }
        }
        return out
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
