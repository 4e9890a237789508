import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import Models
import MongoStore
import Pipeline
import SampleData
import Streaming
import Testing

/// After a nightly refresh, new events of a learner give that learner fresh recommendations and risk under the
/// active versions within the consumer's debounce.
@Suite struct RefreshTests {
    static let cutoff = Timestamp.parse("2026-04-20 00:00:00 UTC")!

    @Test("a learner's new activity rewrites their recommendations and risk under the active versions")
    func refreshAfterEvents() async throws {
        let fx = try StreamingFixture("refresh")
        let dir = fx.dir.path
        let summary = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: 1, learners: 240, seed: 3))
                .run(directory: dir, format: .avro, codec: .deflate, gzip: false, rowsPerFile: 1_000_000)
        }
        var options = RefreshOptions(source: summary.files.filter { $0.contains("events-") }, modelsDirectory: fx.dir.appendingPathComponent("models"))
        options.catalog = summary.files.filter { $0.contains("courses-") }
        options.cutoff = Self.cutoff
        options.recommender.evaluate = false
        options.threads = 2
        var logger = Logger(label: "refresh-test")
        logger.logLevel = .warning
        let run = try await RefreshJob(options: options, db: fx.db, logger: logger, progress: ProgressReporter(logger: logger, terminal: false)).run()
        let tenantName = try #require(run.tenants.first?.tenant)
        let tenant = try TenantID(validating: tenantName)
        let scope = fx.db.tenant(tenant)
        let results = ActiveResults(db: fx.db)
        let recVersion = try #require(try await results.activeVersion(tenant, .recommender)).version
        let riskVersion = try #require(try await results.activeVersion(tenant, .risk), "the nightly run trained a risk model").version

        // A learner with a live enrolment and a recommendation list; they complete the top recommended course.
        var learner: String?
        var before: RecommendationDocument?
        for try await r in StoreLayout.recommendations.collection(in: scope).find(["model_version": .string(recVersion)], sort: ["learner_id": 1]) {
            if r.items.count >= 3, try await !results.risk(tenant: tenant, learner: r.learner_id).isEmpty {
                learner = r.learner_id
                before = r
                break
            }
        }
        let l = try #require(learner), old = try #require(before)
        let course = old.items[0].course_id
        let org = try await StoreLayout.features.collection(in: scope).findOne(["learner_id": .string(l)])?.org_id
        let t = Self.cutoff + 3_600_000_000
        let events = [EventType.enrolled, .lessonCompleted, .lessonCompleted, .courseCompleted].enumerated().map { k, type in
            LearningEvent(eventID: "new-\(k)", tenantID: tenantName, orgID: org, learnerID: l, courseID: course,
                          lessonID: type == .lessonCompleted ? "\(course)-x\(k)" : nil, type: type, occurredAt: t + Int64(k) * 60_000_000)
        }
        try await fx.createSubscription()
        try await fx.publish(events)
        let riskBefore = try await results.risk(tenant: tenant, learner: l)
        var config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: t + 86_400_000_000)
        config.refreshDebounce = .milliseconds(50)
        config.artifacts = .folder(fx.dir.appendingPathComponent("models"))  // where the run above published
        _ = try await fx.runConsumer(config) {
            let r = try await StoreLayout.recommendations.collection(in: scope)
                .findOne(["model_version": .string(recVersion), "learner_id": .string(l)])
            return (r?.computed_at ?? .distantPast) > old.computed_at
        }
        let after = try #require(try await results.recommendations(tenant: tenant, learner: l))
        #expect(after.model_version == recVersion && after.model_kind == "ials")
        #expect(!after.items.map(\.course_id).contains(course), "the course just completed is no longer recommended")
        var taken = Set<String>()
        for try await d in StoreLayout.features.collection(in: scope).find(["learner_id": .string(l)]) { taken.insert(d.course_id) }
        #expect(taken.contains(course))
        #expect(Set(after.items.map(\.course_id)).isDisjoint(with: taken), "taken courses are excluded")
        var catalog: [String: CourseDocument] = [:]
        for try await c in StoreLayout.courses.collection(in: scope).find() { catalog[c.course_id] = c }
        let view = CourseCatalogView(courses: IDMap(catalog.keys), documents: Array(catalog.values))
        #expect(after.items.allSatisfy { view.courses.index(of: $0.course_id).map { view.isOffered($0, to: org, at: Date()) } == true },
                "within the catalog visible to the learner")
        #expect(after.items.count == min(10, old.items.count))
        #expect(after.items.allSatisfy { !$0.reason.isEmpty })
        #expect(zip(after.items, after.items.dropFirst()).allSatisfy { $0.score >= $1.score })

        let riskAfter = try await results.risk(tenant: tenant, learner: l)
        #expect(riskAfter.allSatisfy { $0.model_version == riskVersion })
        #expect(!riskAfter.contains { $0.course_id == course }, "a completed enrolment is not scored")
        #expect(riskAfter.allSatisfy { r in riskBefore.first { $0.course_id == r.course_id }.map { r.computed_at > $0.computed_at } ?? true },
                "the learner's live enrolments were scored again")
        // Scored by the batch's RiskScorer: factors in words (one per group the model has: a small tenant's heuristic
        // model has recency only), the model's kind on every document.
        #expect(riskAfter.allSatisfy {
            (0...1).contains($0.risk) && (1...5).contains($0.factors.count) && $0.factors.allSatisfy { $0.reason != nil } && $0.model_kind != nil
        })
        try await fx.finish()
    }
}
