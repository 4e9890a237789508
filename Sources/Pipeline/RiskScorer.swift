import Foundation
import LinearAlgebra
import Models
import MongoStore

/// The risk phase of one tenant: label enrolments open at the training cutoff, hold out a fifth of the learners
/// to measure AUC and calibration, fit on all, and score every enrolment open at the score cutoff with the
/// factors behind each score; published as one version.
struct RiskScorer {
    let job: RefreshJob
    let agg: TenantAggregator
    let tenant: TenantID
    let lessonCount: (Int) -> Int?
    /// A course's title for the report (the id when the catalog lacks it).
    let title: (Int) -> String

    func run(summary: inout TenantSummary, report: inout TenantReport) async throws {
        let opts = job.options
        let set = agg.trainingSet(inactivityDays: opts.inactivityDays, lessonCount: lessonCount)
        summary.riskTrainingRows = set.count
        let positives = set.filter(\.dropped).count
        summary.riskPositiveRate = set.isEmpty ? nil : Double(positives) / Double(set.count)
        guard set.count >= opts.minTrainingRowsForRisk, positives > 0, positives < set.count else {
            summary.notes.append("risk: \(set.count) labelled enrolments (\(positives) dropped): too few to train; previous risk version (if any) keeps serving")
            return
        }
        let names = FeatureRow.featureNames
        // Held-out fifth, chosen by learner so one learner's enrolments stay on one side.
        let isTest = set.map { Self.bucket(agg.learners[$0.row.learner]) == 0 }
        let trainRows = set.indices.filter { !isTest[$0] }, testRows = set.indices.filter { isTest[$0] }
        var metrics: [String: Double] = ["training_rows": Double(set.count), "positive_rate": Double(positives) / Double(set.count)]
        if trainRows.count >= opts.minTrainingRowsForRisk / 2, !testRows.isEmpty {
            let xTrain = try matrix(trainRows.map { set[$0].row }), yTrain = trainRows.map { set[$0].dropped ? Float(1) : 0 }
            if Set(yTrain).count == 2 {
                let holdout = try LogisticRegression.fit(features: xTrain, labels: yTrain, featureNames: names, configuration: opts.logistic)
                let probs = try holdout.probabilities(try matrix(testRows.map { set[$0].row }))
                let labels = testRows.map { set[$0].dropped }
                if let auc = try ClassificationMetrics.rocAUC(scores: probs, labels: labels) {
                    metrics["auc"] = auc
                    summary.riskAUC = auc
                    report.auc = auc
                }
                metrics["log_loss"] = try ClassificationMetrics.logLoss(probabilities: probs, labels: labels)
                metrics["brier"] = try ClassificationMetrics.brier(probabilities: probs, labels: labels)
                report.roc = TenantReport.rocCurve(scores: probs, labels: labels)
                report.calibration = try ClassificationMetrics.calibration(probabilities: probs, labels: labels)
                    .filter { $0.count > 0 }.map { ($0.meanPredicted, $0.observedRate, $0.count) }
            }
        }
        var model = try LogisticRegression.fit(features: try matrix(set.map(\.row)), labels: set.map { $0.dropped ? 1 : 0 },
                                               featureNames: names, configuration: opts.logistic)
        model.metrics = metrics

        let version = ModelRegistry.newVersionName()
        summary.riskVersion = version
        let dir = job.registry.artifactDirectory(tenant: tenant, kind: .risk, version: version)
        let doc = ModelVersionDocument(
            kind: ModelRegistry.Kind.risk.rawValue, version: version, status: "staging", metrics: metrics, trained_at: Date(),
            activated_at: nil, artifact: dir.path, data_window_start: date(agg.firstEventAt), data_window_end: date(agg.cutoffs.score),
            hyperparameters: ["l2": "\(opts.logistic.l2)", "horizon_days": "\(opts.horizonDays)", "inactivity_days": "\(opts.inactivityDays)",
                              "features": names.joined(separator: ",")])
        try ModelCard.write(to: dir, document: doc, tenant: agg.tenant, summary: "labelled enrolments \(set.count), dropped \(positives)",
                            artifact: try model.artifact())

        // Score every enrolment still live at the score cutoff (the population the model was trained on).
        let open = agg.featureRows(at: .score, lessonCount: lessonCount).filter { $0.isLive(inactivityDays: opts.inactivityDays) }
        let computedAt = Date()
        var bands: [Int: (Int, Int, Int)] = [:]
        let docs = try open.map { r -> RiskDocument in
            let p = try model.predict(r.vector.map(Double.init))
            var b = bands[r.course] ?? (0, 0, 0)
            switch p.band {
            case .low: b.0 += 1
            case .medium: b.1 += 1
            case .high: b.2 += 1
            }
            bands[r.course] = b
            return RiskDocument(
                learner_id: agg.learners[r.learner], course_id: agg.courses[r.course], org_id: agg.learnerOrgs[r.learner],
                risk: p.probability, band: p.band.rawValue,
                factors: p.contributions.prefix(5).map { .init(feature: $0.feature, value: $0.value, contribution: $0.contribution) },
                model_version: version, computed_at: computedAt)
        }
        summary.scoredEnrolments = docs.count
        report.bandsByCourse = bands.sorted { ($0.value.0 + $0.value.1 + $0.value.2, $1.key) > ($1.value.0 + $1.value.1 + $1.value.2, $0.key) }
            .prefix(12).map { (title($0.key), $0.value.0, $0.value.1, $0.value.2) }

        try await job.publish(tenant: tenant, kind: .risk, version: doc) {
            try await job.write(docs, to: job.db.tenant(tenant).collection(StoreLayout.risk, as: RiskDocument.self),
                                key: ["model_version", "learner_id", "course_id"])
        }
    }

    func matrix(_ rows: [FeatureRow]) throws -> Matrix<Float> {
        try Matrix<Float>(rows: rows.count, columns: FeatureRow.featureNames.count, elements: rows.flatMap(\.vector))
    }

    /// A stable bucket 0…4 from a learner id (FNV-1a), for the held-out split.
    static func bucket(_ id: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % 5)
    }
}
