import Foundation
import LearningStore
import LinearAlgebra
import Models
import MongoStore

/// `score-risk`: label enrolments live at the training cutoff, hold out a fifth of the learners to measure AUC
/// and calibration, fit on all, and score every enrolment live at the score cutoff with the factors behind each
/// score; published as one risk version whose document, card and `features.json` carry the feature schema. Fits
/// and scoring run on dedicated threads.
public struct RiskPhase: TenantPhase {
    public let name = "risk"
    public var parameters: Set<JobParameter> { [.horizonDays, .inactivityDays] }

    public init() {}

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        let opts = context.options
        let agg = context.aggregate
        let schema = FeatureSchema.current
        let set = agg.trainingSet(inactivityDays: opts.inactivityDays, lessonCount: context.lessonCount)
        let positives = set.filter(\.dropped).count
        context.record.update { s, _ in
            s.riskTrainingRows = set.count
            s.riskPositiveRate = set.isEmpty ? nil : Double(positives) / Double(set.count)
        }
        guard set.count >= opts.minTrainingRowsForRisk, positives > 0, positives < set.count else {
            let reason = "risk: \(set.count) labelled enrolments (\(positives) dropped): too few to train; previous risk version (if any) keeps serving"
            context.record.note(reason)
            return .skipped(reason: reason)
        }
        let names = schema.names
        var logistic = opts.logistic
        logistic.threads = max(1, opts.threads)
        let config = logistic
        // Held-out fifth, chosen by learner so one learner's enrolments stay on one side.
        let isTest = set.map { Self.bucket(agg.learners[$0.row.learner]) == 0 }
        let trainRows = set.indices.filter { !isTest[$0] }, testRows = set.indices.filter { isTest[$0] }
        var metrics: [String: Double] = ["training_rows": Double(set.count), "positive_rate": Double(positives) / Double(set.count)]
        if trainRows.count >= opts.minTrainingRowsForRisk / 2, !testRows.isEmpty {
            let xTrain = try matrix(trainRows.map { set[$0].row }, schema), yTrain = trainRows.map { set[$0].dropped ? Float(1) : 0 }
            let xTest = try matrix(testRows.map { set[$0].row }, schema)
            let labels = testRows.map { set[$0].dropped }
            if Set(yTrain).count == 2 {
                let held = try await runOnDedicatedThread { flag -> HeldOut in
                    let holdout = try LogisticRegression.fit(features: xTrain, labels: yTrain, featureNames: names, configuration: config,
                                                             cancellation: flag)
                    let probs = try holdout.probabilities(xTest)
                    return HeldOut(
                        auc: try ClassificationMetrics.rocAUC(scores: probs, labels: labels),
                        logLoss: try ClassificationMetrics.logLoss(probabilities: probs, labels: labels),
                        brier: try ClassificationMetrics.brier(probabilities: probs, labels: labels),
                        roc: TenantReport.rocCurve(scores: probs, labels: labels),
                        calibration: try ClassificationMetrics.calibration(probabilities: probs, labels: labels)
                            .filter { $0.count > 0 }.map { ($0.meanPredicted, $0.observedRate, $0.count) })
                }
                if let auc = held.auc { metrics["auc"] = auc }
                metrics["log_loss"] = held.logLoss
                metrics["brier"] = held.brier
                context.record.update { s, r in
                    s.riskAUC = held.auc
                    r.auc = held.auc
                    r.roc = held.roc
                    r.calibration = held.calibration
                }
            }
        }
        try PipelineError.checkFinite(metrics, what: "risk metrics")
        let xAll = try matrix(set.map(\.row), schema), yAll = set.map { $0.dropped ? Float(1) : 0 }
        var model = try await context.metrics.fit("logistic") {
            try await runOnDedicatedThread { flag in
                try LogisticRegression.fit(features: xAll, labels: yAll, featureNames: names, configuration: config, cancellation: flag)
            }
        }
        model.metrics = metrics
        guard model.weights.allSatisfy(\.isFinite), model.intercept.isFinite else {
            throw PipelineError.nonFinite(what: "risk model weights")
        }

        let version = ModelRegistry.newVersionName(now: context.startedAt)
        context.record.update { s, _ in s.riskVersion = version }
        let doc = ModelVersionDocument(
            kind: .risk, version: version, metrics: metrics, trained_at: context.startedAt,
            artifact: context.registry.artifactDirectory(tenant: context.tenant, kind: .risk, version: version).path,
            data_window_start: date(agg.firstEventAt), data_window_end: date(agg.cutoffs.score),
            hyperparameters: ["l2": "\(opts.logistic.l2)", "horizon_days": "\(opts.horizonDays)", "inactivity_days": "\(opts.inactivityDays)",
                              "features": names.joined(separator: ",")],
            feature_schema: schema)

        // Score every enrolment still live at the score cutoff (the population the model was trained on).
        let open = agg.featureRows(at: .score, lessonCount: context.lessonCount).filter { $0.isLive(inactivityDays: opts.inactivityDays) }
        let computedAt = context.startedAt
        let fitted = model
        let (docs, bands) = try await runOnDedicatedThread { flag -> ([RiskDocument], [Int: (Int, Int, Int)]) in
            var bands: [Int: (Int, Int, Int)] = [:]
            var docs: [RiskDocument] = []
            docs.reserveCapacity(open.count)
            for r in open {
                if docs.count % 4096 == 0 { try flag.check() }
                let p = try fitted.predict(schema.vector(r).map(Double.init))
                var b = bands[r.course] ?? (0, 0, 0)
                switch p.band {
                case .low: b.0 += 1
                case .medium: b.1 += 1
                case .high: b.2 += 1
                }
                bands[r.course] = b
                docs.append(RiskDocument(
                    learner_id: agg.learners[r.learner], course_id: agg.courses[r.course], org_id: agg.learnerOrgs[r.learner],
                    risk: p.probability, band: p.band.rawValue,
                    factors: p.contributions.prefix(5).map { .init(feature: $0.feature, value: $0.value, contribution: $0.contribution) },
                    model_version: version, computed_at: computedAt))
            }
            return (docs, bands)
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
        return try await context.publish(doc, artifacts: VersionArtifacts(model: try model.artifact(), summary: "labelled enrolments \(set.count), dropped \(positives)"), write: publish)
    }

    /// Held-out figures of the evaluation fit.
    struct HeldOut: Sendable {
        let auc: Double?
        let logLoss: Double
        let brier: Double
        let roc: [(Double, Double)]
        let calibration: [(Double, Double, Int)]
    }

    func matrix(_ rows: [FeatureRow], _ schema: FeatureSchema) throws -> Matrix<Float> {
        try Matrix<Float>(rows: rows.count, columns: schema.features.count, elements: rows.flatMap { schema.vector($0) })
    }

    /// A stable bucket 0…4 from a learner id (FNV-1a), for the held-out split.
    static func bucket(_ id: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % 5)
    }
}
