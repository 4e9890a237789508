import Foundation
import LearningStore
import Models
import Testing

/// The engine's rules, one by one, on a small catalog with explicit model scores (`rank(scores:)` is the path the
/// batch and the serving paths share once the learner's scores are known).
@Suite struct LearnerRecommenderTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let day = 86_400.0

    /// Courses c0…c7, scores 8…1 (c0 best). c3 is German, c4 is in `legacy`, c5 needs c1, c6 is for `emea` only,
    /// c7 was published yesterday; c0–c2 are `data`.
    static func engine(topK: Int = 4, popularity: PopularityTable? = nil) -> (LearnerRecommender, [Float]) {
        let ids = (0..<8).map { "c\($0)" }
        var docs = ids.map { CourseDocument(course_id: $0, title: "Course \($0)", org_ids: [], lesson_count: 10, published: true,
                                            in_catalog: true, language: "en", categories: []) }
        for i in 0...2 { docs[i].categories = ["data"] }
        docs[3].language = "de"
        docs[4].categories = ["legacy"]
        docs[5].prerequisites = ["c1"]
        docs[6].org_ids = ["emea"]
        docs[7].published_at = now.addingTimeInterval(-day)
        let table = popularity ?? PopularityTable(counts: ids.enumerated().map { (course: $1, org: nil, learners: 100 - $0) })
        let engine = LearnerRecommender(model: .popularity, catalog: CourseCatalogView(courses: IDMap(ids), documents: docs),
                                        popularity: table, topK: topK)
        return (engine, (0..<8).map { Float(8 - $0) })
    }

    static func learner(org: String? = nil, completed: Set<String> = [], started: Set<String> = [], dismissed: [String: Date] = [:],
                        history: [Int] = [0]) -> LearnerContext {
        LearnerContext(learnerID: "l1", org: org, history: history.map { HistoryItem(course: $0, weight: 1) }, completed: completed,
                       started: started, dismissedUntil: dismissed)
    }

    static func ids(_ list: LearnerRecommender.List) -> [String] { list.items.map(\.courseID) }

    func rank(_ l: LearnerContext, _ rules: RecommendationRules = RecommendationRules(), k: Int? = nil, scores: Bool = true) throws
        -> LearnerRecommender.List
    {
        let (e, s) = Self.engine()
        return try e.rank(l, scores: scores ? s : nil, embedding: scores ? .stored : .none, rules: VersionedRules(version: 3, rules: rules),
                          k: k, now: Self.now)
    }

    @Test func defaultsExcludeCompletedAndStartedAndKeepModelOrder() throws {
        let list = try rank(Self.learner(completed: ["c0"], started: ["c1"]))
        #expect(Self.ids(list) == ["c2", "c3", "c4", "c7"])  // c5 needs c1, c6 is for emea
        #expect(list.items.allSatisfy { $0.rule == "model" } && list.rulesVersion == 3)
        var keepStarted = RecommendationRules()
        keepStarted.exclude.in_progress = false
        #expect(Self.ids(try rank(Self.learner(completed: ["c0"], started: ["c1"]), keepStarted)).prefix(2) == ["c1", "c2"])
    }

    @Test func exclusionByLanguageCategoryAndList() throws {
        var rules = RecommendationRules()
        rules.exclude.other_languages = true
        #expect(!Self.ids(try rank(Self.learner(history: [0]), rules)).contains("c3"), "the learner's history is English")
        #expect(Self.ids(try rank(Self.learner(history: []), rules)).contains("c3"), "no language known: nothing excluded")
        rules = RecommendationRules()
        rules.exclude.categories = ["data"]
        rules.exclude.courses = ["c3"]
        #expect(Self.ids(try rank(Self.learner(), rules)) == ["c4", "c7"], "c5 needs c1; c6 is emea's")
    }

    @Test func prerequisitesFromTheCatalogAndTheRules() throws {
        #expect(!Self.ids(try rank(Self.learner(), k: 8)).contains("c5"))
        #expect(Self.ids(try rank(Self.learner(completed: ["c1"]), k: 8)).contains("c5"))
        var rules = RecommendationRules()
        rules.prerequisites = ["c2": ["c4"]]
        #expect(!Self.ids(try rank(Self.learner(), rules, k: 8)).contains("c2"))
        #expect(Self.ids(try rank(Self.learner(completed: ["c4"]), rules, k: 8)).contains("c2"))
    }

    @Test func pinnedWithinAndOutsideItsWindowAndForAnotherOrganisation() throws {
        var rules = RecommendationRules()
        rules.pinned = [RecommendationRules.Pin(course_id: "c6", position: 1, org_ids: ["emea"], from: Self.now.addingTimeInterval(-Self.day),
                                                until: Self.now.addingTimeInterval(Self.day))]
        let emea = try rank(Self.learner(org: "emea"), rules)
        #expect(emea.items.first?.courseID == "c6" && emea.items.first?.rule == "pinned" && emea.items.count == 4)
        #expect(!Self.ids(try rank(Self.learner(org: "apac"), rules)).contains("c6"), "another organisation")
        rules.pinned[0].until = Self.now
        #expect(Self.ids(try rank(Self.learner(org: "emea"), rules)).first != "c6", "the window has closed")
        rules.pinned = [RecommendationRules.Pin(course_id: "c7", position: 3)]
        let pinned = try rank(Self.learner(), rules)
        #expect(Self.ids(pinned) == ["c0", "c1", "c7", "c2"] && pinned.items[2].rule == "pinned")
        #expect(!Self.ids(try rank(Self.learner(completed: ["c7"]), rules)).contains("c7"), "a completed pin is not shown")
    }

    @Test func boostsLiftRecentAndChosenCategoriesBoundedByOne() throws {
        var rules = RecommendationRules()
        rules.boosts = RecommendationRules.Boosts(recent_days: 7, recent_weight: 1)
        // c7 scores 1; the best candidate (c0) 8: boosted 1 + 1·8 = 9 > 8.
        let recent = try rank(Self.learner(), rules)
        #expect(recent.items.first?.courseID == "c7" && recent.items.first?.rule == "boost")
        rules.boosts = RecommendationRules.Boosts(categories: ["legacy": 0.6])
        // c4 scores 4 + 0.6·8 = 8.8 > c0's 8.
        #expect(Self.ids(try rank(Self.learner(), rules)).first == "c4")
        rules.boosts = RecommendationRules.Boosts(recent_days: 7, recent_weight: 0.9, categories: ["legacy": 0.9])
        #expect(throws: Never.self) { try rules.validate() }
        rules.boosts.recent_weight = 1.5
        #expect(throws: RuleError.self) { try rules.validate() }
    }

    @Test func diversityCapsACategory() throws {
        var rules = RecommendationRules()
        rules.diversity = RecommendationRules.Diversity(max_per_category: 1)
        // c0 completed; c1 and c2 are `data`: only c1 may stay.
        #expect(Self.ids(try rank(Self.learner(completed: ["c0"]), rules)) == ["c1", "c3", "c4", "c7"])
    }

    @Test func aDeepDiversityWalkGivesTheSameListAsSortingEverything() throws {
        // 120 courses of one category score highest, then one course of each of six others: with at most one per
        // category the walk passes far beyond the first candidates the engine keeps (4 × open + 16).
        let ids = (0..<126).map { String(format: "k%03d", $0) }
        let docs = ids.enumerated().map { i, id in
            CourseDocument(course_id: id, title: id, org_ids: [], lesson_count: 1, published: true, in_catalog: true,
                           categories: [i < 120 ? "big" : "c\(i)"], published_at: Self.now.addingTimeInterval(-Double(i) * Self.day))
        }
        let e = LearnerRecommender(model: .popularity, catalog: CourseCatalogView(courses: IDMap(ids), documents: docs),
                                   popularity: PopularityTable(), topK: 5)
        var rules = RecommendationRules()
        rules.diversity = RecommendationRules.Diversity(max_per_category: 1)
        rules.boosts = RecommendationRules.Boosts(recent_days: 3, recent_weight: 0.1)
        let scores = (0..<126).map { Float(200 - $0) }
        let list = try e.rank(Self.learner(history: []), scores: scores, embedding: .stored, rules: VersionedRules(rules: rules), now: Self.now)
        #expect(Self.ids(list) == ["k000", "k120", "k121", "k122", "k123"])
    }

    @Test func dismissalsHoldUntilTheyExpire() throws {
        let held = Self.learner(dismissed: ["c1": Self.now.addingTimeInterval(Self.day)])
        #expect(!Self.ids(try rank(held)).contains("c1"))
        let expired = Self.learner(dismissed: ["c1": Self.now.addingTimeInterval(-1)])
        #expect(Self.ids(try rank(expired)).contains("c1"))
    }

    @Test func fallbackFillsWithTheOrganisationsPopularCourses() throws {
        // Every model candidate but one excluded: the fill takes the organisation's popular allowed courses.
        var rules = RecommendationRules()
        rules.exclude.categories = ["data"]
        rules.exclude.courses = ["c3", "c4"]
        let table = PopularityTable(counts: [(course: "c7", org: "emea", learners: 5), (course: "c6", org: "emea", learners: 9),
                                             (course: "c0", org: nil, learners: 50)])
        let (e, s) = Self.engine(popularity: table)
        let list = try e.rank(Self.learner(org: "emea", history: []), scores: Array(s.prefix(8)), embedding: .stored,
                              rules: VersionedRules(version: 1, rules: rules), now: Self.now)
        #expect(Self.ids(list) == ["c6", "c7"], "model candidates c6, c7 (c5 needs c1), in model order")
        let none = try e.rank(Self.learner(org: "emea", history: []), scores: nil, embedding: .none,
                              rules: VersionedRules(version: 1, rules: RecommendationRules()), now: Self.now)
        #expect(Self.ids(none) == ["c6", "c7", "c0"] && none.items.allSatisfy { $0.rule == "fallback" && $0.reason.contains("emea") },
                "no usable history: the organisation's popular candidates in its order, then the tenant's")
        rules.fallback = false
        let shortList = try e.rank(Self.learner(org: "apac", history: []), scores: Array(repeating: -1, count: 8), embedding: .stored,
                                   rules: VersionedRules(version: 1, rules: rules), now: Self.now)
        #expect(shortList.items.allSatisfy { $0.rule == "model" })
    }

    @Test func unpublishedExpiredAndFutureCoursesNeverAppear() throws {
        let ids = ["a", "b", "c", "d"]
        let docs = [
            CourseDocument(course_id: "a", title: "A", org_ids: [], lesson_count: 1, published: false, in_catalog: true),
            CourseDocument(course_id: "b", title: "B", org_ids: [], lesson_count: 1, published: true, in_catalog: true,
                           expires_at: Self.now),
            CourseDocument(course_id: "c", title: "C", org_ids: [], lesson_count: 1, published: true, in_catalog: true,
                           published_at: Self.now.addingTimeInterval(60)),
            CourseDocument(course_id: "d", title: "D", org_ids: [], lesson_count: 1, published: true, in_catalog: true),
        ]
        let e = LearnerRecommender(model: .popularity, catalog: CourseCatalogView(courses: IDMap(ids), documents: docs),
                                   popularity: PopularityTable(counts: ids.map { (course: $0, org: nil, learners: 3) }), topK: 4)
        var rules = RecommendationRules()
        rules.pinned = [RecommendationRules.Pin(course_id: "a", position: 1)]
        let list = try e.rank(Self.learner(history: []), scores: [4, 3, 2, 1], embedding: .stored, rules: VersionedRules(rules: rules),
                              now: Self.now)
        #expect(Self.ids(list) == ["d"])
    }

    @Test func ruleValidationNamesTheField() throws {
        var rules = RecommendationRules()
        rules.pinned = [RecommendationRules.Pin(course_id: "c1", position: 0)]
        #expect(throws: RuleError("pinned[0].position", "0 is outside 1…100")) { try rules.validate() }
        rules = RecommendationRules()
        rules.exclude.categories = ["ok", "not ok"]
        let e1 = #expect(throws: RuleError.self) { try rules.validate() }
        #expect(e1?.field == "exclude.categories[1]")
        rules = RecommendationRules()
        rules.pinned = (0..<21).map { RecommendationRules.Pin(course_id: "c\($0)", position: 1) }
        let e2 = #expect(throws: RuleError.self) { try rules.validate() }
        #expect(e2?.field == "pinned")
        rules = RecommendationRules()
        rules.prerequisites = ["x": ["x"]]
        let e3 = #expect(throws: RuleError.self) { try rules.validate() }
        #expect(e3?.field == "prerequisites.x")
        rules = RecommendationRules()
        rules.dismissal_days = 0
        let e4 = #expect(throws: RuleError.self) { try rules.validate() }
        #expect(e4?.field == "dismissal_days")
        let decoded = try JSONDecoder().decode(RecommendationRules.self, from: Data("{}".utf8))
        #expect(decoded == RecommendationRules(), "an empty document is the defaults")
    }
}
