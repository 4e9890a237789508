import EventSources
import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LearningEvents
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import Models
import MongoStore
import Pipeline
import SampleData
@testable import Streaming
import Testing

/// Same answer everywhere: over a grid of learner states (stored embedding, folded in, no history) × rule sets, the
/// batch's stored lists, the consumer's refreshed lists and the API's live answers give the same courses, in the
/// same order, with the same reasons, rules and `rules_version` (scores equal to float rounding).
///
/// Each rule set is stored, then `recommend` runs (the batch ranks with it); the API answers for learners whose
/// activity has not changed (stored embedding: compared with the batch) and, after their rows change, the consumer
/// refreshes them and the API answers again (folded in: compared with each other); a learner with no rows gets the
/// popularity fill from both serving paths.
@Suite(.serialized) struct RecommendationContractTests {
    struct Fixture {
        let client: MongoClient
        let db: MongoDatabase
        let dir: URL
        let options: RefreshOptions
        let tenant: TenantID
    }

    static func fixture() async throws -> Fixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-contract-\(UUID().uuidString)")
        let summary = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: 1, learners: 300, seed: 11))
                .run(directory: dir.path, format: .avro, codec: .deflate, gzip: false, rowsPerFile: 1_000_000)
        }
        let client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-contract-tests")
        let db = client.database("contract_\(UInt32.random(in: 0...UInt32.max))")
        var options = RefreshOptions(source: [summary.files.first { $0.contains("events-") }!],
                                     modelsDirectory: dir.appendingPathComponent("models"))
        options.catalog = summary.files.filter { $0.contains("courses-") }
        options.cutoff = Timestamp.parse("2026-04-20 00:00:00 UTC")!
        options.recommender.als.threads = 2
        options.recommender.evaluate = false
        options.recommender.search = false
        options.artifacts = .folder(options.modelsDirectory)
        _ = try await Self.run(options, db: db)
        return Fixture(client: client, db: db, dir: dir, options: options, tenant: "tenant-000")
    }

    static func run(_ options: RefreshOptions, db: MongoDatabase) async throws -> RunSummary {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return try await RefreshJob(options: options, db: db, logger: logger).run()
    }

    /// Rule sets, each using different rule kinds (the defaults first).
    static func ruleSets(courses: [CourseDocument], orgs: [String]) -> [(String, RecommendationRules)] {
        let categories = Array(Set(courses.flatMap { $0.categories ?? [] })).sorted()
        let languages = Array(Set(courses.compactMap(\.language))).sorted()
        let popular = courses.filter { $0.in_catalog && $0.published && $0.org_ids.isEmpty }.map(\.course_id).sorted()
        var exclusions = RecommendationRules()
        exclusions.exclude.other_languages = !languages.isEmpty
        exclusions.exclude.categories = Array(categories.prefix(1))
        exclusions.exclude.courses = Array(popular.prefix(3))
        exclusions.prerequisites = popular.count > 5 ? [popular[4]: [popular[5]]] : [:]
        var placement = RecommendationRules()
        placement.pinned = popular.count > 7 ? [RecommendationRules.Pin(course_id: popular[6], position: 2),
                                                RecommendationRules.Pin(course_id: popular[7], position: 1, org_ids: Array(orgs.prefix(1)))] : []
        placement.boosts = RecommendationRules.Boosts(recent_days: 180, recent_weight: 0.3,
                                                      categories: categories.count > 1 ? [categories[1]: 0.5] : [:])
        placement.diversity = RecommendationRules.Diversity(max_per_category: 2)
        placement.dismissal_days = 30
        return [("defaults", RecommendationRules()), ("exclusions", exclusions), ("placement", placement)]
    }

    static func items(_ doc: RecommendationDocument) -> [String] { doc.items.map { "\($0.course_id)|\($0.rule ?? "-")|\($0.reason)" } }

    static func items(_ r: APIResponse) -> [String] {
        (r["items"]?.array ?? []).map { "\($0["course_id"]?.string ?? "")|\($0["rule"]?.string ?? "-")|\($0["reason"]?.string ?? "")" }
    }

    @Test func batchConsumerAndAPIGiveTheSameLists() async throws {
        let f = try await Self.fixture()
        let scope = f.db.tenant(f.tenant)
        let courses = try await StoreLayout.courses.collection(in: scope).find().collect()
        var rows: [String: [FeatureDocument]] = [:]
        for try await r in StoreLayout.features.collection(in: scope).find() { rows[r.learner_id, default: []].append(r) }
        let learners = rows.keys.sorted()
        let orgs = Array(Set(rows.values.flatMap { $0.compactMap(\.org_id) })).sorted()
        let token = try await Tokens.make(tenant: f.tenant.rawValue, roles: ["service"])
        // The API tests' fixture type over this test's own database (its `api()` builds an API on it).
        let apis = APIFixture(dir: f.dir, client: f.client, db: f.db, modelsDirectory: f.options.modelsDirectory, catalog: [],
                              learners: [:], modelCourses: [:], riskTenants: [])
        let loader = ModelArtifactLoader(store: f.options.artifacts!, compute: ComputeThreads(count: 1, name: "contract"))
        var compared = (stored: 0, folded: 0, none: 0)
        for (name, rules) in Self.ruleSets(courses: courses, orgs: orgs) {
            let version = try await RecommendationRulesStore(db: f.db).set(f.tenant, rules, by: "contract-test")
            // Two learners dismiss a course they were recommended.
            var recommendOptions = f.options
            recommendOptions.job = .recommend
            _ = try await Self.run(recommendOptions, db: f.db)
            let active = try #require(try await ActiveResults(db: f.db).activeVersion(f.tenant, .recommender))
            let stored = Dictionary(uniqueKeysWithValues: try await StoreLayout.recommendations.collection(in: scope)
                .find(["model_version": .string(active.version)]).collect().map { ($0.learner_id, $0) })
            #expect(stored.values.allSatisfy { $0.rules_version == version }, "\(name): the batch ranked with rules version \(version)")

            let (api, _) = try await apis.api()
            compared.stored += try await api.testApplication.test(.router) { raw -> Int in
                let client = try APIClient(raw)
                var n = 0
                // Stored embedding: activity unchanged since training.
                for learner in learners.prefix(40) {
                    guard let doc = stored[learner] else { continue }
                    let r = try await client.get("/v1/tenants/\(f.tenant)/learners/\(learner)/recommendations?limit=\(active.recommenderSettings.topK)",
                                                 token: token)
                    #expect(r.status == 200)
                    guard r["embedding"]?.string == "stored" else { continue }
                    #expect(Self.items(r) == Self.items(doc), "\(name) \(learner): API \(Self.items(r)) vs batch \(Self.items(doc))")
                    #expect(Int(r["rules_version"]?.number ?? -1) == version)
                    let scores = (r["items"]?.array ?? []).compactMap { $0["score"]?.number }
                    #expect(zip(scores, doc.items.map(\.score)).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
                    n += 1
                }
                client.expectConformance()
                return n
            }

            // Folded in: the learners' rows change (as the consumer's apply writes them), the consumer refreshes
            // them, and the API answers from the same rows. One more learner has no rows at all.
            let changed = Array(learners.dropFirst(40).prefix(15))
            for learner in changed {
                var updated = rows[learner]!
                for i in updated.indices { updated[i].as_of = Date() }
                try await StoreLayout.features.upsert(updated, in: scope)
            }
            // A pinned course is mandatory training and stays; the learner dismisses the first course the model placed.
            if name == "placement", let first = changed.first, let dismissed = stored[first]?.items.first(where: { $0.rule != "pinned" })?.course_id {
                try await FeedbackStore(db: f.db).record(f.tenant, learner: first, course: dismissed, action: .dismissed)
            }
            let newcomer = "newcomer-\(name)"
            let refresher = LearnerRefresher(db: f.db, models: ModelCache(db: f.db, loader: loader, checkInterval: .seconds(0)),
                                             courses: CourseDirectory(db: f.db, ttl: .seconds(0)), debounce: .milliseconds(1),
                                             logger: Logger(label: "contract"))
            _ = try await refresher.refresh(tenant: f.tenant, learners: changed + [newcomer])
            let refreshed = Dictionary(uniqueKeysWithValues: try await StoreLayout.recommendations.collection(in: scope)
                .find(["model_version": .string(active.version), "learner_id": ["$in": .array((changed + [newcomer]).map(BSON.string))]])
                .collect().map { ($0.learner_id, $0) })
            let (api2, _) = try await apis.api()
            let counts = try await api2.testApplication.test(.router) { raw -> (folded: Int, none: Int) in
                let client = try APIClient(raw)
                var counts = (folded: 0, none: 0)
                for learner in changed + [newcomer] {
                    let doc = try #require(refreshed[learner], "\(name): the consumer refreshed \(learner)")
                    let r = try await client.get("/v1/tenants/\(f.tenant)/learners/\(learner)/recommendations?limit=\(active.recommenderSettings.topK)",
                                                 token: token)
                    let mode = r["embedding"]?.string
                    #expect(mode == (learner == newcomer ? "none" : "folded_in"), "\(name) \(learner): \(mode ?? "-")")
                    #expect(Self.items(r) == Self.items(doc), "\(name) \(learner): API \(Self.items(r)) vs consumer \(Self.items(doc))")
                    #expect(doc.rules_version == version)
                    if learner == newcomer { counts.none += 1 } else { counts.folded += 1 }
                }
                if name == "placement", let first = changed.first,
                   let dismissed = stored[first]?.items.first(where: { $0.rule != "pinned" })?.course_id {
                    #expect(!(refreshed[first]?.items.map(\.course_id).contains(dismissed) ?? true), "a dismissed course stays out")
                }
                client.expectConformance()
                return counts
            }
            compared.folded += counts.folded
            compared.none += counts.none
        }
        #expect(compared.stored >= 60 && compared.folded == 45 && compared.none == 3, "\(compared)")
        try await f.db.drop()
        try? FileManager.default.removeItem(at: f.dir)
    }
}
