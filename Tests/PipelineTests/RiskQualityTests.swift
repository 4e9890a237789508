import Foundation
import LearningStore
import Models
@testable import Pipeline
import Testing

/// Model quality against the generator's truth (each enrolment's eventual outcome, decided after the export date for
/// the enrolments in progress), in memory: the same `RiskPhase.build` a run calls, without the database.
@Suite("Risk model quality against the truth file")
struct RiskQualityTests {
    /// 12 tenants of Zipf sizes (92 to 1,420 learners), seed 4242: never used to tune anything.
    static func data() async throws -> QualityData {
        try await QualityDataCache.shared.data(label: "risk-quality", tenants: 12, learners: 4000, seed: 4242)
    }

    @Test("risk ranks eventual dropouts clearly better than days since last activity, and is calibrated (ECE ≤ 0.05)")
    func rankingAndCalibration() async throws {
        let d = try await Self.data()
        var risk: [Double] = [], idle: [Double] = [], labels: [Bool] = []
        var ownTenants = 0
        for t in d.tenants {
            let agg = d.aggregators[t]!
            let b = try await RiskPhase.build(aggregate: agg, options: d.options.risk, settings: d.options.settings, lessonCount: d.lessonCount(t), consent: false, pool: nil)
            guard b.source == "own" else { continue }  // small tenants without consent get the heuristic (tested below)
            ownTenants += 1
            for (e, s) in b.scores {
                let key = "\(t)/\(agg.learners[agg.learner(ofEnrolment: e)])/\(agg.courses[agg.course(ofEnrolment: e)])"
                let row = try #require(agg.featureRow(e, at: .score, lessonCount: d.lessonCount(t)))
                let truth = try #require(d.truth.dropped[key], "every scored enrolment is in the truth file")
                risk.append(s.risk)
                idle.append(row.features.daysSinceLastActivity)
                labels.append(truth)
            }
        }
        let auc = try #require(try ClassificationMetrics.rocAUC(scores: risk, labels: labels))
        let baseline = try #require(try ClassificationMetrics.rocAUC(scores: idle, labels: labels))
        let ece = expectedCalibrationError(risk, labels)
        print("risk vs eventual outcome over \(labels.count) live enrolments of \(ownTenants) tenants: AUC \(String(format: "%.3f", auc)) "
            + "vs days since last activity \(String(format: "%.3f", baseline)); ECE \(String(format: "%.3f", ece)); "
            + "mean risk \(String(format: "%.3f", risk.reduce(0, +) / Double(risk.count))) vs dropout share \(String(format: "%.3f", Double(labels.filter { $0 }.count) / Double(labels.count)))")
        #expect(ownTenants >= 3)
        #expect(labels.count > 1000)
        #expect(auc >= baseline + 0.04, "AUC \(auc) against the activity baseline \(baseline)")
        #expect(ece <= 0.05, "expected calibration error \(ece)")
    }

    @Test("the top three reasons of every score are the same across reruns, and read as words")
    func stableReasons() async throws {
        let d = try await Self.data()
        let t = d.tenants[1]
        let agg = d.aggregators[t]!
        let a = try await RiskPhase.build(aggregate: agg, options: d.options.risk, settings: d.options.settings, lessonCount: d.lessonCount(t), consent: false, pool: nil)
        let b = try await RiskPhase.build(aggregate: agg, options: d.options.risk, settings: d.options.settings, lessonCount: d.lessonCount(t), consent: false, pool: nil)
        #expect(a.source == "own" && a.scores.count > 100)
        #expect(a.scores.map(\.enrolment) == b.scores.map(\.enrolment))
        for (x, y) in zip(a.scores, b.scores) {
            #expect(x.score.factors.prefix(3).map(\.feature) == y.score.factors.prefix(3).map(\.feature))
            #expect(x.score.factors.prefix(3).map(\.reason) == y.score.factors.prefix(3).map(\.reason))
        }
        let reasons = a.scores.flatMap { $0.score.factors.compactMap(\.reason) }
        #expect(a.scores.allSatisfy { $0.score.factors.count == 5 && $0.score.factors.allSatisfy { $0.reason != nil } }, "every factor carries a reason")
        #expect(reasons.contains { $0.hasPrefix("no activity for ") })
        #expect(reasons.contains { $0.hasPrefix("quiz scores falling: ") && $0.contains(" → ") })
        #expect(reasons.contains { $0 == "slower than most learners of this course" })
        // The top reason of the riskiest enrolments says why in words.
        for s in a.scores.sorted(by: { $0.score.risk > $1.score.risk }).prefix(3) {
            print(String(format: "%.2f: ", s.score.risk) + s.score.factors.prefix(3).map { "\($0.reason ?? "") (\($0.feature) = \($0.value), \(String(format: "%+.2f", $0.contribution)))" }.joined(separator: "; "))
        }
        // Each factor keeps the raw input it describes: days, not the clamped model input.
        let idle = a.scores.compactMap { s in s.score.factors.first { $0.feature == "days_since_last_activity" } }
        #expect(idle.allSatisfy { $0.value >= 0 && $0.value < Double(d.options.risk.inactivityDays) })
        #expect(a.scores.allSatisfy { ($0.score.expectedDropoutWeek ?? -1) >= 0 })
    }

