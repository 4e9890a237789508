import Foundation
package import LearningStore
import LinearAlgebra
package import Models
import MongoStore

/// `score-risk`: the probability that each enrolment live at the cutoff ends without completion (withdrawn or
/// abandoned), from a discrete-time survival model (`RiskTraining`), calibrated on held-out learners, evaluated by a
/// time-based backtest beside two baselines (`RiskBacktest`), and explained in words (`RiskScorer`). Published as
/// one risk version whose document, card and `features.json` carry the feature schema with its course context.
///
/// Which model a tenant gets: its own when its training data hold at least `minDropoutsForOwnModel` dropped enrolments; else,
/// when it consents to the pooled model and one exists, its own fit shrunk towards the pooled prior; else the
/// heuristic (days since last activity over the inactivity limit), labelled `heuristic` in every score. Fits and
/// scoring run on dedicated threads.
package struct RiskPhase: TenantPhase {
    public let name = "risk"
    public var parameters: Set<JobParameter> { [.horizonDays, .inactivityDays] }

    public init() {}

    /// Everything a risk run computes for one tenant, before anything is written.
    public struct Build: Sendable {
        public var model: RiskModel
        public var schema: FeatureSchema
        public var trained: RiskTraining.Trained?
        public var backtest: RiskBacktest.Result?
        /// Live enrolments at the cutoff (aggregate index) and their scores.
        public var scores: [(enrolment: Int, score: RiskScorer.Score)]
        public var notes: [String]
        /// `own`, `pooled-prior` or `heuristic`.
        public var source: String
        public var counts: RiskTraining.Counts
    }

    /// Trains (or falls back), backtests and scores one tenant in memory; `consent` and `pool` decide the prior.
    public static func build(aggregate agg: TenantAggregator, options opts: RiskOptions, settings: RunSettings, lessonCount: @escaping @Sendable (Int) -> Int?,
                             consent: Bool, pool: PlatformPrior?) async throws -> Build {
        var logistic = opts.logistic
        logistic.threads = max(1, settings.threads)
        let training = RiskTraining(aggregate: agg, inactivityDays: opts.inactivityDays, lessonCount: lessonCount, logistic: logistic,
                                    priorStrength: opts.priorStrength)
        let counts = try await runOnDedicatedThread { _ in training.counts(asOf: .score) }
        let own = counts.droppedEnrolments >= opts.minDropoutsForOwnModel
        let prior = (!own && consent) ? pool?.pooled(excluding: agg.tenant) : nil
        var notes: [String] = []
        var trained: RiskTraining.Trained?
        if own || prior != nil {
            do {
                trained = try await runOnDedicatedThread { flag in try training.train(asOf: .score, prior: prior, cancellation: flag) }
            } catch let error as ModelsError {
                notes.append("risk: no model could be trained (\(error))")
            }
        } else {
            let why = consent ? "no pooled platform model to borrow yet" : "no consent to the pooled platform model"
            notes.append("risk: \(counts.droppedEnrolments) dropped enrolments in the training data (< \(opts.minDropoutsForOwnModel)) and \(why): "
                + "heuristic score (days since last activity / \(opts.inactivityDays))")
        }
        if let trained, own, consent { pool?.add(tenant: agg.tenant, SurvivalPrior(trained.model, rows: trained.counts.rows)) }
        let model: RiskModel, schema: FeatureSchema
        if let trained {
            model = .survival(trained.model)
            schema = trained.schema
        } else {
            schema = training.schema
            let column = schema.features.firstIndex { $0.input == .daysSinceLastActivity } ?? 0
            model = .heuristic(try HeuristicRiskModel(featureNames: schema.names, daysSinceLastActivityColumn: column,
                                                      inactivityDays: Double(opts.inactivityDays)))
        }
        var backtest: RiskBacktest.Result?
        if trained != nil, opts.backtest {
            let b = try await runOnDedicatedThread { flag in try RiskBacktest(training: training, seed: settings.seed).run(prior: prior, cancellation: flag) }
            backtest = b
            notes.append(b.summaryLine)
        }
        let scorer = try RiskScorer(model: model, schema: schema)
        let inactivity = opts.inactivityDays
        let scores = try await runOnDedicatedThread { flag -> [(enrolment: Int, score: RiskScorer.Score)] in
            var out: [(enrolment: Int, score: RiskScorer.Score)] = []
            for e in 0..<agg.enrolmentCount {
                if e % 4096 == 0 { try flag.check() }
                guard let row = agg.featureRow(e, at: .score, lessonCount: lessonCount), row.isLive(inactivityDays: inactivity) else { continue }
                out.append((e, try scorer.score(row)))
            }
            return out
        }
        return Build(model: model, schema: schema, trained: trained, backtest: backtest, scores: scores, notes: notes,
                     source: trained == nil ? "heuristic" : (prior != nil ? "pooled-prior" : "own"), counts: counts)
    }

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        let opts = context.options.risk
        let agg = context.aggregate
        let lessonCount: @Sendable (Int) -> Int? = { context.lessonCount($0) }
        let b = try await context.metrics.fit("risk") {
            try await Self.build(aggregate: agg, options: opts, settings: context.settings, lessonCount: lessonCount, consent: context.pooledModelConsent,
                                 pool: context.platformPrior)
        }
        for n in b.notes { context.record.note(n) }
        var metrics: [String: Double] = b.trained?.model.metrics ?? [:]
        metrics["scored_enrolments"] = Double(b.scores.count)
        if let bt = b.backtest, bt.enoughData {
            metrics["backtest_auc"] = bt.auc?.value
            metrics["backtest_auc_low"] = bt.auc?.low
            metrics["backtest_auc_high"] = bt.auc?.high
            metrics["backtest_days_since_activity_auc"] = bt.daysSinceLastActivityAUC?.value
            metrics["backtest_course_base_rate_auc"] = bt.courseBaseRateAUC?.value
            metrics["backtest_gain_over_activity"] = bt.gainOverActivity?.value
            metrics["backtest_gain_low"] = bt.gainOverActivity?.low
            metrics["backtest_horizon_ece"] = bt.horizonECE
            metrics["backtest_scored"] = Double(bt.scored)
            metrics["backtest_dropped"] = Double(bt.droppedByOutcome)
        }
        metrics = metrics.filter { $0.value.isFinite }
        try PipelineError.checkFinite(metrics, what: "risk metrics")
        context.record.update { s, r in
            s.riskTrainingRows = b.counts.rows
            s.riskPositiveRate = b.counts.rows > 0 ? Double(b.counts.dropouts) / Double(b.counts.rows) : nil
            s.riskMethod = b.source
            s.riskAUC = b.backtest?.enoughData == true ? b.backtest?.auc?.value : nil
            s.riskBaselineAUC = b.backtest?.enoughData == true ? b.backtest?.daysSinceLastActivityAUC?.value : nil
            s.riskECE = b.backtest?.horizonECE
            r.auc = s.riskAUC
            r.backtest = b.backtest
            r.roc = b.backtest?.roc.map { ($0.fpr, $0.tpr) } ?? []
            r.calibration = b.backtest?.calibration.map { ($0.predicted, $0.observed, $0.count) } ?? []
        }

        let version = ModelRegistry.newVersionName(now: context.startedAt)
        context.record.update { s, _ in s.riskVersion = version }
        var hyper: [String: String] = [
            "method": b.model.method, "model_source": b.source, "horizon_days": "\(opts.horizonDays)", "inactivity_days": "\(opts.inactivityDays)",
            "features": b.schema.names.joined(separator: ","), "definition": Self.definition,
        ]
        if case .survival(let m) = b.model {
            hyper["l2"] = b.source == "pooled-prior" ? "\(opts.priorStrength) (towards the pooled prior)" : "\(opts.logistic.l2)"
            hyper["landmark_weeks"] = Cutoffs.landmarkWeeks.map(String.init).joined(separator: ",")
            hyper["time_basis"] = SurvivalTimeBasis.names.joined(separator: ",")
            hyper["calibration"] = String(format: "Platt a=%.4f b=%.4f on %d held-out rows", m.calibration.a, m.calibration.b, b.trained?.calibrationRows ?? 0)
        }
        let doc = ModelVersionDocument(
            kind: .risk, version: version, metrics: metrics, trained_at: context.startedAt,
            artifact: context.registry.artifactLocation(tenant: context.tenant, kind: .risk, version: version),
            data_window_start: date(agg.firstEventAt), data_window_end: date(agg.cutoffs.score), hyperparameters: hyper,
            riskSettings: RiskSettings(method: RiskSettings.Method(rawValue: b.model.method), source: RiskSettings.Source(rawValue: b.source),
                                       horizonDays: opts.horizonDays, inactivityDays: opts.inactivityDays),
            feature_schema: b.schema, notes: b.notes.isEmpty ? nil : b.notes)

        let computedAt = context.startedAt
        var bands: [Int: (Int, Int, Int)] = [:]
        let docs = b.scores.map { item -> RiskDocument in
            let e = item.enrolment, s = item.score
            let learner = agg.learner(ofEnrolment: e), course = agg.course(ofEnrolment: e)
            var band = bands[course] ?? (0, 0, 0)
            switch s.band {
            case .low: band.0 += 1
            case .medium: band.1 += 1
            case .high: band.2 += 1
            }
            bands[course] = band
            return RiskDocument(learner_id: agg.learners[learner], course_id: agg.courses[course], org_id: agg.learnerOrgs[learner],
                                risk: s.risk, band: s.band.rawValue, factors: s.factors, model_version: version, computed_at: computedAt,
                                model_kind: s.modelKind, expected_dropout_week: s.expectedDropoutWeek)
        }
        guard docs.allSatisfy({ $0.risk.isFinite }) else { throw PipelineError.nonFinite(what: "risk scores") }
        context.record.update { s, r in
            s.scoredEnrolments = docs.count
            r.bandsByCourse = bands.sorted { ($0.value.0 + $0.value.1 + $0.value.2, $1.key) > ($1.value.0 + $1.value.1 + $1.value.2, $0.key) }
                .prefix(12).map { (context.title($0.key), $0.value.0, $0.value.1, $0.value.2) }
        }
        let publish: @Sendable () async throws -> Int = {
            var written = 0
            for lo in stride(from: 0, to: docs.count, by: RefreshJob.chunk) {
                written += try await context.write(Array(docs[lo..<min(docs.count, lo + RefreshJob.chunk)]), to: StoreLayout.risk)
            }
            return written
        }
        var card: [String: [String]] = ["risk_definition": [Self.definition]]
        if let bt = b.backtest { card["backtest"] = Self.backtestLines(bt) }
        let summary = "person-period rows \(b.counts.rows) from \(b.counts.enrolments) enrolments (\(b.counts.droppedEnrolments) dropped): "
            + "\(b.counts.dropouts) dropout and \(b.counts.completions) completion weeks"
        return try await context.publish(doc, artifacts: VersionArtifacts(model: try b.model.artifact(), summary: summary, details: card), write: publish)
    }

    /// What `risk` means (card and README).
    public static let definition = "risk = probability that the enrolment ends without completion (withdrawn, or no activity for the inactivity "
        + "limit), from a discrete-time survival model: weekly dropout and completion hazards (logistic regressions over person-period rows, "
        + "enrolments still open at the training cutoff censored there), summed into the eventual probability; Platt-calibrated on held-out learners"

    static func backtestLines(_ b: RiskBacktest.Result) -> [String] {
        let iso = ISO8601DateFormatter()
        func t(_ micros: Int64) -> String { iso.string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000)) }
        var lines = ["trained as of \(t(b.trainedAsOf)), scored as of \(t(b.scoredAsOf)), outcomes read at \(t(b.outcomesAt))"]
        lines.append(b.summaryLine)
        if let g = b.gainOverActivity {
            lines.append(String(format: "AUC gain over days since last activity %.3f", g.value)
                + (g.low.map { l in g.high.map { String(format: " [%.3f, %.3f]", l, $0) } ?? "" } ?? ""))
        }
        for bin in b.calibration {
            lines.append(String(format: "calibration: predicted %.3f, observed %.3f, %d enrolments", bin.predicted, bin.observed, bin.count))
        }
        return lines
    }

    /// A stable bucket 0…4 from a learner id (FNV-1a), for the held-out split.
    static func bucket(_ id: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % 5)
    }
}
