import Foundation
import LearningStore
import Models
import Testing

@Suite("risk scoring and reasons")
struct RiskScorerTests {
    static let day = EnrolmentState.microsPerDay

    /// A learner who slowed down: quizzes 0.82 then 0.41, last active 20 days ago.
    static func document() throws -> FeatureDocument {
        var s = EnrolmentState(anchorDay: 300)
        s.apply(.enrolled, at: 250 * day, duration: nil, score: nil, weight: 1)
        s.apply(.lessonCompleted, at: 255 * day, duration: 600, score: nil, weight: 1)
        s.apply(.quizSubmitted, at: 260 * day, duration: nil, score: 0.82, weight: 1)
        s.apply(.quizSubmitted, at: 280 * day, duration: nil, score: 0.41, weight: 1)
        let f = try #require(s.features(asOf: 300 * day, lessonCount: 10))
        return FeatureDocument(learner: "l1", course: "c1", org: nil, features: f, state: s)
    }

    static let context = CourseContext(dropout_rate: ["c1": 0.45], default_dropout_rate: 0.3, cohort_pace: ["c1": 2], default_pace: 1)

    @Test("the schema reads course-level inputs from its context; without one they are missing")
    func courseInputs() throws {
        let doc = try Self.document()
        let schema = FeatureSchema.current.with(courses: Self.context)
        let names = schema.names
        let x = schema.vector(doc)
        #expect(x[names.firstIndex(of: "course_dropout_rate")!] == 0.45)
        #expect(abs(Double(x[names.firstIndex(of: "pace_vs_cohort")!]) - (1.0 / 50 * 7) / 2) < 1e-6)
        let bare = FeatureSchema.current.vector(doc)
        #expect(bare[names.firstIndex(of: "course_dropout_rate")!] == 0 && bare[names.firstIndex(of: "pace_vs_cohort")!] == 1)
        // The context travels with the schema (version document, card, features.json).
        let json = try JSONEncoder().encode(schema)
        #expect(try JSONDecoder().decode(FeatureSchema.self, from: json) == schema)
        let built = CourseContext.build([("a", true, true, 1), ("a", true, false, 3), ("b", false, false, 2)])
        #expect(built.default_dropout_rate == 0.5 && built.dropout_rate["a"] == 0.5 && built.dropout_rate["b"] == nil)
        #expect(built.cohort_pace["a"] == 2 && built.pace("zzz") == 2)
    }

    @Test("a risk version published before the survival model (logistic regression, schema v1) is still scored")
    func legacyLogisticVersion() throws {
        let doc = try Self.document()
        // Version 1 of the schema: the first 13 features, as the version document of such a risk version holds it.
        let v1 = FeatureSchema(version: 1, features: Array(FeatureSchema.current.features.prefix(13)))
        let d = v1.names.count
        let logistic = try LogisticRegressionModel(
            featureNames: v1.names, weights: (0..<d).map { $0 == 0 ? 1.2 : -0.1 }, intercept: -0.5,
            means: Array(repeating: 0, count: d), scales: Array(repeating: 1, count: d), configuration: LogisticRegressionConfiguration())
        let model = try RiskModel(artifact: try logistic.artifact())  // model.bin of that version (artifact kind 2)
        let s = try RiskScorer(model: model, schema: v1).score(doc)
        let p = try logistic.predict(v1.vector(doc).map(Double.init))
        #expect(s.modelKind == "logistic" && s.risk == p.probability && s.band == p.band && s.expectedDropoutWeek == nil)
        #expect(s.factors.first?.feature == "days_since_last_activity" && s.factors.first?.reason == "no activity for 20 days")
    }

    @Test("a score's factors are groups of features in words, each with the raw input it quotes")
    func reasons() throws {
        let doc = try Self.document()
        let schema = FeatureSchema.current.with(courses: Self.context)
        // A heuristic model: one contribution, from days since last activity.
        let model = RiskModel.heuristic(try HeuristicRiskModel(featureNames: schema.names, daysSinceLastActivityColumn: 0, inactivityDays: 21))
        let s = try RiskScorer(model: model, schema: schema).score(doc)
        #expect(s.modelKind == "heuristic" && abs(s.risk - 20.0 / 21) < 1e-9 && s.band == .high)
        #expect(s.factors.count == 1)
        #expect(s.factors[0] == RiskDocument.Factor(feature: "days_since_last_activity", value: 20, contribution: s.risk, reason: "no activity for 20 days"))
        // Contributions on every feature: one factor per group, ranked by |sum|.
        let contributions = schema.names.map { FeatureContribution(feature: $0, value: 0, contribution: $0.hasPrefix("quiz") || $0.hasPrefix("last_quiz") ? 0.3 : 0.01) }
        let factors = RiskReasons.factors(contributions, schema: schema, source: doc)
        #expect(factors.count == RiskReasons.Group.allCases.count)
        #expect(factors[0].reason == "quiz scores falling: 0.82 → 0.41" && factors[0].feature == "quiz_score_gap")
        #expect(factors.contains { $0.reason == "slower than most learners of this course" && $0.feature == "pace_vs_cohort" })
        #expect(factors.contains { $0.reason == "this course loses 45 % of its learners" })
        #expect(factors.contains { $0.reason == "1 lesson done (10 % of the course)" })
        #expect(throws: LearningStoreError.self) { try RiskScorer(model: model, schema: FeatureSchema(version: 2, features: [])) }
    }
}