    @Test("on small tenants a fit shrunk towards the pooled platform model beats the tenant's own model")
    func pooledPrior() async throws {
        let d = try await Self.data()
        let (pool, builds) = try await ConsentingBuildsCache.shared.builds(d, label: "risk-quality")
        var small: [String] = []
        for (t, b) in builds {
            if b.source == "pooled-prior" { small.append(t) } else { #expect(b.source == "own") }
        }
        #expect(pool.contributors.count >= 2, "large consenting tenants fill the pool: \(pool.contributors)")
        #expect(small.count >= 3, "small tenants: \(small)")
        // The same small tenants: tenant-only fits (forced) against the shrunk fits, scored against the truth.
        var own: [Double] = [], shrunk: [Double] = [], labels: [Bool] = []
        for t in small {
            let agg = d.aggregators[t]!
            var logistic = d.options.risk.logistic
            logistic.threads = 2
            let training = RiskTraining(aggregate: agg, inactivityDays: d.options.risk.inactivityDays, lessonCount: d.lessonCount(t), logistic: logistic,
                                        priorStrength: d.options.risk.priorStrength)
            let alone = try training.train(asOf: .score)
            let pooled = try training.train(asOf: .score, prior: try #require(pool.pooled(excluding: t)))
            #expect(pooled.usedPrior && !alone.usedPrior)
            // The phase decides own / pooled from counts taken without building the rows: the same as the rows built.
            #expect(training.counts(asOf: .score) == alone.counts, "\(t)")
            for e in 0..<agg.enrolmentCount {
                guard let row = agg.featureRow(e, at: .score, lessonCount: d.lessonCount(t)), row.isLive(inactivityDays: d.options.risk.inactivityDays) else { continue }
                let key = "\(t)/\(agg.learners[row.learner])/\(agg.courses[row.course])"
                guard let truth = d.truth.dropped[key] else { continue }
                own.append(try alone.model.probability(alone.schema.vector(row).map(Double.init)))
                shrunk.append(try pooled.model.probability(pooled.schema.vector(row).map(Double.init)))
                labels.append(truth)
            }
        }
        let aucOwn = try #require(try ClassificationMetrics.rocAUC(scores: own, labels: labels))
        let aucPooled = try #require(try ClassificationMetrics.rocAUC(scores: shrunk, labels: labels))
        let llOwn = try ClassificationMetrics.logLoss(probabilities: own, labels: labels)
        let llPooled = try ClassificationMetrics.logLoss(probabilities: shrunk, labels: labels)
        print("small tenants \(small) (\(labels.count) live enrolments): AUC tenant-only \(String(format: "%.3f", aucOwn)) vs pooled prior "
            + "\(String(format: "%.3f", aucPooled)); log-loss \(String(format: "%.3f", llOwn)) vs \(String(format: "%.3f", llPooled))")
        #expect(aucPooled > aucOwn)
        #expect(llPooled < llOwn)
    }

    @Test("the backtest: large tenants get AUCs with intervals beside both baselines, small ones \"not enough data\" (also in the report)")
    func backtest() async throws {
        let d = try await Self.data()
        let (_, builds) = try await ConsentingBuildsCache.shared.builds(d, label: "risk-quality")
        var enough = 0, notEnough = 0
        for (t, b) in builds {
            let bt = try #require(b.backtest, "\(t): every tenant with a model (own or pooled prior) is backtested")
            #expect(bt.trainedAsOf < bt.scoredAsOf && bt.scoredAsOf < bt.outcomesAt)
            #expect(bt.outcomesAt - bt.scoredAsOf == bt.scoredAsOf - bt.trainedAsOf, "T − 2h, T − h, T")
            let html = ReportWriter.backtestTable(bt)
            print("\(t) (\(b.source), \(d.aggregators[t]!.learners.count) learners): \(bt.summaryLine)")
            if bt.enoughData {
                enough += 1
                #expect(bt.droppedByOutcome >= RiskBacktest.minimumOutcomes && bt.scored - bt.droppedByOutcome >= RiskBacktest.minimumOutcomes)
                for i in [bt.auc, bt.daysSinceLastActivityAUC, bt.courseBaseRateAUC] {
                    let i = try #require(i)
                    let low = try #require(i.low), high = try #require(i.high)
                    #expect(low <= i.value && i.value <= high && high - low < 0.3, "\(t): \(i)")
                }
                #expect(bt.horizonECE != nil && !bt.calibration.isEmpty && !bt.roc.isEmpty)
                #expect(html.contains("<table>") && html.contains("days since last activity") && html.contains("course base rate"))
                #expect(html.contains(String(format: "%.3f", bt.auc!.value)))
            } else {
                notEnough += 1
                #expect(bt.auc == nil && bt.daysSinceLastActivityAUC == nil && bt.horizonECE == nil)
                #expect(bt.note?.hasPrefix("not enough data") == true)
                #expect(html.contains("Not enough data") && !html.contains("<table>"), "no number for a tenant without enough outcomes")
                #expect(bt.summaryLine.hasPrefix("backtest: not enough data"))
            }
        }
        #expect(enough >= 2, "the large tenants have figures")
        #expect(notEnough >= 1, "the smallest tenants show \"not enough data\"")
        // On the largest tenant the model beats days since last activity in the backtest too.
        let largest = try #require(builds.first?.build.backtest)
        #expect(try #require(largest.auc?.value) > (try #require(largest.daysSinceLastActivityAUC?.value)))
    }

    @Test("a small tenant without consent gets the heuristic score, labelled as such")
    func heuristicWithoutConsent() async throws {
        let d = try await Self.data()
        let t = d.tenants.last!
        let b = try await RiskPhase.build(aggregate: d.aggregators[t]!, options: d.options.risk, settings: d.options.settings, lessonCount: d.lessonCount(t), consent: false, pool: PlatformPrior())
        #expect(b.source == "heuristic")
        #expect(b.model.method == "heuristic")
        #expect(b.notes.contains { $0.contains("no consent to the pooled platform model") })
        #expect(!b.scores.isEmpty && b.scores.allSatisfy { $0.score.modelKind == "heuristic" })
    }
}
