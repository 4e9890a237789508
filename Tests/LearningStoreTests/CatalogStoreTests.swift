import Foundation
import LearningEvents
import LearningStore
import LodestarTestSupport
import MongoStore
import Testing

/// The stored catalog the API reads: replaced as a whole per tenant, other tenants' rows ignored.
@Suite struct CatalogStoreTests {
    @Test func replaceKeepsExactlyTheGivenCoursesOfTheTenant() async throws {
        let client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-tests")
        let db = client.database("catalog_\(UInt32.random(in: 0...UInt32.max))")
        let store = CatalogStore(db: db)
        let a: TenantID = "tenant-a", b: TenantID = "tenant-b"
        func course(_ t: String, _ id: String, orgs: [String] = [], published: Bool = true) -> Course {
            Course(tenantID: t, courseID: id, title: "Title \(id)", orgIDs: orgs, lessonCount: 5, published: published)
        }
        #expect(try await store.replace(tenant: a, with: [course("tenant-a", "c1"), course("tenant-a", "c2", orgs: ["o1"]),
                                                           course("tenant-b", "x1"), course("tenant-a", "c1")]) == 2)
        try await store.replace(tenant: b, with: [course("tenant-b", "x1")])
        #expect(try await store.courses(tenant: a).map(\.course_id) == ["c1", "c2"])
        // A later catalog without c1 removes it; tenant b is untouched.
        try await store.replace(tenant: a, with: [course("tenant-a", "c2", orgs: ["o1"]), course("tenant-a", "c3", published: false)])
        let now = try await store.courses(tenant: a)
        #expect(now.map(\.course_id) == ["c2", "c3"])
        #expect(try await store.courses(tenant: b).map(\.course_id) == ["x1"])
        // Visibility: published and offered to the organisation.
        #expect(now[0].isVisible(to: "o1") && !now[0].isVisible(to: "o2") && !now[0].isVisible(to: nil))
        #expect(!now[1].isVisible(to: nil))
        #expect(CourseDocument(course_id: "c", title: "t", org_ids: [], lesson_count: 1, published: true, updated_at: Date()).isVisible(to: nil))
        try await db.drop()
    }

    @Test func interactionWeightFollowsTheRefreshWeights() {
        var row = FeatureDocument(learner_id: "l", course_id: "c", org_id: nil, as_of: Date(), enrolled_at: Date(), last_activity_at: nil,
                                  days_since_last_activity: 0, active_days_7: 0, active_days_14: 0, active_days_28: 0,
                                  lessons_completed: 2, completion_ratio: 0.5, views: 4, time_spent_seconds: 0, quiz_attempts: 1,
                                  quiz_mean_score: 0.5, quiz_score_trend: nil, course_completed: true, unenrolled: false)
        // enrolment 1 + 2 lessons × (0.5 start + 1 completion) + 4 views × 0.25 + 1 quiz + completion 4
        #expect(row.interactionWeight == 10)
        row.confidence = 7.5
        #expect(row.interactionWeight == 7.5)
    }
}
